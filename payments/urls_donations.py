from django.urls import path

from payments import views_donate, views_donor, views_finance

# Mounted under /payments/ inside the language patterns (/en/payments/… for English).
# The webhook lives in urls_webhooks, outside them, at the stable /payments/webhooks/stripe/.
urlpatterns = [
    path("csrf/", views_donate.csrf_token, name="csrf"),
    path("donate/<slug:slug>/", views_donate.donate_page, name="donate_page"),
    path("donate/<slug:slug>/start/", views_donate.donation_start, name="donation_start"),
    path("gifts/<uuid:public_id>/charge/", views_donate.donation_charge_view, name="donation_charge"),
    path("gifts/<uuid:public_id>/confirm/", views_donate.donation_confirm_view, name="donation_confirm"),
    path("gifts/<uuid:public_id>/thanks/", views_donate.donation_thanks, name="donation_thanks"),
    path("finance/gifts/", views_finance.gifts_list, name="finance_gifts"),
    path("gifts/<uuid:public_id>/refund/", views_finance.refund_view, name="refund"),
    path("donor/<str:token>/", views_donor.donor_page, name="donor_page"),
    path(
        "donor/<str:token>/monthly/<int:plan_id>/cancel/", views_donor.monthly_cancel, name="monthly_cancel"
    ),
]
