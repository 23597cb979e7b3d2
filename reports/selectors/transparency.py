"""The data of the platform transparency report: money totals, outcomes, the needs funnel."""

from __future__ import annotations

from dataclasses import dataclass, field

from campaigns.models import (
    Beneficiary,
    BeneficiaryStatus,
    Campaign,
    Milestone,
    MilestoneStatus,
    NeedKind,
    NeedStatus,
)
from campaigns.money import Money
from campaigns.reader_language import in_reader_language
from campaigns.registry.provinces import province_in_reader_language
from campaigns.verification.selectors import needs_funnel, needs_match_rate
from payments.figures.selectors import (
    PUBLISHED_STATUSES,
    CurrencyTotals,
    campaign_totals_uncached,
    platform_totals,
)


@dataclass(frozen=True)
class CampaignLine:
    """One published campaign's figures (docs/glossary.md)."""

    title: str
    kind: str
    region: str
    status: str
    raised: Money
    held: Money
    approved_unpaid: Money
    paid: Money
    refunded: Money


@dataclass(frozen=True)
class FunnelStep:
    step: str
    count: int


@dataclass(frozen=True)
class MatchRate:
    group: str  # a province or a kind of need
    posted: int
    matched: int
    percent: int


@dataclass(frozen=True)
class Transparency:
    period: str
    totals: list[CurrencyTotals]
    campaigns: list[CampaignLine]
    funnel: list[FunnelStep] = field(default_factory=list)
    match_by_region: list[MatchRate] = field(default_factory=list)
    match_by_kind: list[MatchRate] = field(default_factory=list)
    beneficiaries_verified: int = 0
    outcomes_verified: int = 0


PUBLISHED = PUBLISHED_STATUSES  # the campaigns the platform's figures are summed over


def platform_transparency(*, period: str = "") -> Transparency:
    """Figures per currency (the transparency page's, ``platform_totals``) and per published
    campaign (``campaign_totals``), from the ledger, with the glossary's definitions."""
    lines = []
    for campaign in Campaign.objects.filter(status__in=PUBLISHED).order_by("kind", "title"):
        t = campaign_totals_uncached(campaign=campaign)
        lines.append(
            CampaignLine(
                title=str(in_reader_language(campaign, "title")),
                kind=campaign.get_kind_display(),
                region=str(in_reader_language(campaign, "region")),
                status=campaign.get_status_display(),
                raised=t.raised,
                held=t.held,
                approved_unpaid=t.approved_unpaid,
                paid=t.paid,
                refunded=t.refunded,
            )
        )
    totals = platform_totals()
    stages = dict(NeedStatus.choices)
    kinds = dict(NeedKind.choices)
    return Transparency(
        period=period,
        totals=totals,
        campaigns=lines,
        funnel=[FunnelStep(str(stages[stage]), count) for stage, count in needs_funnel()],
        match_by_region=[
            _rate(r, str(province_in_reader_language(r["group"]))) for r in needs_match_rate(by="province")
        ],
        match_by_kind=[_rate(r, str(kinds.get(r["group"], r["group"]))) for r in needs_match_rate(by="kind")],
        beneficiaries_verified=Beneficiary.objects.filter(status=BeneficiaryStatus.VERIFIED).count(),
        outcomes_verified=Milestone.objects.filter(status=MilestoneStatus.VERIFIED).count(),
    )


def _rate(row: dict, group: str) -> MatchRate:
    return MatchRate(group=group, posted=row["posted"], matched=row["matched"], percent=row["rate"])
