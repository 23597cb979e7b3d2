"""Celery task of reconciliation with the provider."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="payments.reconcile_provider")
def reconcile_provider() -> int:
    from payments.reconciliation.services import reconciliation_run

    return reconciliation_run().pk
