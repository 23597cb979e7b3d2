from django.urls import include, path

app_name = "payments"
# Donations, donor pages and webhooks live in urls_donations; releases, traces and transparency in
# urls_trace. Two modules so that the two areas grow without stepping on each other.
urlpatterns = [
    path("", include("payments.urls_donations")),
    path("", include("payments.urls_trace")),
]
