"""The data of the platform transparency report: totals and, once verification lands, the funnel."""

from __future__ import annotations

from dataclasses import dataclass, field

from campaigns.models import Campaign, CampaignStatus
from campaigns.money import Money
from payments.selectors import campaign_totals_uncached


@dataclass(frozen=True)
class CurrencyTotals:
    currency: str
    raised: Money
    held: Money
    released: Money
    refunded: Money
    disputed: Money


@dataclass(frozen=True)
class CampaignLine:
    title: str
    kind: str
    region: str
    status: str
    raised: Money
    released: Money


@dataclass(frozen=True)
class FunnelStep:
    step: str
    count: int


@dataclass(frozen=True)
class MatchRate:
    region: str
    kind: str
    posted: int
    matched: int

    @property
    def percent(self) -> int:
        return round(100 * self.matched / self.posted) if self.posted else 0


@dataclass(frozen=True)
class Transparency:
    period: str
    totals: list[CurrencyTotals]
    campaigns: list[CampaignLine]
    funnel: list[FunnelStep] = field(default_factory=list)
    match_rates: list[MatchRate] = field(default_factory=list)
    funnel_available: bool = False


PUBLISHED = (CampaignStatus.LIVE, CampaignStatus.FUNDED, CampaignStatus.FAILED, CampaignStatus.CLOSED)


def platform_transparency(*, period: str = "") -> Transparency:
    """Totals per currency and per published campaign, from the ledger."""
    sums: dict[str, dict[str, Money]] = {}
    lines = []
    for campaign in Campaign.objects.filter(status__in=PUBLISHED).order_by("kind", "title"):
        t = campaign_totals_uncached(campaign=campaign)
        zero = Money.zero(campaign.currency)
        acc = sums.setdefault(
            campaign.currency, dict.fromkeys(("raised", "held", "released", "refunded", "disputed"), zero)
        )
        for name in acc:
            acc[name] = acc[name] + getattr(t, name)
        lines.append(
            CampaignLine(
                title=campaign.title,
                kind=campaign.get_kind_display(),
                region=campaign.region,
                status=campaign.get_status_display(),
                raised=t.raised,
                released=t.released,
            )
        )
    totals = [CurrencyTotals(currency=c, **sums[c]) for c in sorted(sums)]
    funnel, rates, available = _needs_funnel()
    return Transparency(
        period=period,
        totals=totals,
        campaigns=lines,
        funnel=funnel,
        match_rates=rates,
        funnel_available=available,
    )


def _needs_funnel() -> tuple[list[FunnelStep], list[MatchRate], bool]:
    try:
        from campaigns.models import Need  # noqa: F401 - arrives with the verification area
    except ImportError:
        return [], [], False
    return [], [], False
