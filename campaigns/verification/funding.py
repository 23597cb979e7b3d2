"""Unit campaigns: which verified beneficiaries the money raised so far pays for.

Pooled money buys whole units (one surgery) for the next verified beneficiaries in the queue
(order of verification); a gift earmarked for a beneficiary funds that beneficiary first; what is
left over rolls forward to the next unit. Funding is cumulative and never taken back: a
beneficiary already funded keeps its unit first. ``campaigns`` does not read donations, so
``payments`` passes in the totals (pooled and earmarked per beneficiary).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from campaigns.models import Beneficiary, BeneficiaryStatus, Campaign
from campaigns.money import Money
from campaigns.services import audit


@dataclass(frozen=True)
class FundingPlan:
    funded: tuple[int, ...]  # beneficiary ids whose unit is paid for, in queue order
    remainder: Money  # pooled money rolling forward to the next unit


def plan_units(
    *,
    unit_cost: Money,
    pooled: Money,
    earmarked: Mapping[int, Money],
    queue: Sequence[int],
    already_funded: Sequence[int] = (),
) -> FundingPlan:
    """Pure rule: assign whole units. ``queue`` lists verified beneficiary ids in queue order."""
    pool = pooled
    funded: list[int] = []
    zero = Money.zero(unit_cost.currency)
    # An earmarked gift beyond one unit rolls into the pool; one below a unit is topped up first.
    earmarked_first = [b for b in queue if earmarked.get(b, zero) > zero and b not in already_funded]
    order = [b for b in queue if b in already_funded] + earmarked_first
    order += [b for b in queue if b not in order]
    for beneficiary in order:
        own = earmarked.get(beneficiary, zero)
        if own >= unit_cost:
            funded.append(beneficiary)
            pool = pool + (own - unit_cost)
        elif own + pool >= unit_cost:
            funded.append(beneficiary)
            pool = pool - (unit_cost - own)
        else:
            pool = pool + own
    rank = {b: i for i, b in enumerate(queue)}
    return FundingPlan(funded=tuple(sorted(funded, key=rank.__getitem__)), remainder=pool)


def funding_queue(*, campaign: Campaign) -> list[int]:
    return list(
        Beneficiary.objects.filter(campaign=campaign, status=BeneficiaryStatus.VERIFIED)
        .order_by("verified_at", "id")
        .values_list("id", flat=True)
    )


def campaign_fund_units(*, campaign: Campaign, pooled: Money, earmarked: Mapping[int, Money]) -> FundingPlan:
    """Mark newly funded beneficiaries of a unit campaign (``funded_at``), audited.

    Called by payments whenever money reaches or leaves escrow. Idempotent: recomputes from
    cumulative totals and only ever adds funded beneficiaries.
    """
    if campaign.unit_cost is None:
        return FundingPlan(funded=(), remainder=pooled)
    with transaction.atomic():
        # Serialises refreshes of one campaign. FOR NO KEY UPDATE, not FOR UPDATE: rows written
        # meanwhile that reference the campaign (new gifts, events) take a key-share lock on it,
        # which this does not block (ADR 0223).
        Campaign.objects.select_for_update(no_key=True).filter(pk=campaign.pk).first()
        already = list(
            Beneficiary.objects.filter(campaign=campaign, funded_at__isnull=False).values_list(
                "id", flat=True
            )
        )
        plan = plan_units(
            unit_cost=campaign.unit_cost,
            pooled=pooled,
            earmarked=earmarked,
            queue=funding_queue(campaign=campaign),
            already_funded=already,
        )
        now = timezone.now()
        for beneficiary in Beneficiary.objects.filter(pk__in=set(plan.funded) - set(already)):
            beneficiary.funded_at = now
            beneficiary.save(update_fields=["funded_at"])
            audit(actor=None, action="beneficiary.funded", subject=beneficiary)
    return plan
