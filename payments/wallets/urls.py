from django.urls import path

from payments.wallets import views

# Mounted under /payments/ inside the language patterns, next to the card gift's URLs.
urlpatterns = [
    path("donate/<slug:slug>/wallet/", views.wallet_start, name="wallet_start"),
    path("gifts/<uuid:public_id>/pay/", views.wallet_pay, name="wallet_pay"),
    path("gifts/<uuid:public_id>/status/", views.gift_status, name="gift_status"),
]
