"""The webhook inbox: receive (verify, store once) and process (idempotent handlers).

``webhook_receive`` runs in the request: it verifies the signature on the raw body, inserts the
event keyed by its id in one statement that is its own durable transaction (a duplicate is a
no-op, and costs that one statement too), and asks for a drain of the inbox
(``payments.webhooks.drain``). Nothing else happens in the request, so the endpoint answers fast
even during a storm.

A worker drains the inbox in batches (``payments.webhooks.drain.webhook_drain``, ADR 0229);
``webhook_process`` handles one event alone (the sweeper's retries). Handlers never trust the order of events: for payment
intents they re-fetch the intent from the provider and act on its current state; every money
movement is a ledger entry with a deterministic key, so processing an event twice moves nothing.

Events come in any order. One about an object we have no record of yet (a payment intent whose
gift has not stored the intent id, a refund for a charge we do not know) raises ``NotYetKnown``
in its handler: the event is ``waiting`` with a ``next_attempt_at`` that backs off, and the
sweeper retries it. It is never marked processed without effect. After
``PAYMENTS_WEBHOOK_MAX_ATTEMPTS`` attempts or ``PAYMENTS_WEBHOOK_MAX_WAIT`` it is ``failed``,
audited (``webhook.failed``) and listed for finance in the admin. Only types without a handler
are ``ignored``. ADR 0208.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from campaigns.services import audit
from payments.disputes.services import dispute_closed, dispute_opened
from payments.donations.card_setup import donation_card_setup_failed
from payments.donations.card_testing import card_setup_failure_record
from payments.donations.models import Donation
from payments.donations.services import apply_payment_result
from payments.gateway.card import InvalidWebhook, ProviderRefund, get_gateway
from payments.refunds.provider import RefundInFlight, provider_refund_sync
from payments.webhooks.models import WebhookEvent, WebhookStatus

log = logging.getLogger(__name__)


class NotYetKnown(Exception):
    """The event is about an object we have no record of yet: wait and try again later."""


def webhook_receive(*, payload: bytes, signature: str) -> tuple[int, bool]:
    """Verify and store one event. Returns ``(inbox pk, created)``.

    The insert is one statement in autocommit mode: committed (durably) before the caller answers
    the provider, and a duplicate costs that same one statement (ADR 0229). A new event asks for
    a drain of the inbox once committed.

    Raises ``payments.gateway.card.InvalidWebhook`` for a bad signature, a timestamp outside the
    tolerance (either way), a body that is not an event object or that PostgreSQL cannot store
    (NUL characters, lone surrogates), or an id or type longer than its column; in each case
    before anything is stored.
    """
    from payments.webhooks.drain import webhook_drain_due

    event = get_gateway().event_construct(payload=payload, signature=signature)
    for name, value in (("event_id", event.id), ("type", event.type)):
        limit = WebhookEvent._meta.get_field(name).max_length
        if len(value) > limit:
            raise InvalidWebhook(f"event {name} longer than {limit} characters")
    pk, created = _event_insert(event_id=event.id, type=event.type, payload=event.raw)
    if created:
        # At once in autocommit mode (the request); after the caller's commit inside a transaction.
        transaction.on_commit(webhook_drain_due)
    return pk, created


# Insert unless the id is stored, and otherwise read the stored row's id, in one statement. The
# read sees the statement's snapshot: a duplicate whose first copy committed while this statement
# waited on it (ON CONFLICT waits for a concurrent insert of the same key) is not in it, and is
# read by a second statement (rare: two deliveries of one event at the same moment).
_EVENT_INSERT = (
    "WITH new AS ("
    " INSERT INTO payments_webhookevent (event_id, type, payload, status, attempts, received_at, error)"
    " VALUES (%s, %s, %s, %s, 0, %s, '') ON CONFLICT (event_id) DO NOTHING RETURNING id"
    ") SELECT id, true FROM new"
    " UNION ALL SELECT id, false FROM payments_webhookevent"
    " WHERE event_id = %s AND NOT EXISTS (SELECT 1 FROM new)"
)


def _event_insert(*, event_id: str, type: str, payload: dict) -> tuple[int, bool]:
    """Insert the event unless its id is stored: one statement either way (ADR 0212, 0229).
    Returns ``(pk, created)``."""
    json_value = WebhookEvent._meta.get_field("payload").get_db_prep_save(payload, connection)
    status = WebhookEvent._meta.get_field("status").default
    with connection.cursor() as cursor:
        cursor.execute(_EVENT_INSERT, [event_id, type, json_value, status, timezone.now(), event_id])
        row = cursor.fetchone()
    if row is None:
        return WebhookEvent.objects.values_list("pk", flat=True).get(event_id=event_id), False
    return row[0], bool(row[1])


def _donation_for_intent(obj: dict) -> Donation | None:
    """The gift of a payment intent, by the gift id in its metadata or else by the intent id, read
    with its row locked and its campaign loaded: the capture uses this read as its lock and reads
    the gift no second time (ADR 0240). Called inside the event's savepoint."""
    gifts = Donation.objects.select_for_update(of=("self",)).select_related("campaign")
    public_id = (obj.get("metadata") or {}).get("donation_id")
    if public_id:
        found = gifts.filter(public_id=public_id).first()
        if found:
            return found
    return gifts.filter(provider_payment_intent_id=obj.get("id", "")).first()


def _on_payment_intent(obj: dict) -> str:
    from payments.matching.card import pay_in_for_intent, pool_pay_in_card_result

    pay_in_id = pay_in_for_intent(obj)
    if pay_in_id is not None:  # a matcher's card pay-in (ADR 0238): re-fetched, as a gift's is
        current = get_gateway().payment_intent_retrieve(obj["id"])
        return f"pledge pay-in {pay_in_id}: {pool_pay_in_card_result(pay_in_id=pay_in_id, result=current)}"
    donation = _donation_for_intent(obj)
    if donation is None:
        raise NotYetKnown("no gift for this payment intent yet")
    if donation.captured_at is not None:
        return f"gift {donation.pk}: already captured"  # capture is final; nothing to re-check
    # The event may be stale (a failure delivered after a success): ask the provider now.
    current = get_gateway().payment_intent_retrieve(obj["id"])
    outcome = apply_payment_result(donation=donation, result=current, locked=True)
    return f"gift {donation.pk}: {outcome.status}"


def _on_dispute_created(obj: dict) -> str:
    dispute = dispute_opened(obj=obj)
    if dispute is None:
        raise NotYetKnown("no gift for this charge yet")
    return f"dispute {dispute.pk} open"


def _on_dispute_closed(obj: dict) -> str:
    dispute = dispute_closed(obj=obj)
    if dispute is None:
        raise NotYetKnown("no gift for this charge yet")
    return f"dispute {dispute.pk} {dispute.status}"


def _sync_refund(seen: ProviderRefund) -> str:
    try:
        refund = provider_refund_sync(seen=seen)
    except RefundInFlight as exc:
        raise NotYetKnown(str(exc)) from exc
    if refund is None:
        raise NotYetKnown("no gift for this refund's charge yet")
    return f"refund {refund.pk} {refund.status}"


def _on_charge_refunded(obj: dict) -> str:
    """``charge.refunded`` carries the charge; its ``refunds`` list may be cut short or left out
    (newer API versions), so every refund of the charge is read from the provider."""
    refunds = get_gateway().refunds_for_charge(obj["id"])
    if not refunds:
        raise NotYetKnown("the provider lists no refund of this charge yet")
    return "; ".join(_sync_refund(seen) for seen in refunds)


def _on_refund(obj: dict) -> str:
    """``refund.created/updated/failed``: act on the refund as the provider knows it now."""
    return _sync_refund(get_gateway().refund_retrieve(obj["id"]))


def _on_setup_failed(obj: dict) -> str:
    error = obj.get("last_setup_error") or {}
    message = error.get("message") if isinstance(error, dict) else ""
    donation = donation_card_setup_failed(setup_intent_id=obj["id"], message=str(message or ""))
    if donation is None:
        # A monthly gift's new card (no gift of its own): counted against card testing all the same.
        if card_setup_failure_record(setup_intent_id=obj["id"]) is not None:
            return "a monthly gift's new card refused"
        raise NotYetKnown("no gift for this card setup yet")
    card_setup_failure_record(setup_intent_id=obj["id"])  # card testing (ADR 0011)
    return f"gift {donation.pk}: {donation.status}"


HANDLERS: dict[str, Callable[[dict], str]] = {
    "payment_intent.succeeded": _on_payment_intent,
    "payment_intent.payment_failed": _on_payment_intent,
    "payment_intent.requires_action": _on_payment_intent,
    "payment_intent.processing": _on_payment_intent,
    "payment_intent.canceled": _on_payment_intent,
    "setup_intent.setup_failed": _on_setup_failed,
    "charge.refunded": _on_charge_refunded,
    "charge.refund.updated": _on_refund,
    "refund.created": _on_refund,
    "refund.updated": _on_refund,
    "refund.failed": _on_refund,
    "charge.dispute.created": _on_dispute_created,
    "charge.dispute.funds_withdrawn": _on_dispute_created,
    "charge.dispute.updated": _on_dispute_closed,  # opens it if new; settles it if won or lost
    "charge.dispute.closed": _on_dispute_closed,
    "charge.dispute.funds_reinstated": _on_dispute_closed,
}


def _backoff(attempts: int) -> timedelta:
    """1, 2, 4, … minutes after each attempt, at most ``PAYMENTS_WEBHOOK_MAX_BACKOFF``."""
    return min(settings.PAYMENTS_WEBHOOK_MAX_BACKOFF, timedelta(minutes=2 ** max(0, attempts - 1)))


# The fields an attempt writes (one UPDATE for one event, one for a whole batch).
ATTEMPT_FIELDS = ["status", "attempts", "processed_at", "next_attempt_at", "error"]
DONE = (WebhookStatus.PROCESSED, WebhookStatus.IGNORED, WebhookStatus.FAILED)


def webhook_process(*, event_pk: int) -> str:
    """Handle one stored event unless it was already handled or given up. Returns its status.

    A type without a handler is ``ignored``. A handler that raises (``NotYetKnown``: the object
    is not known yet; anything else: an error) leaves the event ``waiting`` with the reason and a
    backed-off ``next_attempt_at``; what the handler had written is rolled back. After
    ``PAYMENTS_WEBHOOK_MAX_ATTEMPTS`` attempts, or once the event is older than
    ``PAYMENTS_WEBHOOK_MAX_WAIT``, it is ``failed`` and audited (``webhook.failed``) for finance.
    Waits for a drainer that holds the event (its row lock), then finds it handled.
    """
    with transaction.atomic():
        event = WebhookEvent.objects.select_for_update().get(pk=event_pk)
        if event.status in DONE:
            return event.status
        event_handle(event, now=timezone.now())
        event.save(update_fields=ATTEMPT_FIELDS)
        return event.status


def event_handle(event: WebhookEvent, *, now: datetime) -> None:
    """One attempt at a locked, not yet handled event, inside the caller's transaction: run its
    handler in a savepoint and set the outcome on ``event`` (``ATTEMPT_FIELDS``), which the caller
    saves. A handler that raises has its writes rolled back to the savepoint; the caller's
    transaction goes on (so one bad event of a batch spoils nothing else)."""
    handler = HANDLERS.get(event.type)
    event.attempts += 1
    if handler is None:
        event.status = WebhookStatus.IGNORED
        event.processed_at = now
        event.next_attempt_at = None
        return
    try:
        with transaction.atomic():
            note = handler((event.payload.get("data") or {}).get("object") or {})
    except NotYetKnown as exc:
        _retry_later(event, reason=str(exc), now=now)
        return
    except Exception as exc:
        log.exception("webhook %s (%s) failed", event.event_id, event.type)
        _retry_later(event, reason=f"{type(exc).__name__}: {exc}", now=now)
        return
    event.status = WebhookStatus.PROCESSED
    event.processed_at = now
    event.next_attempt_at = None
    event.error = note[:2000]


def _retry_later(event: WebhookEvent, *, reason: str, now: datetime) -> None:
    event.error = reason[:2000]
    too_old = event.received_at < now - settings.PAYMENTS_WEBHOOK_MAX_WAIT
    if event.attempts >= settings.PAYMENTS_WEBHOOK_MAX_ATTEMPTS or too_old:
        event.status = WebhookStatus.FAILED
        event.next_attempt_at = None
        log.error("webhook %s (%s) given up after %s attempts: %s", event.event_id, event.type,
                  event.attempts, reason[:200])  # fmt: skip
        audit(actor=None, action="webhook.failed", subject=event, reason=reason[:300],
              data={"event_id": event.event_id, "type": event.type, "attempts": event.attempts})  # fmt: skip
    else:
        event.status = WebhookStatus.WAITING
        event.next_attempt_at = now + _backoff(event.attempts)


def webhook_retry_ids(*, lost_after: timedelta = timedelta(seconds=60), limit: int = 500) -> list[int]:
    """Events due again: ``waiting`` ones whose ``next_attempt_at`` has come, and ones stored but
    never processed for ``lost_after`` (a lost task), oldest first."""
    now = timezone.now()
    due = Q(status=WebhookStatus.WAITING, next_attempt_at__lte=now) | Q(
        status=WebhookStatus.RECEIVED, received_at__lt=now - lost_after
    )
    return list(WebhookEvent.objects.filter(due).order_by("pk").values_list("pk", flat=True)[:limit])
