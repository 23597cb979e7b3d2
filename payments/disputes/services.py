"""Chargebacks: while a dispute is open its amount sits in the campaign's disputed account.

``charge.dispute.created`` moves it escrow → disputed; ``charge.dispute.closed`` moves it back
(won) or to dispute losses (lost). Each move is a ledger entry keyed ``dispute:<id>:<state>``, so
repeated or reordered events post each move at most once; a ``closed`` that arrives before its
``created`` opens the dispute first.
"""

from __future__ import annotations

import logging

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from campaigns.money import Money
from campaigns.services import audit
from payments.allocation.services import donation_unreleased
from payments.allocation.status import donation_follow_money
from payments.disputes.models import Dispute, DisputeStatus
from payments.disputes.states import dispute_transition
from payments.donations.models import Donation
from payments.ledger.models import AccountKind, LedgerAccount, Posting
from payments.ledger.services import InsufficientFunds, Leg, account_for, entry_post, escrow_account

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


def dispute_opened(*, obj: dict) -> Dispute | None:
    """Record a dispute and hold what the gift still has in escrow. Returns None if the charge is
    not one of ours.

    Cents of the gift already released to a partner are not in escrow any more; holding them from
    escrow would take other donors' gifts. That part is recorded as uncovered (audited, for the
    finance officer to settle from the platform's own funds) and nothing is posted for it.
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
        escrow = escrow_account(donation.campaign)
        disputed = account_for(
            kind=AccountKind.DISPUTED, currency=donation.currency, campaign=donation.campaign
        )
        covered = min(dispute.amount, still_held) if created and still_held.amount > 0 else None
        try:
            if covered is not None:
                with transaction.atomic():
                    entry_post(key=f"dispute:{dispute.provider_dispute_id}:opened", kind="dispute.opened",
                               legs=[Leg(escrow, -covered), Leg(disputed, covered)],
                               memo=f"dispute on gift {donation.public_id}")  # fmt: skip
        except InsufficientFunds:
            covered = None
        uncovered = dispute.amount - covered if covered is not None else dispute.amount
        if created and uncovered.amount > 0:
            # Already released to a partner: the finance officer must cover it; say so loudly.
            log.error("dispute %s: escrow cannot cover %s", dispute.provider_dispute_id, uncovered)
            audit(
                actor=None,
                action="dispute.uncovered",
                subject=dispute,
                data={"amount_minor": dispute.amount_minor, "uncovered_minor": uncovered.to_minor()},
            )
        if created:
            donation_follow_money(donation=donation, note=dispute.provider_dispute_id)
            audit(actor=None, action="dispute.opened", subject=dispute, reason=dispute.reason)
    return dispute


def _held_for(*, dispute: Dispute, disputed: LedgerAccount) -> Money:
    """What the ``opened`` entry of this dispute put in the disputed account (zero if none)."""
    total = Posting.objects.filter(
        entry__key=f"dispute:{dispute.provider_dispute_id}:opened", account=disputed
    ).aggregate(total=Sum("amount_minor"))["total"]
    return Money.from_minor(int(total or 0), dispute.currency)


def dispute_closed(*, obj: dict) -> Dispute | None:
    """Settle a dispute: ``status`` ``won`` returns the money to escrow, ``lost`` books the loss."""
    dispute = dispute_opened(obj=obj)
    # An inquiry closed without a chargeback (``warning_closed``) ends like a won dispute: the hold
    # goes back to escrow (no money was withdrawn).
    if dispute is None or obj.get("status") not in ("won", "lost", "warning_closed"):
        return dispute
    won = obj["status"] in ("won", "warning_closed")
    with transaction.atomic():
        dispute = Dispute.objects.select_for_update().select_related("donation__campaign").get(pk=dispute.pk)
        if dispute.status != DisputeStatus.OPEN:
            return dispute
        donation = dispute.donation
        disputed = account_for(
            kind=AccountKind.DISPUTED, currency=dispute.currency, campaign=donation.campaign
        )
        if won:
            target = escrow_account(donation.campaign)
        else:
            target = account_for(
                kind=AccountKind.DISPUTE_LOSSES, currency=dispute.currency, campaign=donation.campaign
            )
        state = "won" if won else "lost"
        # Only what was actually held moves on (an uncovered dispute held nothing).
        held = _held_for(dispute=dispute, disputed=disputed)
        if held.amount > 0:
            entry_post(key=f"dispute:{dispute.provider_dispute_id}:{state}", kind=f"dispute.{state}",
                       legs=[Leg(disputed, -held), Leg(target, held)],
                       memo=f"dispute {state} on gift {donation.public_id}")  # fmt: skip
        dispute.closed_at = timezone.now()
        dispute_transition(dispute, DisputeStatus.WON if won else DisputeStatus.LOST, fields=("closed_at",))
        donation = Donation.objects.select_for_update().get(pk=donation.pk)
        donation_follow_money(donation=donation, note=f"dispute {state}")
    return dispute
