"""Celery tasks of donor notices. Thin: each takes ids and calls one service; every one is
idempotent (rows unique on donor and event, a digest unique on donor and week) and acks late
(``CELERY_TASK_ACKS_LATE``), so a redelivered task sends nothing twice."""

from __future__ import annotations

from datetime import date

from celery import shared_task

from payments.notifications import services


@shared_task(name="payments.notifications.fan_out", ignore_result=True, acks_late=True)
def notifications_fan_out(event_id: int) -> int:
    return len(services.event_fan_out(event_id=event_id))


@shared_task(name="payments.notifications.send", ignore_result=True, acks_late=True)
def notification_send(notification_id: int) -> bool:
    return services.notification_send(notification_id=notification_id)


@shared_task(name="payments.notifications.digest_send", ignore_result=True, acks_late=True)
def notification_digest_send(donor_id: int, week: str) -> bool:
    return services.digest_send(donor_id=donor_id, week=date.fromisoformat(week))


@shared_task(name="payments.notifications.weekly_digests", ignore_result=True, acks_late=True)
def notifications_weekly_digests() -> int:
    return services.waiting_digests_queue()


@shared_task(name="payments.notifications.sweep", ignore_result=True, acks_late=True)
def notifications_sweep() -> int:
    """Fan out events and send notices whose task could not be queued (ADR 0007); runs on a
    schedule and on reconnect. Returns how many waiting notices it sent (the rows of events it
    fans out are sent by their own tasks, queued on commit)."""
    for event_id in services.unfanned_event_ids():
        services.event_fan_out(event_id=event_id)
    ids = services.waiting_mail_ids()
    for pk in ids:
        services.notification_send(notification_id=pk)
    return len(ids)
