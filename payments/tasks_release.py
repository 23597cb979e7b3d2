"""Celery tasks of the release area: partner transfers (outbox sweeper) and reconciliation."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="payments.release_transfer_run")
def release_transfer_run(command_id: int) -> str:
    from payments.payouts import transfer_execute

    return transfer_execute(command_id=command_id)


@shared_task(name="payments.release_transfer_sweep")
def release_transfer_sweep() -> int:
    from payments.payouts import transfer_due_ids, transfer_execute

    ids = transfer_due_ids()
    for command_id in ids:
        transfer_execute(command_id=command_id)
    return len(ids)


@shared_task(name="payments.reconcile_provider")
def reconcile_provider() -> int:
    from payments.reconciliation import reconciliation_run

    return reconciliation_run().pk


@shared_task(name="payments.unit_funding_refresh", ignore_result=True)
def unit_funding_refresh(campaign_id: int) -> None:
    from campaigns.models import Campaign
    from payments.funding import refresh_unit_funding

    campaign = Campaign.objects.filter(pk=campaign_id, unit_cost_minor__isnull=False).first()
    if campaign is not None:
        refresh_unit_funding(campaign=campaign)
