from django.urls import include, path

app_name = "payments"
# Each concept mounts its own public URLs under /payments/ (inside the language patterns). The
# webhook is mounted by config.urls outside them, at the stable /payments/webhooks/stripe/.
urlpatterns = [
    path("", include("payments.donations.urls")),
    path("", include("payments.public_pages.urls")),
    path("", include("payments.wallets.urls")),
    path("", include("payments.refunds.urls")),
    path("", include("payments.trace.urls")),
    path("", include("payments.needs.urls")),
    path("", include("payments.notifications.urls")),
    path("", include("payments.donor_accounts.urls")),
    path("", include("payments.matching.urls")),
    path("", include("payments.supporters.urls")),
]
