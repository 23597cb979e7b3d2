"""Serve stored report files. Nothing is rendered here: a missing or unfinished run is a 404 (a
signed-in donor asking for their statement queues it and gets 202 until it is rendered)."""

from __future__ import annotations

from django.conf import settings
from django.core import signing
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import get_language
from django.views.decorators.http import require_GET

from payments.donations.donor_links import PRIVATE_PAGE_REFERRER_POLICY
from payments.donor_accounts.services import session_donor
from reports.models import PUBLIC_KINDS, ReportKind, ReportRun, ReportStatus
from reports.services import request_donor_statement


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


@require_GET
def my_statement(request: HttpRequest) -> HttpResponse:
    """The signed-in donor's statement to date (payments ADR 0218), in the page's language: the PDF
    once rendered for the current data, else queued (once: runs are unique per data version) and a
    202 page asking to come back. 404 without a donor session."""
    donor = session_donor(session=request.session)
    if donor is None:
        raise Http404
    run = request_donor_statement(donor_id=donor.pk, period="", language=get_language())
    if run.status == ReportStatus.DONE:
        return _file_response(run, public=False)
    response = render(request, "reports/statement_preparing.html", status=202)
    response["Cache-Control"] = "private, no-store"
    response["Retry-After"] = "30"
    return response
