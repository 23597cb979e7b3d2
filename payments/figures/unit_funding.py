"""Feeds the unit-queue rule (``campaigns.verification.funding``) with what donations hold.

Funding counts every cent that reached the campaign and was not refunded or lost to a dispute
(the campaign's ``counted`` figure): earmarked gifts per beneficiary, the rest pooled. The
campaign's figure comes from the kept balances, so a new gift adds itself to the pool without the
campaign's gifts being read again; only gifts earmarked for a beneficiary are read one by one
(ADR 0211).
"""

from __future__ import annotations

from collections import defaultdict

from campaigns.models import Campaign
from campaigns.money import Money
from campaigns.verification.funding import FundingPlan, campaign_fund_units
from payments.allocation.services import breakdown_annotated, campaign_gifts, with_breakdown
from payments.figures.selectors import campaign_totals_uncached


def refresh_unit_funding(*, campaign: Campaign) -> FundingPlan:
    """Mark the beneficiaries the money received so far pays for (idempotent).

    Pooled money is the campaign's counted figure less what its earmarked gifts count for.
    Raises nothing.
    """
    zero = Money.zero(campaign.currency)
    earmarked: dict[int, Money] = defaultdict(lambda: zero)
    for gift in with_breakdown(campaign_gifts(campaign).filter(earmark_beneficiary_id__isnull=False)):
        # not refunded, not held by an open dispute, not lost to one
        earmarked[gift.earmark_beneficiary_id] += breakdown_annotated(gift).counted
    counted = campaign_totals_uncached(campaign=campaign).counted
    pooled = counted - sum(earmarked.values(), zero)
    return campaign_fund_units(campaign=campaign, pooled=pooled, earmarked=dict(earmarked))
