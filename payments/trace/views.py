"""Public pages of the trace: one gift's trace, a campaign's disbursements (HTML and JSON), the
platform transparency page, and the objection form (the needs board is ``payments.needs``). Thin: selectors and services do the work."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from campaigns.form_labels import LabelledForm
from campaigns.models import Campaign
from payments.donations.models import Donation
from payments.figures.selectors import MONEY_FIGURES, campaign_totals
from payments.releases.models import Release, ReleaseStatus
from payments.releases.services import objection_file
from payments.trace.selectors import disbursement_feed, platform_transparency


def gift_trace_page(request: HttpRequest, public_id) -> HttpResponse:
    """The trace of one gift, by its unguessable public id (linked from the donor's page)."""
    donation = get_object_or_404(Donation.objects.select_related("campaign"), public_id=public_id)
    return render(request, "payments/trace_page.html", {"donation": donation})


def campaign_disbursements(request: HttpRequest, slug: str) -> HttpResponse:
    campaign = get_object_or_404(Campaign, slug=slug)
    return render(request, "payments/disbursements_page.html", {"campaign": campaign})


def campaign_disbursements_json(request: HttpRequest, slug: str) -> JsonResponse:
    """Public API: the disbursement feed of a campaign (pseudonyms, partners, outcomes only)."""
    campaign = get_object_or_404(Campaign, slug=slug)
    items = [
        {
            "amount": str(line.amount.amount),
            "currency": line.amount.currency,
            "partner": str(line.partner),
            "beneficiary": str(line.beneficiary),
            "outcome": line.outcome,
            "verified_at": line.verified_at.isoformat() if line.verified_at else None,
            "verified_by_role": line.verified_by_role,
            "approved_at": line.approved_at.isoformat() if line.approved_at else None,
            "paid_at": line.paid_at.isoformat() if line.paid_at else None,
            "status": line.status,
            "figure": line.state,  # "approved_unpaid" or "paid" (docs/glossary.md)
            "evidence": [{"summary": str(s), "date": d.isoformat()} for s, d in line.evidence],
        }
        for line in disbursement_feed(campaign=campaign)
    ]
    totals = campaign_totals(campaign=campaign)
    figures = {name: str(getattr(totals, name).amount) for name in (*MONEY_FIGURES, "counted", "matched")}
    return JsonResponse({"campaign": campaign.slug, "currency": campaign.currency, "figures": figures,
                         "donors": totals.donors, "disbursements": items})  # fmt: skip


def transparency(request: HttpRequest) -> HttpResponse:
    return render(request, "payments/transparency.html", {"t": platform_transparency()})


class ObjectionForm(LabelledForm):
    name = forms.CharField(label=_("Your name"), max_length=100)
    contact = forms.CharField(label=_("Email or phone (not published)"), max_length=200, required=False)
    reason = forms.CharField(label=_("What is wrong with this release?"), widget=forms.Textarea)


@require_http_methods(["GET", "POST"])
def release_object(request: HttpRequest, pk: int) -> HttpResponse:
    release = get_object_or_404(
        Release.objects.select_related("campaign", "partner", "milestone__beneficiary"),
        pk=pk,
        status__in=[ReleaseStatus.REQUESTED, ReleaseStatus.OBJECTED],
    )
    form = ObjectionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            objection_file(release=release, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return redirect("payments:campaign_disbursements", slug=release.campaign.slug)
    return render(request, "payments/release_object.html", {"release": release, "form": form})
