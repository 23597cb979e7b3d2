from django.urls import path

from payments.refunds import views

urlpatterns = [
    path("finance/gifts/", views.gifts_list_moved, name="finance_gifts_moved"),
    path("gifts/<uuid:public_id>/refund/", views.refund_moved, name="refund"),
]
