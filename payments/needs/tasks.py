"""Celery tasks of the needs board: fund a need from its captured gift; put lapsed holds back."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="payments.need_gift_captured", ignore_result=True)
def need_gift_captured(donation_id: int) -> bool:
    from payments.needs.services import need_gift_captured as fund

    return fund(donation_id=donation_id)


@shared_task(name="payments.need_gift_lost", ignore_result=True)
def need_gift_lost(donation_id: int) -> bool:
    """A need's gift was refunded, charged back or moved: the need goes back on the board."""
    from payments.needs.services import need_gift_lost as unfund

    return unfund(donation_id=donation_id)


@shared_task(name="payments.needs_funding_sweep", ignore_result=True, acks_late=True)
def needs_funding_sweep() -> int:
    """Fund the needs whose captured gift's task was never queued (ADR 0007): on reconnect and
    every minute, before a 30-minute hold could lapse and the need be sold again. Returns how
    many needs it funded."""
    from payments.needs.services import captured_gifts_of_unfunded_needs
    from payments.needs.services import need_gift_captured as fund

    return sum(fund(donation_id=gift_id) for gift_id in captured_gifts_of_unfunded_needs())


@shared_task(name="payments.needs_holds_release", ignore_result=True)
def needs_holds_release() -> int:
    """Beat, every minute: needs held but unpaid past ``NEEDS_HOLD_MINUTES`` go back on the board."""
    from campaigns.verification.needs import need_holds_release

    return need_holds_release()
