"""The webhook inbox: receive (verify, store once) and process (idempotent handlers).

``webhook_receive`` runs in the request: it verifies the signature on the raw body, inserts the
event keyed by its id (a duplicate is a no-op) and schedules processing after commit. Nothing
else happens in the request, so the endpoint answers fast even during a storm.

``webhook_process`` runs in a worker. Handlers never trust the order of events: for payment
intents they re-fetch the intent from the provider and act on its current state; every money
movement is a ledger entry with a deterministic key, so processing an event twice moves nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from payments.disputes.services import dispute_closed, dispute_opened
from payments.donations.models import Donation
from payments.donations.services import apply_payment_result
from payments.gateway.card import get_gateway
from payments.webhooks.models import WebhookEvent, WebhookStatus

log = logging.getLogger(__name__)


def webhook_receive(*, payload: bytes, signature: str) -> tuple[WebhookEvent, bool]:
    """Verify and store one event. Returns ``(event, created)``.

    Raises ``payments.gateway.card.InvalidWebhook`` for a bad signature or malformed body, before
    anything is stored.
    """
    from payments.webhooks.tasks import webhook_process_task

    event = get_gateway().event_construct(payload=payload, signature=signature)
    existing = WebhookEvent.objects.filter(event_id=event.id).first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            stored = WebhookEvent.objects.create(event_id=event.id, type=event.type, payload=event.raw)
            transaction.on_commit(lambda: webhook_process_task.delay(stored.pk))
    except IntegrityError:
        # The same event arrived twice at the same moment; the other request stored it.
        return WebhookEvent.objects.get(event_id=event.id), False
    return stored, True


def _donation_for_intent(obj: dict) -> Donation | None:
    public_id = (obj.get("metadata") or {}).get("donation_id")
    if public_id:
        found = Donation.objects.filter(public_id=public_id).first()
        if found:
            return found
    return Donation.objects.filter(provider_payment_intent_id=obj.get("id", "")).first()


def _on_payment_intent(obj: dict) -> str:
    donation = _donation_for_intent(obj)
    if donation is None:
        return "no gift for this payment"
    if donation.captured_at is not None:
        return f"gift {donation.pk}: already captured"  # capture is final; nothing to re-check
    # The event may be stale (a failure delivered after a success): ask the provider now.
    current = get_gateway().payment_intent_retrieve(obj["id"])
    outcome = apply_payment_result(donation=donation, result=current)
    return f"gift {donation.pk}: {outcome.status}"


def _on_dispute_created(obj: dict) -> str:
    dispute = dispute_opened(obj=obj)
    return "no gift for this charge" if dispute is None else f"dispute {dispute.pk} open"


def _on_dispute_closed(obj: dict) -> str:
    dispute = dispute_closed(obj=obj)
    return "no gift for this charge" if dispute is None else f"dispute {dispute.pk} {dispute.status}"


HANDLERS: dict[str, Callable[[dict], str]] = {
    "payment_intent.succeeded": _on_payment_intent,
    "payment_intent.payment_failed": _on_payment_intent,
    "payment_intent.requires_action": _on_payment_intent,
    "charge.dispute.created": _on_dispute_created,
    "charge.dispute.funds_withdrawn": _on_dispute_created,
    "charge.dispute.closed": _on_dispute_closed,
}


def webhook_process(*, event_pk: int) -> str:
    """Handle one stored event unless it was already handled. Returns its status afterwards.

    A handler error marks the event ``failed`` (with the error) for the sweeper to retry; what
    the handler had written is rolled back.
    """
    with transaction.atomic():
        event = WebhookEvent.objects.select_for_update().get(pk=event_pk)
        if event.status in (WebhookStatus.PROCESSED, WebhookStatus.IGNORED):
            return event.status
        handler = HANDLERS.get(event.type)
        event.attempts += 1
        if handler is None:
            event.status = WebhookStatus.IGNORED
            event.processed_at = timezone.now()
            event.save(update_fields=["status", "attempts", "processed_at"])
            return event.status
        try:
            with transaction.atomic():
                note = handler((event.payload.get("data") or {}).get("object") or {})
        except Exception as exc:
            log.exception("webhook %s (%s) failed", event.event_id, event.type)
            event.status = WebhookStatus.FAILED
            event.error = f"{type(exc).__name__}: {exc}"[:2000]
            event.save(update_fields=["status", "attempts", "error"])
            return event.status
        event.status = WebhookStatus.PROCESSED
        event.processed_at = timezone.now()
        event.error = note[:2000]
        event.save(update_fields=["status", "attempts", "processed_at", "error"])
        return event.status


def webhook_retry_ids(*, older_than: timedelta = timedelta(seconds=60), limit: int = 500) -> list[int]:
    """Events that failed, or were stored but never processed (a lost task), for the sweeper."""
    cutoff = timezone.now() - older_than
    return list(
        WebhookEvent.objects.filter(
            status__in=[WebhookStatus.RECEIVED, WebhookStatus.FAILED], received_at__lt=cutoff
        )
        .order_by("pk")
        .values_list("pk", flat=True)[:limit]
    )
