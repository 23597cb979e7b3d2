from django.urls import path

from payments.trace import views as views_trace

urlpatterns = [
    path("trace/<uuid:public_id>/", views_trace.gift_trace_page, name="gift_trace"),
    path("transparency/", views_trace.transparency, name="transparency"),
    path(
        "campaigns/<slug:slug>/disbursements/",
        views_trace.campaign_disbursements,
        name="campaign_disbursements",
    ),
    path(
        "api/campaigns/<slug:slug>/disbursements.json",
        views_trace.campaign_disbursements_json,
        name="campaign_disbursements_json",
    ),
    path("releases/<int:pk>/object/", views_trace.release_object, name="release_object"),
]
