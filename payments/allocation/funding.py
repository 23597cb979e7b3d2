"""Feeds the unit-queue rule (``campaigns.verification.funding``) with what donations hold.

Funding counts every cent that reached the campaign and was not refunded or lost to a dispute:
earmarked gifts per beneficiary, the rest pooled.
"""

from __future__ import annotations

from collections import defaultdict

from campaigns.models import Campaign
from campaigns.money import Money
from campaigns.verification.funding import FundingPlan, campaign_fund_units
from payments.allocation.services import breakdown_annotated, campaign_gifts, with_breakdown


def refresh_unit_funding(*, campaign: Campaign) -> FundingPlan:
    """Mark the beneficiaries the money received so far pays for (idempotent)."""
    zero = Money.zero(campaign.currency)
    pooled = zero
    earmarked: dict[int, Money] = defaultdict(lambda: zero)
    for gift in with_breakdown(campaign_gifts(campaign)):
        b = breakdown_annotated(gift)
        kept = b.counted  # not refunded, not held by an open dispute, not lost to one
        if gift.earmark_beneficiary_id:
            earmarked[gift.earmark_beneficiary_id] += kept
        else:
            pooled += kept
    return campaign_fund_units(campaign=campaign, pooled=pooled, earmarked=dict(earmarked))
