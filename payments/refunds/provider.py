"""Refunds the provider tells us about: made in its dashboard, or ours changing state there.

``provider_refund_sync`` brings one refund, as the provider knows it *now* (the webhook re-fetches
it: events arrive in any order and a stale ``succeeded`` must not undo a ``failed``), into the
ledger exactly once:

* **Ours** (a ``Refund`` with that provider id): a ``failed``/``canceled`` at the provider reverses
  it the way our own terminal failure does (``<key>:failed``, the gift's refunded amount back,
  its status following the money); a pending one of ours that the provider reports succeeded is
  marked succeeded. Anything else is already recorded.
* **Ours, still in flight** (a refund of this gift we asked for whose provider id we have not
  stored yet): ``RefundInFlight``. The event must wait: guessing could post the same money twice.
* **Made at the provider** (the dashboard, support): a new ``Refund`` with key
  ``refund:provider:<id>``, ``refund.issued`` posted once under that key, the gift's refunded
  amount and status updated. The gift's own held cents pay it; what was already released to a
  partner cannot come back out of escrow (other donors' money), so that part is posted to the
  campaign's ``platform_receivable`` account (money to recover), audited as ``refund.uncovered``
  and logged as an error for finance. Escrow never goes negative and the event is never dropped.
  The gift's ``refunded_minor`` grows by the whole refund (what the donor got back); the fronted
  part is the figures' ``to_recover`` (``refunded + released − captured`` for the gift).

ADR 0208.
"""

from __future__ import annotations

import logging

from django.db import transaction
from django.utils import timezone

from campaigns.models import Campaign
from campaigns.money import Money
from campaigns.services import audit
from payments.allocation.services import donation_unreleased
from payments.allocation.status import donation_follow_money
from payments.donations.models import Donation, DonationStatus
from payments.gateway.card import ProviderRefund
from payments.ledger.models import AccountKind, LedgerAccount, LedgerEntry
from payments.ledger.services import (
    InsufficientFunds,
    Leg,
    account_for,
    balance_of,
    entry_post,
    entry_reverse,
    escrow_account,
)
from payments.refunds.models import Refund, RefundStatus
from payments.refunds.states import refund_transition

log = logging.getLogger(__name__)
PROVIDER_KEY_PREFIX = "refund:provider:"
PROVIDER_REASON = "Refunded at the payment provider (not through Clearfund)."
IN_FLIGHT = (RefundStatus.PENDING, RefundStatus.RETRYING)  # asked for, not yet answered for good


class RefundInFlight(Exception):
    """A refund of this gift that we asked for has no provider id yet: wait for it."""


class RefundDoesNotFit(ValueError):
    """The provider's refund does not fit the gift (another currency, more than is left)."""


def provider_refund_key(refund_id: str) -> str:
    return f"{PROVIDER_KEY_PREFIX}{refund_id}"


def _donation_for(seen: ProviderRefund) -> Donation | None:
    qs = Donation.objects.select_for_update()
    if seen.payment_intent_id:
        found = qs.filter(provider_payment_intent_id=seen.payment_intent_id).first()
        if found is not None:
            return found
    if seen.charge_id:
        return qs.filter(provider_charge_id=seen.charge_id).first()
    return None


def provider_refund_sync(*, seen: ProviderRefund) -> Refund | None:
    """Bring the provider's refund ``seen`` into our records once (see the module docstring).

    Returns the ``Refund`` it corresponds to, or ``None`` if no gift of ours has that charge or
    payment intent (yet). Raises ``RefundInFlight`` while one of our own refunds of the gift awaits
    its provider id, and ``RefundDoesNotFit`` if the refund exceeds what is left of the gift or is
    in another currency (nothing is written then; the event waits and finance sees it).
    """
    with transaction.atomic():
        donation = _donation_for(seen)
        if donation is None:
            return None
        refund = Refund.objects.select_for_update().filter(provider_refund_id=seen.id).first()
        if refund is None:
            refund = Refund.objects.select_for_update().filter(key=provider_refund_key(seen.id)).first()
        if refund is None:
            ours_in_flight = donation.refunds.filter(status__in=IN_FLIGHT, provider_refund_id="")
            if ours_in_flight.exclude(key__startswith=PROVIDER_KEY_PREFIX).exists():
                raise RefundInFlight(f"a refund of gift {donation.pk} we asked for has no provider id yet")
            refund = _record_provider_refund(donation=donation, seen=seen)
        _follow_provider_state(refund=refund, seen=seen)
    return refund


def _record_provider_refund(*, donation: Donation, seen: ProviderRefund) -> Refund:
    """A refund made at the provider: the ``Refund`` row, ``refund.issued`` (covered from the gift's
    held cents in escrow, the rest from the platform receivable) and the gift's refunded amount."""
    if seen.amount.currency != donation.currency or seen.amount.amount <= 0:
        raise RefundDoesNotFit(
            f"refund {seen.id} is {seen.amount}, gift {donation.pk} is in {donation.currency}"
        )
    given_back = sum(
        donation.refunds.exclude(status=RefundStatus.FAILED).values_list("amount_minor", flat=True)
    )
    if seen.amount.to_minor() + given_back > donation.amount_minor:
        left = Money.from_minor(donation.amount_minor - given_back, donation.currency)
        raise RefundDoesNotFit(
            f"refund {seen.id} of {seen.amount} exceeds the {left} left of gift {donation.pk}"
        )
    campaign = donation.moved_to if donation.status == DonationStatus.MOVED else donation.campaign
    refund = Refund.objects.create(
        donation=donation,
        amount_minor=seen.amount.to_minor(),
        currency=seen.amount.currency,
        reason=PROVIDER_REASON,
        key=provider_refund_key(seen.id),
        provider_refund_id=seen.id,
    )
    escrow = escrow_account(campaign)
    covered = max(Money.zero(donation.currency), min(seen.amount, donation_unreleased(donation=donation)))
    entry = _post_issued(refund=refund, seen=seen, escrow=escrow, covered=covered, campaign=campaign)
    uncovered = seen.amount - Money.from_minor(_covered_minor(entry), donation.currency)
    # The donor got the whole refund back: all of it counts as the gift's refunded amount; the part
    # the platform fronted shows as "to recover" (figures, per gift and per campaign; ADR 0207).
    donation.refunded_minor += seen.amount.to_minor()
    donation.save(update_fields=["refunded_minor", "updated_at"])
    donation_follow_money(donation=donation, note=f"refund {refund.pk} made at the provider",
                          data={"amount_minor": refund.amount_minor, "provider_refund_id": seen.id})  # fmt: skip
    audit(actor=None, action="refund.provider", subject=refund, reason=PROVIDER_REASON,
          data={"donation": donation.pk, "amount_minor": refund.amount_minor, "provider_refund_id": seen.id,
                "uncovered_minor": uncovered.to_minor()})  # fmt: skip
    if uncovered.amount > 0:
        log.error("refund %s made at the provider after release: %s to recover", seen.id, uncovered)
        audit(actor=None, action="refund.uncovered", subject=refund,
              reason="Refunded at the provider after the gift was released to a partner.",
              data={"donation": donation.pk, "campaign": campaign.pk, "uncovered_minor": uncovered.to_minor(),
                    "provider_refund_id": seen.id})  # fmt: skip
    return refund


def _covered_minor(entry: LedgerEntry) -> int:
    """What an entry took out of campaign escrow (minor units, positive)."""
    return -sum(p.amount_minor for p in entry.postings.all() if p.account.kind == AccountKind.CAMPAIGN_ESCROW)


def _post_issued(
    *, refund: Refund, seen: ProviderRefund, escrow: LedgerAccount, covered: Money, campaign: Campaign
) -> LedgerEntry:
    """Post ``refund.issued`` under the refund's key; if escrow holds less than ``covered`` (it
    should not), cover only what it holds. Escrow never goes below zero."""
    for attempt in range(2):
        uncovered = seen.amount - covered
        legs = [Leg(account_for(kind=AccountKind.REFUNDS, currency=seen.amount.currency), seen.amount)]
        if covered.amount > 0:
            legs.append(Leg(escrow, -covered))
        if uncovered.amount > 0:
            receivable = account_for(
                kind=AccountKind.PLATFORM_RECEIVABLE, currency=seen.amount.currency, campaign=campaign
            )
            legs.append(Leg(receivable, -uncovered))
        try:
            with transaction.atomic():
                return entry_post(key=refund.key, kind="refund.issued", legs=legs,
                                  memo=f"refund {seen.id} made at the provider, gift {refund.donation.public_id}")  # fmt: skip
        except InsufficientFunds:
            if attempt:
                raise
            covered = max(Money.zero(covered.currency), min(covered, balance_of(escrow)))
    raise AssertionError("unreachable")


def _follow_provider_state(*, refund: Refund, seen: ProviderRefund) -> None:
    if seen.failed and refund.status != RefundStatus.FAILED:
        refund_failed_at_provider(refund=refund, message=seen.failure_reason or seen.status)
    elif seen.status == "succeeded" and refund.status != RefundStatus.SUCCEEDED and refund.status != "failed":
        refund.provider_refund_id = seen.id
        refund.completed_at = timezone.now()
        refund_transition(refund, RefundStatus.SUCCEEDED, fields=("provider_refund_id", "completed_at"),
                          data={"provider_refund_id": seen.id})  # fmt: skip
        donation = Donation.objects.select_for_update().get(pk=refund.donation_id)
        donation_follow_money(donation=donation, note=f"refund {refund.pk}")


def refund_failed_at_provider(*, refund: Refund, message: str) -> None:
    """The provider reports a refund as failed (or canceled): the money is back with us. Reverse
    ``refund.issued`` (``<key>:failed``: escrow, and the platform receivable if it fronted part,
    get back what they gave), take the amount off the gift's refunded amount and let its status
    follow the money; the refund becomes ``failed``. Call with the refund row locked, inside a
    transaction. Idempotent through the reversal's key."""
    refund.failure_message = message[:300]
    refund.completed_at = timezone.now()
    refund_transition(refund, RefundStatus.FAILED, reason=message[:300],
                      fields=("failure_message", "completed_at"))  # fmt: skip
    issued = LedgerEntry.objects.filter(key=refund.key).first()
    if issued is not None and not LedgerEntry.objects.filter(key=f"{refund.key}:failed").exists():
        entry_reverse(entry=issued, key=f"{refund.key}:failed",
                      memo=f"refund {refund.pk} failed at the provider")  # fmt: skip
        donation = Donation.objects.select_for_update().get(pk=refund.donation_id)
        donation.refunded_minor -= refund.amount_minor
        donation.save(update_fields=["refunded_minor", "updated_at"])
        donation_follow_money(donation=donation, note=f"refund {refund.pk} failed at the provider")
