"""Staff endpoints: the finance exports (ADR 0411) for API clients (an accounting tool, an
auditor's script), behind per-role permissions.

Staff authenticate with an API token (``Authorization: Token <key>``, made in the Django admin's
"Auth tokens" for a staff user) or the admin session. Which role may use what is declared in
``ROLES``; superusers may use everything (``campaigns.roles.in_role``).
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, serializers
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.response import Response

from api.views import ApiView
from campaigns.roles import FINANCE_OFFICERS, in_role
from payments.exports.tables import EXPORTS
from payments.exports.views import FORMATS, ExportRangeForm, export_response

# Each staff capability of the API and the roles that hold it.
ROLES: dict[str, tuple[str, ...]] = {
    "exports": (FINANCE_OFFICERS,),
}


class HoldsRole(BasePermission):
    """The view's ``capability`` (a key of ``ROLES``) is held by one of the user's roles: 401
    without a staff user, 403 for staff without the role."""

    def has_permission(self, request: Request, view) -> bool:
        user = request.user
        if not (user and user.is_authenticated and user.is_staff):
            raise exceptions.NotAuthenticated()
        return any(in_role(user, role) for role in ROLES[view.capability])


class ExportSerializer(serializers.Serializer):
    key = serializers.CharField()
    title = serializers.CharField()
    range_of = serializers.CharField(help_text="What the date range selects (received, asked...).")
    formats = serializers.ListField(child=serializers.CharField())


class ExportList(ApiView):
    permission_classes = [HoldsRole]
    capability = "exports"
    serializer_class = ExportSerializer
    pagination_class = None

    @extend_schema(
        operation_id="staff_exports_list",
        responses={200: ExportSerializer(many=True)},
        summary="The finance exports (finance officers)",
    )
    def get(self, request: Request) -> Response:
        return Response(
            [
                {"key": e.key, "title": str(e.title), "range_of": str(e.range_of), "formats": list(FORMATS)}
                for e in EXPORTS.values()
            ]
        )


class ExportFile(ApiView):
    permission_classes = [HoldsRole]
    capability = "exports"
    pagination_class = None

    @extend_schema(
        operation_id="staff_exports_file",
        summary="One export for a range of site dates, as CSV (streamed) or XLSX",
        parameters=[
            OpenApiParameter("start", OpenApiTypes.DATE, required=True, description="First site date."),
            OpenApiParameter(
                "end", OpenApiTypes.DATE, required=True, description="Last site date, included."
            ),
            OpenApiParameter("filetype", str, enum=list(FORMATS), required=False, description="Default csv."),
        ],
        responses={
            (200, "text/csv"): OpenApiResponse(OpenApiTypes.BINARY, description="The CSV file."),
            (200, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"): OpenApiResponse(
                OpenApiTypes.BINARY, description="The XLSX file."
            ),
        },
    )
    def get(self, request: Request, key: str):
        export = EXPORTS.get(key)
        if export is None:
            raise exceptions.NotFound()
        fmt = request.query_params.get("filetype", "csv")
        if fmt not in FORMATS:
            raise exceptions.ValidationError(
                {"filetype": [_("One of: %(formats)s.") % {"formats": ", ".join(FORMATS)}]}
            )
        form = ExportRangeForm(request.query_params)
        if not form.is_valid():
            raise exceptions.ValidationError({k: [str(m) for m in v] for k, v in form.errors.items()})
        response = export_response(export, fmt, form.cleaned_data["start"], form.cleaned_data["end"])
        response["Cache-Control"] = "private, no-store"
        return response
