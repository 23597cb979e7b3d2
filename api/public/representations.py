"""Public records as the API writes them: plain dicts read through the owning apps' selectors
(figures from ``payments.figures.selectors.campaign_totals``, never recomputed here)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse

from api.fields import amount_text, reader_text
from api.public.serializers import FIGURE_NAMES
from campaigns.models import Campaign, Need
from payments.figures.selectors import campaign_totals
from payments.trace.selectors import Disbursement
from reports.models import ReportRun


def campaign_data(campaign: Campaign) -> dict[str, Any]:
    totals = campaign_totals(campaign=campaign)
    unit_cost = campaign.unit_cost
    return {
        "slug": campaign.slug,
        "title": reader_text(campaign, "title"),
        "kind": campaign.kind,
        "region": reader_text(campaign, "region"),
        "status": campaign.status,
        "funding_model": campaign.funding_model,
        "currency": campaign.currency,
        "goal": amount_text(campaign.goal),
        "min_gift": amount_text(campaign.min_donation),
        "unit_cost": amount_text(unit_cost) if unit_cost is not None else None,
        "unit_label": reader_text(campaign, "unit_label"),
        "units_funded": totals.units_funded(unit_cost),
        "deadline": campaign.deadline,
        "percent": totals.percent,
        "donors": totals.donors,
        "figures": {name: amount_text(getattr(totals, name)) for name in FIGURE_NAMES},
    }


def disbursement_data(line: Disbursement) -> dict[str, Any]:
    return {
        "amount": amount_text(line.amount),
        "currency": line.amount.currency,
        "partner": line.partner.text,
        "beneficiary": line.beneficiary.text,
        "outcome": str(line.outcome),
        "verified_at": line.verified_at,
        "verified_by_role": line.verified_by_role,
        "approved_at": line.approved_at,
        "paid_at": line.paid_at,
        "figure": line.state,
        "evidence": [{"summary": getattr(s, "text", str(s)), "date": d} for s, d in line.evidence],
    }


def need_data(need: Need, *, now) -> dict[str, Any]:
    return {
        "id": need.pk,
        "title": reader_text(need, "title"),
        "description": reader_text(need, "description"),
        "kind": need.kind,
        "amount": amount_text(need.amount),
        "currency": need.currency,
        "county": reader_text(need, "county"),
        "beneficiary": reader_text(need.beneficiary, "pseudonym"),
        "campaign": need.beneficiary.campaign.slug,
        "status": need.status,
        "open": need.is_open(now=now),
        "donor_alias": need.donor_alias,
    }


def report_data(run: ReportRun, request: HttpRequest) -> dict[str, Any]:
    return {
        "id": run.pk,
        "kind": run.kind,
        "period": run.period,
        "language": run.language,
        "generated_at": run.generated_at,
        "url": request.build_absolute_uri(reverse("reports:public", kwargs={"run_id": run.pk})),
    }
