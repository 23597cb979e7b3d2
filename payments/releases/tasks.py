"""Celery tasks of releases: partner transfers through the outbox, and their sweeper."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="payments.release_transfer_run")
def release_transfer_run(command_id: int) -> str:
    from payments.releases.payouts import transfer_execute

    return transfer_execute(command_id=command_id)


@shared_task(name="payments.release_transfer_sweep")
def release_transfer_sweep() -> int:
    from payments.releases.payouts import transfer_due_ids, transfer_execute

    ids = transfer_due_ids()
    for command_id in ids:
        transfer_execute(command_id=command_id)
    return len(ids)
