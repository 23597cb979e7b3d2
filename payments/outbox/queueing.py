"""Sending a task from a request without ever failing the request when the broker (Redis) cannot
be reached (ADR 0007): the work is already a row in PostgreSQL (a webhook inbox event, an outbox
command, a queued report run), so the failure is logged (once per outage) and left to the sweeps
the worker queues when it reconnects (``config.celery.SweepOnConnect``).

Apps import this module, never ``config`` (README, layers); it imports no model, so the Celery app
in ``config`` may import it at start-up.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

import kombu.exceptions
import redis

log = logging.getLogger(__name__)

# From a request, one quick retry: a broker that refuses twice is down, and the sweeps cover it.
REQUEST_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.1, "interval_max": 0.1}
BROKER_UNREACHABLE = (
    kombu.exceptions.OperationalError,
    redis.exceptions.ConnectionError,
    redis.exceptions.TimeoutError,
    OSError,
)


class _BrokerOutage:
    """Logs a broker outage once when it starts and once when sending works again."""

    def __init__(self) -> None:
        self.down = False
        self.lock = threading.Lock()

    def failed(self, task_name: str, exc: BaseException) -> None:
        with self.lock:
            first, self.down = not self.down, True
        if first:
            log.warning(
                "broker unavailable (%s: %s): %s not queued; stored work waits for the sweep "
                "the worker runs when it reconnects",
                type(exc).__name__,
                exc,
                task_name,
            )
        else:
            log.info("broker still unavailable: %s not queued", task_name)

    def sent(self) -> None:
        if self.down:
            with self.lock:
                was, self.down = self.down, False
            if was:
                log.warning("broker available again")


broker_outage = _BrokerOutage()


def enqueue(task: Any, *args: Any, countdown: float | None = None) -> bool:
    """Send ``task(*args)`` to the broker; ``False`` (logged) when the broker cannot be reached.

    Only for work that is already stored in PostgreSQL and swept (inbox events, outbox commands,
    queued report runs): the caller's request goes on and the sweep does the work later. Errors
    of an eager (test) run propagate as usual.
    """
    options: dict[str, Any] = {"retry_policy": REQUEST_RETRY_POLICY}
    if countdown is not None:
        options["countdown"] = countdown
    try:
        task.apply_async(args, **options)
    except BROKER_UNREACHABLE as exc:
        if task.app.conf.task_always_eager:
            raise
        broker_outage.failed(task.name, exc)
        return False
    broker_outage.sent()
    return True


def enqueue_on_commit(task: Any, *args: Any) -> None:
    """:func:`enqueue` once the current transaction commits (nothing is sent if it rolls back)."""
    from django.db import transaction

    transaction.on_commit(lambda: enqueue(task, *args))
