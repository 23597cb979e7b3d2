"""Serve stored report files. Nothing is rendered here: a missing or unfinished run is a 404."""

from __future__ import annotations

from django.conf import settings
from django.core import signing
from django.http import FileResponse, Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_GET

from payments.donations.donor_links import PRIVATE_PAGE_REFERRER_POLICY
from reports.models import PUBLIC_KINDS, ReportKind, ReportRun, ReportStatus


def _file_response(run: ReportRun, *, public: bool) -> FileResponse:
    if not run.file:
        raise Http404
    try:
        handle = run.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle, content_type="application/pdf", filename=run.filename)
    response["Content-Disposition"] = response["Content-Disposition"].replace("attachment", "inline")
    response["Cache-Control"] = "public, max-age=3600" if public else "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    # A statement's URL is a credential: never the referrer of another origin (ADR 0215).
    response["Referrer-Policy"] = PRIVATE_PAGE_REFERRER_POLICY
    response["ETag"] = f'"{run.checksum}"'
    return response


@require_GET
def public_report(request: HttpRequest, run_id: int) -> FileResponse:
    """Campaign impact and transparency reports: public once done."""
    run = get_object_or_404(ReportRun, pk=run_id, kind__in=PUBLIC_KINDS, status=ReportStatus.DONE)
    return _file_response(run, public=True)


@require_GET
def donor_statement(request: HttpRequest, token: str) -> FileResponse:
    """A donor statement, only through the signed link emailed to the donor."""
    try:
        payload = signing.loads(
            token,
            salt="reports.donor-statement",
            max_age=settings.REPORTS_SIGNED_LINK_MAX_AGE,
        )
    except signing.BadSignature:
        raise Http404 from None
    run = get_object_or_404(
        ReportRun, pk=payload.get("run"), kind=ReportKind.DONOR_STATEMENT, status=ReportStatus.DONE
    )
    return _file_response(run, public=False)
