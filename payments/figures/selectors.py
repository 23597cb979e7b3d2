"""Reads about money. Campaign totals come from the ledger through a short-lived cache."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db.models import Q, Sum

from campaigns.models import Campaign
from campaigns.money import Money
from payments.donations.models import Donation, DonationStatus
from payments.ledger.models import AccountKind, Posting


@dataclass(frozen=True)
class CampaignTotals:
    raised: Money  # every cent that ever reached escrow from donors
    held: Money  # still in escrow now
    released: Money  # moved from escrow towards partners
    refunded: Money
    disputed: Money
    donors: int
    goal: Money
    campaign_id: int = 0

    def are_for(self, campaign: Campaign) -> bool:
        """Templates reuse totals already read for the page: only for the same campaign."""
        return self.campaign_id == campaign.pk and self.goal == campaign.goal

    @property
    def percent(self) -> int:
        return self.raised.percent_of(self.goal)

    def units_funded(self, unit_cost: Money | None) -> int:
        if unit_cost is None:
            return 0
        return self.raised.split_units(unit_cost)[0]


def campaign_totals_uncached(*, campaign: Campaign) -> CampaignTotals:
    """Totals straight from the ledger: one aggregate over the campaign's postings, one count."""
    cur = campaign.currency
    escrow = Q(account__kind=AccountKind.CAMPAIGN_ESCROW)
    sums = Posting.objects.filter(account__campaign=campaign).aggregate(
        raised=Sum("amount_minor", filter=escrow & Q(entry__kind__startswith="donation.")),
        held=Sum("amount_minor", filter=escrow),
        released=Sum("amount_minor", filter=escrow & Q(entry__kind__startswith="release.")),
        refunded=Sum("amount_minor", filter=escrow & Q(entry__kind__startswith="refund.")),
        disputed=Sum("amount_minor", filter=Q(account__kind=AccountKind.DISPUTED)),
    )

    def money(name: str, sign: int = 1) -> Money:
        return Money.from_minor(sign * int(sums[name] or 0), cur)

    return CampaignTotals(
        raised=money("raised"),
        held=money("held"),
        released=money("released", -1),
        refunded=money("refunded", -1),
        disputed=money("disputed"),
        donors=donors_count(campaign=campaign),
        goal=campaign.goal,
        campaign_id=campaign.pk,
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


def donors_count(*, campaign: Campaign) -> int:
    """Distinct people whose money is in this campaign: captured gifts not refunded in full or
    moved away, plus gifts moved here from a failed sibling."""
    here = Q(campaign=campaign, captured_at__isnull=False) & ~Q(
        status__in=[DonationStatus.REFUNDED, DonationStatus.MOVED]
    )
    moved_in = Q(moved_to=campaign, status=DonationStatus.MOVED)
    return Donation.objects.filter(here | moved_in).values("donor_id").distinct().count()
