from django.urls import path

from payments.refunds import views

urlpatterns = [
    path("finance/gifts/", views.gifts_list, name="finance_gifts"),
    path("gifts/<uuid:public_id>/refund/", views.refund_view, name="refund"),
]
