from django.urls import path

from payments.donor_accounts import views

# Mounted under /payments/ inside the language patterns (/en/payments/… for English).
urlpatterns = [
    path("sign-in/", views.sign_in_request, name="donor_sign_in_request"),
    path("sign-in/sent/", views.sign_in_sent, name="donor_sign_in_sent"),
    path("sign-in/<str:token>/", views.sign_in, name="donor_sign_in"),
    path("account/", views.account, name="donor_account"),
    path("account/gifts/<uuid:public_id>/receipt/", views.receipt, name="donor_receipt"),
    path("account/sign-out/", views.sign_out, name="donor_sign_out"),
    path(
        "account/monthly/<int:plan_id>/card/<slug:step>/",
        views.monthly_plan_card,
        name="donor_monthly_plan_card",
    ),
    path(
        "account/monthly/<int:plan_id>/<slug:action>/",
        views.monthly_plan_action,
        name="donor_monthly_plan_action",
    ),
]
