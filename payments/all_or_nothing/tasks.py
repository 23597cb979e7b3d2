"""Celery task of all-or-nothing campaigns: settle the ones whose deadline has passed."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="payments.tasks.all_or_nothing_deadlines", ignore_result=True)
def all_or_nothing_deadlines() -> dict[str, int]:
    from payments.all_or_nothing.services import all_or_nothing_settle

    return all_or_nothing_settle()
