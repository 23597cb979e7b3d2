"""``/api/v1/`` (ADR 0414). Outside the language prefixes: the language follows ``Accept-Language``."""

from __future__ import annotations

from django.urls import include, path, re_path
from drf_spectacular.renderers import OpenApiJsonRenderer, OpenApiJsonRenderer2, OpenApiYamlRenderer
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from api import donors, errors, giving, staff
from api.public import views as public

v1 = [
    path("campaigns/", public.CampaignList.as_view(), name="campaigns"),
    path("campaigns/<slug:slug>/", public.CampaignDetail.as_view(), name="campaign"),
    path("campaigns/<slug:slug>/updates/", public.CampaignUpdates.as_view(), name="campaign_updates"),
    path(
        "campaigns/<slug:slug>/disbursements/",
        public.CampaignDisbursements.as_view(),
        name="campaign_disbursements",
    ),
    path("campaigns/<slug:slug>/reports/", public.CampaignReports.as_view(), name="campaign_reports"),
    path("needs/", public.NeedList.as_view(), name="needs"),
    path("gifts/", giving.GiftCreate.as_view(), name="gifts"),
    path("gifts/<uuid:public_id>/charge/", giving.GiftCharge.as_view(), name="gift_charge"),
    path("donor/token/", donors.DonorToken.as_view(), name="donor_token"),
    path("donor/gifts/", donors.DonorGifts.as_view(), name="donor_gifts"),
    path("staff/exports/", staff.ExportList.as_view(), name="staff_exports"),
    path("staff/exports/<slug:key>/", staff.ExportFile.as_view(), name="staff_export_file"),
]


class SchemaView(SpectacularAPIView):
    """The OpenAPI 3 schema of ``v1`` only (JSON by default, YAML on request)."""

    # ``Accept: application/json`` too (OpenApiJsonRenderer2): a client asking for JSON got a 406.
    renderer_classes = [OpenApiJsonRenderer, OpenApiJsonRenderer2, OpenApiYamlRenderer]
    authentication_classes: list = []


class DocsView(SpectacularSwaggerSplitView):
    """Swagger UI from our static files; its start script is a separate response, so the page
    runs under the public Content-Security-Policy (no inline script or style; ADR 0102)."""

    template_name = "api/swagger_ui.html"
    url_name = "api:schema"
    authentication_classes: list = []


app_patterns = [
    *v1,
    path("schema/", SchemaView.as_view(), name="schema"),
    path("docs/", DocsView.as_view(), name="docs"),
]

urlpatterns = [
    path("v1/", include((app_patterns, "api"), namespace="api")),
    re_path(r"^[\s\S]*$", errors.not_found),  # any path, new lines included
]
