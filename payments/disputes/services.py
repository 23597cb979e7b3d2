"""Chargebacks: while a dispute is open its amount sits in the campaign's disputed account.

``charge.dispute.created`` moves it into disputed: from escrow for the gift's held cents, from the
campaign's platform receivable for cents already released to a partner (the platform fronts them;
``to_recover``). ``charge.dispute.closed`` moves each part back (won) or the whole to dispute
losses (lost). Each move is a ledger entry keyed ``dispute:<id>:<state>``, so repeated or
reordered events post each move at most once; a ``closed`` that arrives before its ``created``
opens the dispute first. ADR 0208.
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
from payments.disputes.models import Dispute, DisputeStatus
from payments.disputes.states import dispute_transition
from payments.donations.models import Donation, DonationStatus
from payments.ledger.models import AccountKind, LedgerEntry
from payments.ledger.services import (
    InsufficientFunds,
    Leg,
    account_for,
    balance_of,
    entry_post,
    escrow_account,
)

log = logging.getLogger(__name__)


def _donation_for(obj: dict) -> Donation | None:
    charge = obj.get("charge") or ""
    intent = obj.get("payment_intent") or ""
    qs = Donation.objects.select_for_update()
    if intent:
        found = qs.filter(provider_payment_intent_id=intent).first()
        if found:
            return found
    if charge:
        return qs.filter(provider_charge_id=charge).first()
    return None


def _campaign_of(donation: Donation) -> Campaign:
    """The campaign whose escrow holds the gift's money (its sibling's, if it was moved there)."""
    return donation.moved_to if donation.status == DonationStatus.MOVED else donation.campaign


def dispute_opened(*, obj: dict) -> Dispute | None:
    """Record a dispute and freeze its amount in the campaign's disputed account. Returns None if
    the charge is not one of ours.

    The bank has taken the disputed amount (capped at what the donor has not had back) from us.
    The gift's held cents pay for it from escrow; cents already released to a partner are not in
    escrow any more and taking them would spend other donors' gifts, so the platform fronts that
    part from the campaign's ``platform_receivable`` (``to_recover``, ADR 0208), audited as
    ``dispute.uncovered`` and logged as an error for the finance officer. Escrow never goes below
    zero. The entry is keyed ``dispute:<id>:opened``: posted once, whatever the events' order.
    """
    with transaction.atomic():
        donation = _donation_for(obj)
        if donation is None:
            return None
        still_held = donation_unreleased(donation=donation)
        dispute, created = Dispute.objects.get_or_create(
            provider_dispute_id=obj["id"],
            defaults={
                "donation": donation,
                "amount_minor": min(int(obj["amount"]), donation.amount_minor),
                "currency": donation.currency,
                "reason": (obj.get("reason") or "")[:64],
            },
        )
        if not created:
            return dispute
        takes = Money.from_minor(
            max(0, min(dispute.amount_minor, donation.amount_minor - donation.refunded_minor)),
            dispute.currency,
        )
        uncovered = Money.zero(dispute.currency)
        if takes.amount > 0:
            entry = _post_opened(dispute=dispute, campaign=_campaign_of(donation), takes=takes,
                                 covered=max(Money.zero(takes.currency), min(takes, still_held)))  # fmt: skip
            uncovered = _fronted(entry)
        if uncovered.amount > 0:
            log.error("dispute %s: escrow cannot cover %s, fronted by the platform", dispute.provider_dispute_id,
                      uncovered)  # fmt: skip
            audit(actor=None, action="dispute.uncovered", subject=dispute,
                  reason="Disputed after the gift was released to a partner.",
                  data={"amount_minor": dispute.amount_minor, "uncovered_minor": uncovered.to_minor(),
                        "campaign": _campaign_of(donation).pk})  # fmt: skip
        donation_follow_money(donation=donation, note=dispute.provider_dispute_id)
        audit(actor=None, action="dispute.opened", subject=dispute, reason=dispute.reason)
    return dispute


def _post_opened(*, dispute: Dispute, campaign: Campaign, takes: Money, covered: Money) -> LedgerEntry:
    """Post ``dispute.opened``: ``takes`` into the disputed account, ``covered`` of it from escrow,
    the rest from the platform receivable. If escrow holds less than ``covered`` (it should not),
    cover only what it holds."""
    escrow = escrow_account(campaign)
    for attempt in range(2):
        legs = [
            Leg(account_for(kind=AccountKind.DISPUTED, currency=takes.currency, campaign=campaign), takes)
        ]
        if covered.amount > 0:
            legs.append(Leg(escrow, -covered))
        if (takes - covered).amount > 0:
            receivable = account_for(
                kind=AccountKind.PLATFORM_RECEIVABLE, currency=takes.currency, campaign=campaign
            )
            legs.append(Leg(receivable, -(takes - covered)))
        try:
            with transaction.atomic():
                return entry_post(key=f"dispute:{dispute.provider_dispute_id}:opened", kind="dispute.opened",
                                  legs=legs, memo=f"dispute on gift {dispute.donation.public_id}")  # fmt: skip
        except InsufficientFunds:
            if attempt:
                raise
            covered = max(Money.zero(covered.currency), min(covered, balance_of(escrow)))
    raise AssertionError("unreachable")


def _fronted(entry: LedgerEntry) -> Money:
    """What the platform receivable gave to an entry (positive), in the entry's currency."""
    postings = list(entry.postings.select_related("account"))
    minor = -sum(p.amount_minor for p in postings if p.account.kind == AccountKind.PLATFORM_RECEIVABLE)
    return Money.from_minor(minor, postings[0].currency)


def dispute_closed(*, obj: dict) -> Dispute | None:
    """Settle a dispute once. ``won`` (or an inquiry ``warning_closed`` without a chargeback): the
    bank gives the money back, and each part returns where it came from (escrow, and the platform
    receivable for what the platform fronted). ``lost``: the frozen amount moves to the campaign's
    dispute losses; what the platform fronted stays to recover. Keyed
    ``dispute:<id>:won|lost``; a ``closed`` that arrives before ``created`` opens the dispute first."""
    dispute = dispute_opened(obj=obj)
    if dispute is None or obj.get("status") not in ("won", "lost", "warning_closed"):
        return dispute
    won = obj["status"] in ("won", "warning_closed")
    with transaction.atomic():
        dispute = Dispute.objects.select_for_update().select_related("donation__campaign").get(pk=dispute.pk)
        if dispute.status != DisputeStatus.OPEN:
            return dispute
        donation = dispute.donation
        state = "won" if won else "lost"
        opened = LedgerEntry.objects.filter(key=f"dispute:{dispute.provider_dispute_id}:opened").first()
        if opened is not None:
            legs = _closing_legs(opened=opened, won=won)
            entry_post(key=f"dispute:{dispute.provider_dispute_id}:{state}", kind=f"dispute.{state}", legs=legs,
                       memo=f"dispute {state} on gift {donation.public_id}")  # fmt: skip
        dispute.closed_at = timezone.now()
        dispute_transition(dispute, DisputeStatus.WON if won else DisputeStatus.LOST, fields=("closed_at",))
        donation = Donation.objects.select_for_update().get(pk=donation.pk)
        donation_follow_money(donation=donation, note=f"dispute {state}")
    return dispute


def _closing_legs(*, opened: LedgerEntry, won: bool) -> list[Leg]:
    """Won: the opened entry's legs in reverse (each part back where it came from). Lost: what was
    frozen moves from the disputed account to the campaign's dispute losses."""
    postings = list(opened.postings.select_related("account"))
    disputed = next(p for p in postings if p.account.kind == AccountKind.DISPUTED)
    if won:
        return [Leg(p.account, -Money.from_minor(p.amount_minor, p.currency)) for p in postings]
    frozen = Money.from_minor(disputed.amount_minor, disputed.currency)
    losses = account_for(
        kind=AccountKind.DISPUTE_LOSSES, currency=frozen.currency, campaign=disputed.account.campaign
    )
    return [Leg(disputed.account, -frozen), Leg(losses, frozen)]
