from django.urls import path

from payments.donor_accounts import card_views, views

# Mounted under /payments/ inside the language patterns (/en/payments/… for English).
urlpatterns = [
    path("sign-in/", views.sign_in_request, name="donor_sign_in_request"),
    path("sign-in/sent/", views.sign_in_sent, name="donor_sign_in_sent"),
    path("sign-in/<str:token>/", views.sign_in, name="donor_sign_in"),
    path("account/", views.account, name="donor_account"),
    path("account/gifts/<uuid:public_id>/receipt/", views.receipt, name="donor_receipt"),
    path("account/sign-out/", views.sign_out, name="donor_sign_out"),
    # A new card for a monthly gift (ADR 0220): signed in, or by the donor's private link.
    path("account/monthly/<int:plan_id>/card/", card_views.card_page, name="donor_monthly_plan_card_page"),
    path(
        "account/monthly/<int:plan_id>/card/<slug:step>/",
        card_views.card_step,
        name="donor_monthly_plan_card",
    ),
    path(
        "donor/<str:token>/monthly/<int:plan_id>/card/",
        card_views.card_page,
        name="donor_link_plan_card_page",
    ),
    path(
        "donor/<str:token>/monthly/<int:plan_id>/card/<slug:step>/",
        card_views.card_step,
        name="donor_link_plan_card",
    ),
    path(
        "account/monthly/<int:plan_id>/<slug:action>/",
        views.monthly_plan_action,
        name="donor_monthly_plan_action",
    ),
]
