"""Pledges paid in by card: the matcher pays part of its pledge on a payment page, through the card
gateway, as donors do (ADR 0238, "Card pay-ins").

Rules:

- **Asked for by finance.** ``pool_pay_in_card_request`` (a finance officer) records a card pay-in
  awaiting the matcher's card: method ``card``, reference ``checkout-<random>``, status
  ``recorded``, within the unpaid pledge like any pay-in (``pool_pay_in_record``). Its page, at a
  signed link finance sends the matcher (``pay_in_card_token``), shows the pool and the amount,
  nothing else.
- **Paid as a gift is.** ``pool_pay_in_card_start`` makes (or reuses) a card setup at the provider
  (key ``pool-pay-in:<id>:setup``); the browser confirms it with Stripe.js
  (``payments/card_update.js``); ``pool_pay_in_card_finish`` charges the saved card once (key
  ``pool-pay-in:<id>:charge``, metadata ``pool_pay_in``). No provider call is made inside a
  transaction or holding a row lock (ADR 0228).
- **Heard like a gift.** The provider's answer, on the page or through the webhook inbox
  (``payment_intent.*`` events naming the pay-in in their metadata, re-fetched from the provider
  as for gifts: a stale event changes nothing), goes through ``pool_pay_in_card_result``: paid →
  ``card_paid_at`` and the payment id are written once; declined → the pay-in is rejected (by
  the system, audited), so the pledge stays unpaid and the matcher's page shows it unpaid.
- **Confirmed like any pay-in.** Nothing reaches the ledger until another finance officer than the
  one who asked confirms it (``pool_pay_in_confirm``, four eyes), which a card pay-in allows only
  once the provider said it was paid.
"""

from __future__ import annotations

import logging
import secrets

from django.core import signing
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from campaigns.money import Money
from campaigns.roles import Actor
from campaigns.services import audit
from payments.gateway.card import CardDeclined, PaymentResult, get_gateway
from payments.matching.models import CARD_CHECKOUT_PREFIX, PayInMethod, PayInStatus, PoolPayIn
from payments.matching.services import PayInNotAllowed, pool_pay_in_record
from payments.matching.states import pay_in_transition

log = logging.getLogger(__name__)
TOKEN_SALT = "payments.matching.card-pay-in"  # noqa: S105 (a signing salt, not a secret)
TOKEN_MAX_AGE = 60 * 60 * 24 * 30  # a payment link works for 30 days
_USABLE_SETUP = ("requires_payment_method", "requires_confirmation", "requires_action", "succeeded")


def pay_in_card_token(pay_in: PoolPayIn) -> str:
    """The signed token of the pay-in's payment page (no database row; forged or expired: refused)."""
    return signing.dumps(pay_in.pk, salt=TOKEN_SALT)


def pay_in_from_token(token: str) -> PoolPayIn | None:
    """The card pay-in a payment link names, or ``None`` (forged, expired, not a card checkout)."""
    try:
        pk = signing.loads(token, salt=TOKEN_SALT, max_age=TOKEN_MAX_AGE)
    except signing.BadSignature:
        return None
    pay_in = (
        PoolPayIn.objects.select_related("pool__matcher").filter(pk=pk).first()
        if isinstance(pk, int)
        else None
    )
    return pay_in if pay_in is not None and pay_in.is_card_checkout else None


def pool_pay_in_card_request(*, pool, amount: Money, actor: Actor, note: str = "") -> PoolPayIn:
    """A finance officer asks the matcher to pay ``amount`` of its pledge by card. Raises what
    ``pool_pay_in_record`` raises (not finance, amount, more than the pledge left unpaid)."""
    reference = f"{CARD_CHECKOUT_PREFIX}{secrets.token_hex(8)}"
    return pool_pay_in_record(pool=pool, amount=amount, method=PayInMethod.CARD, reference=reference,
                              actor=actor, note=note)  # fmt: skip


def _payable(pay_in: PoolPayIn) -> None:
    if pay_in.status != PayInStatus.RECORDED or pay_in.card_paid_at is not None:
        raise PayInNotAllowed(_("This payment is no longer awaiting a card."))


def pool_pay_in_card_start(*, pay_in: PoolPayIn) -> str:
    """Make (or reuse) the card setup the matcher's browser confirms; return its client secret.
    Raises ``PayInNotAllowed`` (paid, declined or withdrawn already) and the gateway's errors
    (nothing written then)."""
    _payable(pay_in)
    gateway = get_gateway()
    if pay_in.provider_setup_intent_id:
        current = gateway.setup_intent_retrieve(pay_in.provider_setup_intent_id)
        if current.status in _USABLE_SETUP:
            return current.client_secret
    customer = gateway.customer_create(email=f"matcher-{pay_in.pool.matcher_id}@matchers.invalid",
                                       key=f"pool-pay-in:{pay_in.pk}:customer")  # fmt: skip
    setup = gateway.setup_intent_create(customer_id=customer, key=f"pool-pay-in:{pay_in.pk}:setup")
    with transaction.atomic():
        locked = PoolPayIn.objects.select_for_update().get(pk=pay_in.pk)
        _payable(locked)
        if not locked.provider_setup_intent_id:
            locked.provider_setup_intent_id = setup.id
            locked.save(update_fields=["provider_setup_intent_id"])
        elif locked.provider_setup_intent_id != setup.id:
            return gateway.setup_intent_retrieve(locked.provider_setup_intent_id).client_secret
    return setup.client_secret


def pool_pay_in_card_finish(*, pay_in: PoolPayIn) -> str:
    """Charge the card the matcher saved, once (key ``pool-pay-in:<id>:charge``), and apply the
    answer (``pool_pay_in_card_result``). Returns ``paid``, ``declined``, ``pending``. Raises
    ``PayInNotAllowed`` (no confirmed card, or no longer awaiting one) and the gateway's retryable
    errors (nothing written; the same key makes the retry safe)."""
    _payable(pay_in)
    gateway = get_gateway()
    if not pay_in.provider_setup_intent_id:
        raise PayInNotAllowed(_("The card has not been confirmed yet."))
    setup = gateway.setup_intent_retrieve(pay_in.provider_setup_intent_id)
    if setup.status != "succeeded" or not setup.payment_method_id:
        raise PayInNotAllowed(_("The card has not been confirmed yet."))
    try:
        result = gateway.payment_charge_saved(amount=pay_in.amount, customer_id=setup.customer_id,
                                              payment_method_id=setup.payment_method_id,
                                              key=f"pool-pay-in:{pay_in.pk}:charge",
                                              metadata={"pool_pay_in": str(pay_in.pk)})  # fmt: skip
    except CardDeclined as exc:
        return _declined(pay_in_id=pay_in.pk, message=str(exc))
    return pool_pay_in_card_result(pay_in_id=pay_in.pk, result=result)


def pool_pay_in_card_result(*, pay_in_id: int, result: PaymentResult) -> str:
    """Bring a card pay-in in line with the provider's view of its payment (the page's answer, or
    a webhook's, re-fetched). Idempotent. Returns ``paid``, ``declined`` or ``pending``. Raises
    ``PayInNotAllowed`` when the payment is for another amount (nothing written; logged)."""
    with transaction.atomic():
        pay_in = PoolPayIn.objects.select_for_update().get(pk=pay_in_id)
        if result.amount != pay_in.amount:
            log.error(
                "payment %s is for %s, pay-in %s is %s", result.id, result.amount, pay_in.pk, pay_in.amount
            )
            raise PayInNotAllowed(_("The payment does not match the amount asked for."))
        if pay_in.card_paid_at is not None:
            return "paid"
        if result.succeeded:
            pay_in.provider_payment_intent_id, pay_in.card_paid_at = result.id, timezone.now()
            pay_in.save(update_fields=["provider_payment_intent_id", "card_paid_at"])
            audit(actor=None, action="pool_pay_in.card_paid", subject=pay_in,
                  data={"pool": pay_in.pool_id, "amount_minor": pay_in.amount_minor, "payment_intent": result.id})  # fmt: skip
            return "paid"
        if result.failed and pay_in.status == PayInStatus.RECORDED:
            return _declined(pay_in_id=pay_in.pk, message=result.failure_message or result.failure_code)
    return "pending"


def _declined(*, pay_in_id: int, message: str) -> str:
    """The provider declined the card: the pay-in is rejected (no money), the pledge stays unpaid."""
    with transaction.atomic():
        pay_in = PoolPayIn.objects.select_for_update().get(pk=pay_in_id)
        if pay_in.status == PayInStatus.RECORDED and pay_in.card_paid_at is None:
            pay_in.decided_at = timezone.now()
            pay_in_transition(pay_in, PayInStatus.REJECTED, reason=f"card declined: {message}"[:300],
                              fields=("decided_at",))  # fmt: skip
    return "declined"


def pay_in_for_intent(obj: dict) -> int | None:
    """The pay-in a ``payment_intent`` object names in its metadata (webhooks), or ``None``."""
    value = (obj.get("metadata") or {}).get("pool_pay_in", "")
    return int(value) if str(value).isdigit() else None
