from django.urls import path

from payments.supporters import views

# Mounted under /payments/ inside the language patterns; the pages themselves are the CMS's.
urlpatterns = [
    path("supporters/<slug:slug>/give/start/", views.supporter_gift_start, name="supporter_gift_start"),
    path("supporters/<slug:slug>/give/wallet/", views.supporter_wallet_start, name="supporter_wallet_start"),
]
