from django.urls import path

from payments.needs import views

urlpatterns = [
    path("needs/", views.needs_board, name="needs_board"),
    path("needs/<int:pk>/", views.need_detail, name="need_detail"),
    path("needs/<int:pk>/claim/", views.need_claim, name="need_claim"),
    path("needs/<int:pk>/pay/", views.need_pay, name="need_pay"),
    path("needs/<int:pk>/pay/start/", views.need_pay_start, name="need_pay_start"),
]
