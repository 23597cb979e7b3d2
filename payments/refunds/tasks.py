"""Celery tasks of refunds: run one outbox command, and the sweeper that retries due ones."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="payments.tasks.outbox_run", ignore_result=True)
def outbox_run(command_pk: int) -> str:
    from payments.refunds.services import outbox_execute

    return outbox_execute(command_id=command_pk)


@shared_task(name="payments.tasks.outbox_sweep", ignore_result=True)
def outbox_sweep() -> int:
    from payments.refunds.services import outbox_due_ids, outbox_execute

    ids = outbox_due_ids()
    for pk in ids:
        outbox_execute(command_id=pk)
    return len(ids)
