from django.urls import path

from payments.webhooks import views as views_webhooks

app_name = "payments_webhooks"
urlpatterns = [
    path("stripe/", views_webhooks.stripe_webhook, name="stripe"),
]
