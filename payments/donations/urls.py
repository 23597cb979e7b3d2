from django.urls import path

from payments.donations import donor_views, views

# Mounted under /payments/ inside the language patterns (/en/payments/… for English).
urlpatterns = [
    path("csrf/", views.csrf_token, name="csrf"),
    path("donate/<slug:slug>/start/", views.donation_start, name="donation_start"),
    path("gifts/<uuid:public_id>/charge/", views.donation_charge_view, name="donation_charge"),
    path("gifts/<uuid:public_id>/confirm/", views.donation_confirm_view, name="donation_confirm"),
    path("gifts/<uuid:public_id>/thanks/", views.donation_thanks, name="donation_thanks"),
    path("donor/<str:token>/", donor_views.donor_page, name="donor_page"),
    path(
        "donor/<str:token>/monthly/<int:plan_id>/cancel/", donor_views.monthly_cancel, name="monthly_cancel"
    ),
]
