"""Celery tasks of the webhook inbox. Thin: each calls one service. Task names are stable
(``payments.tasks.*``) so queued messages and the beat schedule survive module moves."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="payments.tasks.webhook_drain", ignore_result=True)
def webhook_drain_task(helper: int = 0) -> int:
    """Drain the inbox in batches (ADR 0229); queued by ``webhook_drain_due``, coalesced, or as
    helper ``helper`` by a drain that found a backlog."""
    from payments.webhooks.drain import webhook_drain

    return webhook_drain(helper=helper)


@shared_task(name="payments.tasks.webhook_process_task", ignore_result=True)
def webhook_process_task(event_pk: int) -> str:
    """One event alone. Nothing queues it any more (the endpoint asks for a drain); kept so that
    messages queued before ADR 0229 still run."""
    from payments.webhooks.services import webhook_process

    return webhook_process(event_pk=event_pk)


@shared_task(name="payments.tasks.webhook_sweep", ignore_result=True)
def webhook_sweep(lost_after_seconds: int = 30) -> int:
    """Retry events that are due again, and events stored but not processed for
    ``lost_after_seconds`` (their drain was lost, or never queued because the broker was down).

    Beat runs it every 15 s; the worker runs it with 0 each time it (re)connects to the broker
    (``config.celery.SweepOnConnect``). Processing an event twice is harmless (ADR 0208): an
    event a drainer holds is waited for, then found handled."""
    from datetime import timedelta

    from payments.webhooks.services import webhook_process, webhook_retry_ids

    ids = webhook_retry_ids(lost_after=timedelta(seconds=lost_after_seconds))
    for pk in ids:
        webhook_process(event_pk=pk)
    return len(ids)
