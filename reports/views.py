"""Serve stored report files. Nothing is rendered here: a missing or unfinished run is a 404 (a
signed-in donor asking for their statement queues it and gets 202 until it is rendered)."""

from __future__ import annotations

from django.conf import settings
from django.core import signing
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from payments.donations.donor_links import PRIVATE_PAGE_REFERRER_POLICY, donor_from_token, keep_private
from payments.donations.models import Donation, DonorProfile
from payments.donor_accounts.services import session_donor
from payments.refunds.models import Refund, RefundStatus
from reports.models import PUBLIC_KINDS, ReportKind, ReportRun, ReportStatus
from reports.receipts import credit_note_pdf, gift_receipt_pdf
from reports.selectors.donor_statement import statement_years
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
    return _statement(request, donor, again=reverse("reports:my_statement"))


@require_GET
def private_statement(request: HttpRequest, token: str) -> HttpResponse:
    """The same statement by the donor's private link (the token of their gifts page, so the same
    donor, expiry and revocation), for a donor without an account (issue 13). A forged, expired or
    revoked token is a 404 that says nothing of any donor; the answer is never cached and its URL
    never sent as a referrer."""
    donor = donor_from_token(token)
    if donor is None:
        raise Http404
    response = _statement(request, donor, again=reverse("reports:private_statement", kwargs={"token": token}))
    return keep_private(response)


def _statement(request: HttpRequest, donor: DonorProfile, *, again: str) -> HttpResponse:
    period = ""
    year = request.GET.get("year")
    if year is not None:
        # A closed year's statement (issue 15): the year must have closed in the site's time zone and
        # hold a gift of this donor; the current year is in the statement to date.
        if not (year.isdigit() and int(year) in statement_years(donor_id=donor.pk)):
            return HttpResponseBadRequest(
                _("There is no statement for %(year)s: a yearly statement exists once the year has closed, "
                  "for a year in which you gave. The statement to date covers this year.") % {"year": year[:8]},
                content_type="text/plain; charset=utf-8",
            )  # fmt: skip
        period = year
    run = request_donor_statement(donor_id=donor.pk, period=period, language=get_language())
    if run.status == ReportStatus.DONE:
        return _file_response(run, public=False)
    response = render(request, "reports/statement_preparing.html", {"again": again}, status=202)
    response["Cache-Control"] = "private, no-store"
    response["Retry-After"] = "30"
    return response


def _receipt_donor(request: HttpRequest, token: str | None) -> DonorProfile:
    """The donor asking: by the private link's token, else by the signed-in session; 404 otherwise."""
    donor = donor_from_token(token) if token is not None else session_donor(session=request.session)
    if donor is None:
        raise Http404
    return donor


def _pdf_response(pdf: bytes, *, filename: str) -> HttpResponse:
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    response["Referrer-Policy"] = PRIVATE_PAGE_REFERRER_POLICY
    return response


@require_GET
def gift_receipt(request: HttpRequest, public_id, token: str | None = None) -> HttpResponse:
    """The receipt PDF of one captured gift (ADR 0412), in the page's language, for its own donor
    only: another donor's gift, a gift never captured or a bad token is a 404."""
    donor = _receipt_donor(request, token)
    gift = get_object_or_404(
        Donation.objects.select_related("campaign", "donor").prefetch_related("refunds"),
        public_id=public_id,
        donor=donor,
        captured_at__isnull=False,
    )
    pdf = gift_receipt_pdf(donation=gift, language=get_language())
    return _pdf_response(pdf, filename=f"{gift.receipt_number}.pdf")


@require_GET
def credit_note(request: HttpRequest, public_id, refund_id: int, token: str | None = None) -> HttpResponse:
    """The credit note PDF of one succeeded refund of the donor's own gift (ADR 0412); 404 for a
    refund that has not succeeded, of another gift or of another donor."""
    donor = _receipt_donor(request, token)
    refund = get_object_or_404(
        Refund.objects.select_related("donation__campaign", "donation__donor").prefetch_related(
            "donation__refunds"
        ),
        pk=refund_id,
        donation__public_id=public_id,
        donation__donor=donor,
        donation__captured_at__isnull=False,
        status=RefundStatus.SUCCEEDED,
        completed_at__isnull=False,
    )
    pdf = credit_note_pdf(refund=refund, language=get_language())
    return _pdf_response(pdf, filename=f"{refund.credit_note_number}.pdf")
