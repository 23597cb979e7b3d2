"""Celery tasks of outbound webhooks. Thin: each takes ids and calls one service; all are
idempotent and ack late, so a redelivered task sends nothing it should not (ADR 0420)."""

from __future__ import annotations

from celery import shared_task

from integrations import delivery, services


@shared_task(name="integrations.event_fan_out", ignore_result=True, acks_late=True)
def event_fan_out_task(event_id: int) -> int:
    return len(services.event_fan_out(event_id=event_id))


@shared_task(name="integrations.delivery_send", ignore_result=True, acks_late=True)
def delivery_send_task(delivery_id: int) -> str:
    return delivery.delivery_send(delivery_id=delivery_id)


@shared_task(name="integrations.sweep", ignore_result=True, acks_late=True)
def webhooks_sweep() -> int:
    """Fan out events and send deliveries whose task was never queued or was lost (ADR 0007);
    beat every minute and on worker reconnect. Returns how many deliveries it attempted."""
    for event_id in services.unfanned_event_ids():
        services.event_fan_out(event_id=event_id)
    ids = delivery.due_delivery_ids()
    for pk in ids:
        delivery.delivery_send(delivery_id=pk)
    return len(ids)
