"""Celery tasks of supporters' pages: thin, take ids, idempotent (ADR 0234)."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="payments.supporters.gift_follow", ignore_result=True, acks_late=True)
def supporter_gift_follow_task(donation_id: int) -> None:
    """Bring the page figure of a gift given through a page up to date; safe to run again."""
    from payments.supporters.services import supporter_gift_follow

    supporter_gift_follow(donation_id=donation_id)


@shared_task(name="payments.supporters.gifts_sweep", ignore_result=True)
def supporter_gifts_sweep_task() -> int:
    """Follow gifts through pages whose queued task was lost (``supporter_gifts_sweep``)."""
    from payments.supporters.services import supporter_gifts_sweep

    return supporter_gifts_sweep()
