"""Paying a release: Connect transfers to partners through the outbox, or a recorded bank transfer.

Approval writes an ``OutboxCommand`` (kind ``partner_transfer``) with the deterministic key
``release:<id>:transfer`` in the approving transaction; ``transfer_execute`` makes the provider
call with that key as its idempotency key, so a retry after a crash cannot pay twice.
Either way of paying sends ``payments.releases.signals.release_paid`` once the payment commits.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from campaigns.roles import FINANCE_OFFICERS, Actor, in_role
from campaigns.services import audit
from payments.gateway.connect import ConnectError, get_connect_gateway
from payments.ledger.models import AccountKind
from payments.ledger.services import Leg, account_for, entry_post
from payments.outbox.models import OutboxCommand, OutboxStatus
from payments.outbox.queueing import enqueue_on_commit
from payments.outbox.states import outbox_transition
from payments.releases.exceptions import ReleaseNotAllowed
from payments.releases.models import PayoutMethod, Release, ReleaseStatus
from payments.releases.signals import release_paid
from payments.releases.states import release_transition

log = logging.getLogger(__name__)
TRANSFER = "partner_transfer"


def transfer_key(release: Release) -> str:
    return f"release:{release.pk}:transfer"


def transfer_enqueue(*, release: Release) -> OutboxCommand:
    command, _created = OutboxCommand.objects.get_or_create(
        key=transfer_key(release),
        defaults={"kind": TRANSFER, "payload": {"release_id": release.pk}, "next_attempt_at": timezone.now()},
    )
    from payments.releases.tasks import release_transfer_run

    enqueue_on_commit(release_transfer_run, command.pk)
    return command


def transfer_execute(*, command_id: int) -> str:
    """Run one due transfer command; returns its status. The row stays locked during the call."""
    with transaction.atomic():
        command = (
            OutboxCommand.objects.select_for_update(skip_locked=True)
            .filter(
                pk=command_id, kind=TRANSFER, status=OutboxStatus.PENDING, next_attempt_at__lte=timezone.now()
            )
            .first()
        )
        if command is None:
            return "skipped"
        release = (
            Release.objects.select_for_update()
            .select_related("partner")
            .get(pk=command.payload["release_id"])
        )
        command.attempts += 1
        try:
            result = get_connect_gateway().transfer_create(
                destination=release.partner.stripe_account_id,
                amount=release.amount,
                key=command.key,
                metadata={"release": str(release.pk), "milestone": str(release.milestone_id)},
            )
        except ConnectError as exc:
            command.last_error = f"{exc.code}: {exc}"[:2000]
            if exc.retryable and command.attempts < settings.RELEASE_TRANSFER_MAX_ATTEMPTS:
                delay = min(3600, 30 * 2 ** (command.attempts - 1))
                command.next_attempt_at = timezone.now() + timedelta(seconds=delay)
            else:
                outbox_transition(command, OutboxStatus.FAILED)
                audit(actor=None, action="release.transfer_failed", subject=release, reason=str(exc)[:300])
            command.save(update_fields=["attempts", "last_error", "next_attempt_at", "updated_at"])
            log.warning("transfer for release %s failed: %s", release.pk, exc.code)
            return command.status
        payout_post(release=release, method=PayoutMethod.CONNECT, reference=result.id)
        release.provider_transfer_id = result.id
        release.paid_at = timezone.now()
        release_transition(release, ReleaseStatus.PAID, fields=("provider_transfer_id", "paid_at"),
                           data={"method": "connect", "transfer": result.id})  # fmt: skip
        announce_paid_after_commit(release)
        command.result = {"transfer_id": result.id}
        outbox_transition(command, OutboxStatus.DONE, fields=("attempts", "result"))
        return command.status


def transfer_due_ids(*, limit: int = 100) -> list[int]:
    return list(
        OutboxCommand.objects.filter(
            kind=TRANSFER, status=OutboxStatus.PENDING, next_attempt_at__lte=timezone.now()
        )
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )


def announce_paid_after_commit(release: Release) -> None:
    """Send ``release_paid`` once the transaction that marked ``release`` paid commits."""
    release_id, campaign_id = release.pk, release.campaign_id
    transaction.on_commit(
        lambda: release_paid.send(sender=Release, release_id=release_id, campaign_id=campaign_id)
    )


def payout_post(*, release: Release, method: str, reference: str) -> None:
    """Ledger: partner payable → paid to partner, keyed by the release (posts at most once)."""
    amount = release.amount
    entry_post(
        key=f"release:{release.pk}:paid",
        kind=f"payout.{method}",
        legs=[
            Leg(
                account_for(
                    kind=AccountKind.PARTNER_PAYABLE, currency=amount.currency, partner=release.partner
                ),
                -amount,
            ),
            Leg(
                account_for(kind=AccountKind.PARTNER_PAID, currency=amount.currency, partner=release.partner),
                amount,
            ),
        ],
        memo=f"{reference} release {release.pk}",
    )


def release_record_bank_transfer(*, release: Release, actor: Actor, reference: str, proof: File) -> Release:
    """A finance officer records the bank transfer that paid an approved release, with proof.

    Raises ``PermissionDenied`` or ``ReleaseNotAllowed``."""
    if not in_role(actor, FINANCE_OFFICERS):
        raise PermissionDenied(_("Only a finance officer may record a payout."))
    if not reference.strip() or proof is None:
        raise ValidationError(_("Give the bank reference and attach the proof."))
    with transaction.atomic():
        locked = Release.objects.select_for_update().select_related("partner").get(pk=release.pk)
        if locked.status != ReleaseStatus.APPROVED:
            raise ReleaseNotAllowed(_("Only an approved, unpaid release can be paid."))
        payout_post(release=locked, method=PayoutMethod.BANK, reference=f"bank:{reference.strip()}")
        locked.bank_proof.save(proof.name.rsplit("/", 1)[-1], proof, save=False)
        locked.bank_reference = reference.strip()[:100]
        locked.payout_method = PayoutMethod.BANK
        locked.paid_at = timezone.now()
        locked.paid_recorded_by = actor
        release_transition(locked, ReleaseStatus.PAID, actor=actor,
                           fields=("bank_proof", "bank_reference", "payout_method", "paid_at", "paid_recorded_by"),
                           data={"method": "bank", "reference": locked.bank_reference})  # fmt: skip
        announce_paid_after_commit(locked)
    release.refresh_from_db()
    return release
