from django.urls import path

from reports import views

app_name = "reports"
urlpatterns = [
    path("<int:run_id>.pdf", views.public_report, name="public"),
    path("statements/<str:token>/", views.donor_statement, name="statement"),
    path("my-statement/", views.my_statement, name="my_statement"),
    # The same statement by the donor's private link, for donors without an account (issue 13).
    path("donor/<str:token>/statement/", views.private_statement, name="private_statement"),
    # One gift's receipt and its credit notes (ADR 0412): signed in, or by the donor's private link.
    path("receipts/<uuid:public_id>/", views.gift_receipt, name="my_gift_receipt"),
    path("receipts/<uuid:public_id>/credit-notes/<int:refund_id>/", views.credit_note, name="my_credit_note"),
    path("donor/<str:token>/receipts/<uuid:public_id>/", views.gift_receipt, name="gift_receipt"),
    path(
        "donor/<str:token>/receipts/<uuid:public_id>/credit-notes/<int:refund_id>/",
        views.credit_note,
        name="credit_note",
    ),
]
