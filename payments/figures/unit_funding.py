"""Feeds the unit-queue rule (``campaigns.verification.funding``) with what donations hold.

Funding counts every cent that reached the campaign and was not refunded or lost to a dispute
(the campaign's ``counted`` figure): earmarked gifts per beneficiary, the rest pooled. The
campaign's figure comes from the kept balances, so a new gift adds itself to the pool without the
campaign's gifts being read again; only gifts earmarked for a beneficiary are read one by one
(ADR 0211).

A refresh is coalesced per campaign (ADR 0223): the first gift that changes after a refresh
started marks the campaign due in Redis and queues one refresh a second later
(``UNIT_FUNDING_COALESCE_SECONDS``); gifts committed while it is due queue nothing, because the
refresh they wait for clears the mark before it reads and so sees them. A gift committed after it
cleared the mark queues the next one. The figure is therefore exact once the last refresh after
the last gift has run, and each refresh recomputes from cumulative kept figures (idempotent).
"""

from __future__ import annotations

import logging
from collections import defaultdict

from django.conf import settings
from django.core.cache import cache

from campaigns.models import Campaign
from campaigns.money import Money
from campaigns.verification.funding import FundingPlan, campaign_fund_units
from payments.allocation.services import breakdown_annotated, campaign_gifts, with_breakdown
from payments.figures.selectors import campaign_totals_uncached

log = logging.getLogger(__name__)

# How long a campaign stays marked due if its refresh never clears the mark (a lost task): the
# next gift after that queues a refresh again.
DUE_MARK_SECONDS = 30


def _due_key(campaign_id: int) -> str:
    return f"unit-funding-due:{campaign_id}"


def unit_funding_due(campaign_id: int) -> bool:
    """Queue a refresh of ``campaign_id``'s unit funding unless one is already queued and not
    started; call after the gift's transaction committed. Returns whether one was queued.

    If Redis cannot be reached (the degrading cache answers "not added" and "absent") a refresh
    is queued anyway: a refresh too many costs a few queries, one too few leaves a figure stale.
    Raises nothing the request must handle (``enqueue`` logs a broker outage).
    """
    from payments.figures.tasks import unit_funding_refresh
    from payments.outbox.queueing import enqueue

    key = _due_key(campaign_id)
    if not cache.add(key, 1, timeout=DUE_MARK_SECONDS) and cache.get(key) is not None:
        return False  # a refresh is queued and has not started: it will see this gift
    enqueue(unit_funding_refresh, campaign_id, countdown=settings.UNIT_FUNDING_COALESCE_SECONDS)
    return True


def unit_funding_started(campaign_id: int) -> None:
    """A queued refresh of ``campaign_id`` starts: clear the mark before reading, so a gift that
    commits from now on queues the next refresh."""
    cache.delete(_due_key(campaign_id))


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
