"""Celery task of matching: thin, takes the gift's id, idempotent (ADR 0227)."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="payments.matching.gift_matches_follow", ignore_result=True, acks_late=True)
def gift_matches_follow_task(donation_id: int) -> None:
    """Match the gift once per eligible pool, or give back what it lost; safe to run again."""
    from payments.matching.services import gift_matches_follow

    gift_matches_follow(donation_id=donation_id)


@shared_task(name="payments.matching.matches_sweep", ignore_result=True)
def matches_sweep_task() -> int:
    """Follow gifts whose queued matching task was lost (see ``matches_sweep``)."""
    from payments.matching.services import matches_sweep

    return matches_sweep()
