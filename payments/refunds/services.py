"""Refunds, through the outbox.

``refund_request`` reserves the money and writes the provider command in one transaction: the
ledger entry ``refund.issued`` (campaign escrow → refunds, key = the refund's key) and an
``OutboxCommand`` with the same deterministic key. Taking the money out of escrow at once means a
release approved a second later cannot spend what is owed back to the donor.

``outbox_execute`` makes the provider call with that key. A retryable failure leaves the command
pending with a later ``next_attempt_at`` (the sweeper retries it; the reservation stays). A
terminal failure marks the refund failed and posts the reversing entry, so escrow is whole again.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from campaigns.money import Money
from campaigns.roles import FINANCE_OFFICERS, Actor, in_role
from campaigns.services import audit
from payments.allocation.services import donation_unreleased
from payments.allocation.status import donation_follow_money
from payments.donations.models import Donation, DonationStatus
from payments.gateway.card import GatewayError, get_gateway
from payments.ledger.models import AccountKind, LedgerEntry
from payments.ledger.services import (
    InsufficientFunds,
    Leg,
    account_for,
    entry_post,
    entry_reverse,
    escrow_account,
)
from payments.outbox.models import OutboxCommand, OutboxStatus
from payments.outbox.queueing import enqueue_on_commit
from payments.outbox.states import outbox_transition
from payments.refunds.models import Refund, RefundStatus
from payments.refunds.states import refund_transition
from payments.wallets.services import wallet_refund_refusal

log = logging.getLogger(__name__)
REFUND = "refund"


class RefundNotAllowed(ValidationError):
    pass


def refund_key(*, donation: Donation, amount: Money, request_id: str = "") -> str:
    """The key of one request for a refund: the form's ``request_id`` (a token rendered with the
    form) and the amount, so the same form posted twice is one refund and another amount is another
    refund. Without a token, the gift's refunded amount stands in for it."""
    request = request_id or f"state-{donation.refunded_minor}"
    return f"refund:{donation.pk}:{request}:{amount.to_minor()}"


def _key_for_attempt(base: str) -> tuple[str, Refund | None]:
    """``base`` itself, or, when every refund asked for under it failed for good, a fresh key
    ``<base>:retry-<n>``: a refused refund never blocks asking again. Returns the key and the
    refund that already stands under it (None if the key is free)."""
    tried = [
        r
        for r in Refund.objects.filter(key__startswith=base).order_by("pk")
        if r.key == base or r.key.startswith(f"{base}:retry-")
    ]
    if not tried or tried[-1].status != RefundStatus.FAILED:
        return base, (tried[-1] if tried else None)
    return f"{base}:retry-{len(tried)}", None


REFUND_KIND = "refund.issued"


def refund_reserve(
    *, donation: Donation, amount: Money, reason: str, actor: Actor, key: str, kind: str = REFUND_KIND
) -> Refund:
    """The refund posting every refund we make goes through (card and offline, ADR 0237): check
    the gift (captured, not moved or disputed), the amount (positive, in its currency, at most
    what is left refundable and the gift's own held cents), then write the ``Refund`` (pending),
    post ``kind`` (escrow → refunds, under ``key``), add to ``refunded_minor`` and let the gift's
    status follow. Call inside a transaction with ``donation`` locked (``select_for_update``): two
    refunds of one gift queue on that lock, so together they never exceed what is refundable.
    Raises ``RefundNotAllowed``; nothing is written then."""
    if donation.captured_at is None or donation.status in (DonationStatus.MOVED, DonationStatus.DISPUTED):
        raise RefundNotAllowed(_("Only a received gift can be refunded."))
    if amount.currency != donation.currency or amount.amount <= 0:
        raise RefundNotAllowed(_("The refund must be a positive amount in the gift's currency."))
    if amount > donation.refundable:
        raise RefundNotAllowed(
            _("At most %(left)s of this gift can still be refunded.") % {"left": donation.refundable}
        )
    # Cents already released to a partner paid for an outcome; refunding them would spend
    # other donors' gifts. Only the gift's own held cents can go back.
    held = donation_unreleased(donation=donation)
    if amount > held:
        raise RefundNotAllowed(
            _("Only %(held)s of this gift is still held; the rest has been released to partners.")
            % {"held": held}
        )
    with transaction.atomic():  # a refusal below leaves no refund row behind
        refund = Refund.objects.create(
            donation=donation,
            amount_minor=amount.to_minor(),
            currency=amount.currency,
            reason=reason.strip(),
            requested_by=actor if actor is not None and actor.is_authenticated else None,
            key=key,
        )
        try:
            with transaction.atomic():
                entry_post(
                    key=key,
                    kind=kind,
                    legs=[
                        Leg(escrow_account(donation.campaign), -amount),
                        Leg(account_for(kind=AccountKind.REFUNDS, currency=amount.currency), amount),
                    ],
                    memo=f"refund of gift {donation.public_id}",
                )
        except InsufficientFunds as exc:
            # The gift's money has already been released to a partner: it is no longer ours to give back.
            raise RefundNotAllowed(
                _("The campaign holds only %(held)s in escrow; released money cannot be refunded from it.")
                % {"held": exc.balance}
            ) from exc
    donation.refunded_minor += amount.to_minor()
    donation.save(update_fields=["refunded_minor", "updated_at"])
    donation_follow_money(donation=donation, note=f"refund {refund.pk} requested",
                          data={"amount_minor": refund.amount_minor})  # fmt: skip
    return refund


def refund_request(
    *,
    donation: Donation,
    amount: Money,
    reason: str,
    actor: Actor,
    key: str | None = None,
    request_id: str = "",
) -> Refund:
    """Reserve ``amount`` of a captured gift for refund and queue the provider call.

    A person must be a finance officer and give a reason; the system (``actor=None``, e.g. the
    all-or-nothing job) passes its own ``key``. Raises ``PermissionDenied``, or
    ``RefundNotAllowed`` if the gift is not captured, the amount is not positive or exceeds what
    is left to refund, or if the gift was paid with a wallet whose refund window has closed
    (``payments.wallets.services.wallet_refund_refusal``). The same request again (``refund_key``) returns the first refund and moves
    nothing, unless that refund failed for good: then it is a new attempt under a new key.
    """
    if actor is not None and not in_role(actor, FINANCE_OFFICERS):
        raise PermissionDenied(_("Only a finance officer may refund a gift."))
    if not reason.strip():
        raise RefundNotAllowed(_("Say why the gift is refunded."))
    with transaction.atomic():
        donation = Donation.objects.select_for_update().select_related("campaign").get(pk=donation.pk)
        base = key or refund_key(donation=donation, amount=amount, request_id=request_id)
        key, existing = _key_for_attempt(base)
        if existing is not None:
            return existing
        if donation.idempotency_key.startswith("offline:"):  # ADR 0230: no provider payment to refund
            raise RefundNotAllowed(_("A gift received offline is not refunded through the payment provider."))
        outside_window = wallet_refund_refusal(donation=donation)  # Alipay 90, WeChat Pay 180 days (ADR 0233)
        if outside_window is not None:
            raise RefundNotAllowed(outside_window)
        refund = refund_reserve(donation=donation, amount=amount, reason=reason, actor=actor, key=key)
        command = OutboxCommand.objects.create(
            kind=REFUND, key=key, payload={"refund_id": refund.pk}, next_attempt_at=timezone.now()
        )
        audit(actor=actor, action="refund.requested", subject=refund, reason=reason,
              data={"donation": donation.pk, "amount_minor": refund.amount_minor})  # fmt: skip
    from payments.refunds.tasks import outbox_run

    enqueue_on_commit(outbox_run, command.pk)
    return refund


def _backoff(attempts: int) -> timedelta:
    return timedelta(seconds=min(3600, 15 * 2 ** max(0, attempts - 1)))


def outbox_execute(*, command_id: int) -> str:
    """Run one pending command if it is due. Returns its status afterwards.

    The command row stays locked during the provider call, so two sweepers never run it twice
    at once; a worker that dies mid-call leaves it pending, and the retry reuses the key.
    """
    with transaction.atomic():
        command = (
            OutboxCommand.objects.select_for_update(skip_locked=True)
            .filter(pk=command_id, status=OutboxStatus.PENDING, next_attempt_at__lte=timezone.now())
            .first()
        )
        if command is None:
            return "skipped"
        if command.kind != REFUND:
            raise ValueError(f"unknown outbox command {command.kind}")
        refund = Refund.objects.select_related("donation").get(pk=command.payload["refund_id"])
        command.attempts += 1
        try:
            result = get_gateway().refund_create(
                payment_intent_id=refund.donation.provider_payment_intent_id,
                amount=refund.amount,
                key=_provider_key(command),
            )
        except GatewayError as exc:
            command.last_error = f"{exc.code}: {exc}"[:2000]
            if exc.retryable and command.attempts < settings.PAYMENTS_OUTBOX_MAX_ATTEMPTS:
                command.next_attempt_at = timezone.now() + _backoff(command.attempts)
                command.save(update_fields=["attempts", "last_error", "next_attempt_at", "updated_at"])
                log.warning("refund %s failed (%s), retrying later", refund.pk, exc.code)
                return command.status
            if refund.is_automatic:
                _refund_retry_later(refund=refund, command=command, message=str(exc))
                return command.status
            _refund_failed(refund=refund, command=command, message=str(exc))
            return command.status
        _refund_succeeded(refund=refund, command=command, provider_refund_id=result.id)
        return command.status


def _provider_key(command: OutboxCommand) -> str:
    """The provider idempotency key of the next call: the command's key, with the round of refused
    attempts appended once the provider refused it for good (it would replay a refusal for the
    same key; a refused call refunded nothing, so a new key cannot refund twice)."""
    rounds = int(command.payload.get("refused_rounds", 0))
    return command.key if rounds == 0 else f"{command.key}:round-{rounds}"


def _refund_retry_later(*, refund: Refund, command: OutboxCommand, message: str) -> None:
    """An automatic refund the provider refused: keep the money reserved and try again later (backoff
    up to ``PAYMENTS_AUTOMATIC_REFUND_MAX_BACKOFF``) until it succeeds or finance takes it over."""
    rounds = int(command.payload.get("refused_rounds", 0)) + 1
    command.payload = {**command.payload, "refused_rounds": rounds}
    delay = min(settings.PAYMENTS_AUTOMATIC_REFUND_MAX_BACKOFF, _backoff(command.attempts) * 4)
    command.next_attempt_at = timezone.now() + delay
    command.save(update_fields=["attempts", "last_error", "next_attempt_at", "payload", "updated_at"])
    refund.failure_message = message[:300]
    refund_transition(refund, RefundStatus.RETRYING, reason=message[:300], fields=("failure_message",))
    log.warning("automatic refund %s refused by the provider (%s); retrying in %s", refund.pk, message, delay)


def refund_take_over(*, refund: Refund, actor: Actor, reason: str) -> Refund:
    """A finance officer stops the retries of a refused automatic refund to handle it by hand: the
    refund fails, its reservation is reversed (the money is back in escrow) and nothing more is sent
    to the provider. Raises ``PermissionDenied``, or ``RefundNotAllowed`` unless it is retrying."""
    if not in_role(actor, FINANCE_OFFICERS):
        raise PermissionDenied(_("Only a finance officer may take over a refund."))
    if not reason.strip():
        raise RefundNotAllowed(_("Say how the refund will be handled."))
    with transaction.atomic():
        refund = Refund.objects.select_for_update().get(pk=refund.pk)
        if refund.status != RefundStatus.RETRYING:
            raise RefundNotAllowed(
                _("Only a refund that the provider refused and that is being retried can be taken over.")
            )
        command = OutboxCommand.objects.select_for_update().get(key=refund.key)
        _refund_failed(refund=refund, command=command, message=reason.strip(), actor=actor)
    return refund


def _refund_succeeded(*, refund: Refund, command: OutboxCommand, provider_refund_id: str) -> None:
    refund.provider_refund_id = provider_refund_id
    refund.completed_at = timezone.now()
    refund_transition(refund, RefundStatus.SUCCEEDED, fields=("provider_refund_id", "completed_at"),
                      data={"provider_refund_id": provider_refund_id})  # fmt: skip
    command.result = {"provider_refund_id": provider_refund_id}
    outbox_transition(command, OutboxStatus.DONE, fields=("attempts", "result"))
    donation = Donation.objects.select_for_update().get(pk=refund.donation_id)
    donation_follow_money(
        donation=donation, note=f"refund {refund.pk}", data={"amount_minor": refund.amount_minor}
    )


def _refund_failed(*, refund: Refund, command: OutboxCommand, message: str, actor: Actor = None) -> None:
    refund.failure_message = message[:300]
    refund.completed_at = timezone.now()
    refund_transition(
        refund,
        RefundStatus.FAILED,
        actor=actor,
        reason=message[:300],
        fields=("failure_message", "completed_at"),
    )
    outbox_transition(command, OutboxStatus.FAILED, fields=("attempts", "last_error"))
    entry_reverse(entry=LedgerEntry.objects.get(key=refund.key), key=f"{refund.key}:failed",
                  memo=f"refund {refund.pk} failed at the provider")  # fmt: skip
    donation = Donation.objects.select_for_update().get(pk=refund.donation_id)
    donation.refunded_minor -= refund.amount_minor
    donation.save(update_fields=["refunded_minor", "updated_at"])
    donation_follow_money(donation=donation, note=f"refund {refund.pk} failed")


def outbox_due_ids(*, limit: int = 200) -> list[int]:
    return list(
        OutboxCommand.objects.filter(
            kind=REFUND, status=OutboxStatus.PENDING, next_attempt_at__lte=timezone.now()
        )
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )
