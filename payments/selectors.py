"""Reads about money. Campaign totals come from the ledger through a short-lived cache."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db.models import Sum

from campaigns.models import Campaign
from campaigns.money import Money
from payments.models import AccountKind, Posting


@dataclass(frozen=True)
class CampaignTotals:
    raised: Money  # every cent that ever reached escrow from donors
    held: Money  # still in escrow now
    released: Money  # moved from escrow towards partners
    refunded: Money
    disputed: Money
    donors: int
    goal: Money

    @property
    def percent(self) -> int:
        return self.raised.percent_of(self.goal)

    def units_funded(self, unit_cost: Money | None) -> int:
        if unit_cost is None:
            return 0
        return self.raised.split_units(unit_cost)[0]


def _sum(qs) -> int:
    return int(qs.aggregate(total=Sum("amount_minor"))["total"] or 0)


def campaign_totals_uncached(*, campaign: Campaign) -> CampaignTotals:
    cur = campaign.currency
    escrow = Posting.objects.filter(account__campaign=campaign, account__kind=AccountKind.CAMPAIGN_ESCROW)
    disputed = Posting.objects.filter(account__campaign=campaign, account__kind=AccountKind.DISPUTED)
    raised = _sum(escrow.filter(entry__kind__startswith="donation."))
    released = -_sum(escrow.filter(entry__kind__startswith="release."))
    refunded = -_sum(escrow.filter(entry__kind__startswith="refund."))
    donors = 0
    return CampaignTotals(
        raised=Money.from_minor(raised, cur),
        held=Money.from_minor(_sum(escrow), cur),
        released=Money.from_minor(released, cur),
        refunded=Money.from_minor(refunded, cur),
        disputed=Money.from_minor(_sum(disputed), cur),
        donors=donors,
        goal=campaign.goal,
    )


def campaign_totals(*, campaign: Campaign) -> CampaignTotals:
    """Totals for a campaign page, at most ``TOTALS_CACHE_SECONDS`` old."""
    seconds = settings.TOTALS_CACHE_SECONDS
    if seconds <= 0:
        return campaign_totals_uncached(campaign=campaign)
    key = f"campaign-totals:{campaign.pk}"
    totals = cache.get(key)
    if totals is None:
        totals = campaign_totals_uncached(campaign=campaign)
        cache.set(key, totals, seconds)
    return totals
