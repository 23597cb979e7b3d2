"""The data of a campaign impact report: money from the ledger, outcomes from verification."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, Sum
from django.db.models.functions import TruncMonth

from campaigns.models import Campaign
from campaigns.money import Money
from campaigns.reader_language import in_reader_language
from campaigns.site_time import site_zone
from payments.figures.selectors import CampaignTotals, campaign_totals_uncached
from payments.models import AccountKind, Posting
from reports.selectors.common import ReportDataError
from reports.selectors.outcomes import BeneficiaryOutcome, Disbursement, MilestoneEvent, campaign_outcomes


@dataclass(frozen=True)
class MonthOfGifts:
    month: str  # "2026-11"
    gifts: int
    amount: Money


@dataclass(frozen=True)
class CampaignImpact:
    campaign_id: int
    title: str
    kind: str
    region: str
    currency: str
    goal: Money
    unit_cost: Money | None
    unit_label: str
    totals: CampaignTotals
    units_funded: int
    units_delivered: int  # verified outcomes
    gifts_by_month: list[MonthOfGifts]
    disbursements: list[Disbursement] = field(default_factory=list)
    beneficiaries: list[BeneficiaryOutcome] = field(default_factory=list)
    milestones: list[MilestoneEvent] = field(default_factory=list)


def _gifts_by_month(campaign: Campaign) -> list[MonthOfGifts]:
    rows = (
        Posting.objects.filter(
            account__campaign=campaign,
            account__kind=AccountKind.CAMPAIGN_ESCROW,
            entry__kind__startswith="donation.",
            amount_minor__gt=0,
        )
        .annotate(month=TruncMonth("entry__created_at", tzinfo=site_zone()))  # site-time months
        .values("month")
        .annotate(gifts=Count("id"), total=Sum("amount_minor"))
        .order_by("month")
    )
    return [
        MonthOfGifts(f"{r['month']:%Y-%m}", r["gifts"], Money.from_minor(int(r["total"]), campaign.currency))
        for r in rows
    ]


def campaign_impact(*, campaign_id: int) -> CampaignImpact:
    """Everything a campaign impact report prints. Raises ``ReportDataError`` for an unknown campaign."""
    campaign = Campaign.objects.filter(pk=campaign_id).first()
    if campaign is None:
        raise ReportDataError(f"campaign {campaign_id} does not exist")
    totals = campaign_totals_uncached(campaign=campaign)
    outcomes = campaign_outcomes(campaign=campaign)
    return CampaignImpact(
        campaign_id=campaign.pk,
        title=str(in_reader_language(campaign, "title")),
        kind=campaign.get_kind_display(),
        region=str(in_reader_language(campaign, "region")),
        currency=campaign.currency,
        goal=campaign.goal,
        unit_cost=campaign.unit_cost,
        unit_label=str(in_reader_language(campaign, "unit_label")),
        totals=totals,
        units_funded=totals.units_funded(campaign.unit_cost),
        units_delivered=outcomes.units_delivered,
        gifts_by_month=_gifts_by_month(campaign),
        disbursements=outcomes.disbursements,
        beneficiaries=outcomes.beneficiaries,
        milestones=outcomes.milestones,
    )
