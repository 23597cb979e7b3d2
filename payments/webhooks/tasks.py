"""Celery tasks of the webhook inbox. Thin: each calls one service. Task names are stable
(``payments.tasks.*``) so queued messages and the beat schedule survive module moves."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="payments.tasks.webhook_process_task", ignore_result=True)
def webhook_process_task(event_pk: int) -> str:
    from payments.webhooks.services import webhook_process

    return webhook_process(event_pk=event_pk)


@shared_task(name="payments.tasks.webhook_sweep", ignore_result=True)
def webhook_sweep() -> int:
    """Retry events that failed or whose task was lost."""
    from payments.webhooks.services import webhook_process, webhook_retry_ids

    ids = webhook_retry_ids()
    for pk in ids:
        webhook_process(event_pk=pk)
    return len(ids)
