"""Draining the webhook inbox in batches: several events per transaction, a savepoint each.

The endpoint only verifies and stores (``webhook_receive``); then ``webhook_drain_due`` asks for
one drain, coalesced like unit funding (ADR 0223): the first event stored after a drain started
sets a Redis mark and queues ``webhook_drain_task``; events stored while the mark is set queue
nothing. The drain clears the mark before it reads, so an event committed before the clear is in
what it reads (it committed before its request asked), and an event whose request asks after
the clear sets the mark again and queues the next drain. Every stored event is therefore drained
by a drain queued after it committed, or, if that task or its message is lost, by the sweep
(``webhook_sweep``: events ``received`` and not handled after a while; the mark expires after
``DRAIN_MARK_SECONDS`` so the next event queues a drain again).

A batch takes up to ``PAYMENTS_WEBHOOK_DRAIN_BATCH`` events still ``received``, oldest first, with
``SELECT … FOR UPDATE SKIP LOCKED``: two drainers (two worker processes, or the sweep) never
take the same event, and neither waits for the other. Each event's handler runs in a savepoint
(``event_handle``): one that raises is rolled back alone and the event waits for its retry; the
others commit together, with every event's outcome written by one UPDATE. Should the batch fail
as a whole (an error outside any handler), its events are handled again one by one, each in its
own transaction. While batches come back full, the drain recruits helper drains
(``PAYMENTS_WEBHOOK_DRAINERS``) on the worker's other processes: waiting on the database is most
of a batch's time, so two drainers overlap it. The batch commits with the server's ``synchronous_commit`` (ADR 0229 says why
not ``off``). The receipts of the gifts a batch captured go in one task, queued after its commit
on the ``receipts`` queue (ADR 0239). ADR 0229.
"""

from __future__ import annotations

import logging
import time

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.utils import timezone

from payments.donations.receipt_mail import receipts_collected, receipts_queue_on_commit
from payments.outbox.queueing import enqueue
from payments.webhooks.models import WebhookEvent, WebhookStatus
from payments.webhooks.services import ATTEMPT_FIELDS, event_handle, webhook_process

log = logging.getLogger(__name__)

DRAIN_MARK = "webhook-drain-due"
# How long the mark stays if the drain it queued never clears it (a lost task): the next event
# after that queues a drain again; the sweep handles what was stored meanwhile.
DRAIN_MARK_SECONDS = 30
# How much longer than a drain may run (``PAYMENTS_WEBHOOK_DRAIN_SECONDS``) a recruited helper's
# mark stays if the helper never clears it (a lost task).
HELPER_MARK_SLACK_SECONDS = 30


def webhook_drain_due() -> bool:
    """Queue a drain of the inbox unless one is queued and has not started; call once a new event
    has committed. Returns whether one was queued.

    If Redis cannot be reached (the degrading cache answers "not added" and "absent") a drain is
    queued anyway (and if the broker is down too, ``enqueue`` logs it and the sweep the worker
    runs on reconnecting handles the event). Raises nothing the request must handle.
    """
    from payments.webhooks.tasks import webhook_drain_task

    if not cache.add(DRAIN_MARK, 1, timeout=DRAIN_MARK_SECONDS) and cache.get(DRAIN_MARK) is not None:
        return False  # a drain is queued and has not started: it will read this event
    enqueue(webhook_drain_task)
    return True


def webhook_drain(*, batch: int | None = None, seconds: float | None = None, helper: int = 0) -> int:
    """Handle every event still ``received``, batch after batch, until a batch comes back short
    of ``batch`` (``PAYMENTS_WEBHOOK_DRAIN_BATCH``) or ``seconds``
    (``PAYMENTS_WEBHOOK_DRAIN_SECONDS``) have passed. Returns how many events it handled.

    The drain the mark queued (``helper`` 0) clears the mark first (see the module); while its
    batches come back full (a backlog) it recruits up to ``PAYMENTS_WEBHOOK_DRAINERS`` - 1
    helpers, drains like itself on other worker processes (SKIP LOCKED keeps them apart), and at
    ``seconds`` it queues its own successor if the last batch was full. A helper only drains.
    """
    batch = batch or settings.PAYMENTS_WEBHOOK_DRAIN_BATCH
    seconds = settings.PAYMENTS_WEBHOOK_DRAIN_SECONDS if seconds is None else seconds
    if not helper:
        cache.delete(DRAIN_MARK)
    deadline = time.monotonic() + seconds
    handled = 0
    try:
        while True:
            n = webhook_process_batch(limit=batch)
            handled += n
            if n < batch:
                return handled
            if not helper:
                _recruit_helpers()
            if time.monotonic() >= deadline:
                if not helper:  # hand the worker back to other tasks; the rest is the next drain's
                    from payments.webhooks.tasks import webhook_drain_task

                    enqueue(webhook_drain_task)
                return handled
    finally:
        if helper:
            cache.delete(_helper_mark(helper))


def _helper_mark(n: int) -> str:
    return f"{DRAIN_MARK}:helper:{n}"


def _recruit_helpers() -> None:
    """Queue each helper drain that is not queued or running (a mark each, kept a little longer
    than a drain may run if a helper is lost). Helpers only add speed: the mark's drain covers
    every event."""
    from payments.webhooks.tasks import webhook_drain_task

    timeout = int(settings.PAYMENTS_WEBHOOK_DRAIN_SECONDS) + HELPER_MARK_SLACK_SECONDS
    for n in range(1, settings.PAYMENTS_WEBHOOK_DRAINERS):
        if cache.add(_helper_mark(n), 1, timeout=timeout):
            enqueue(webhook_drain_task, n)


def webhook_process_batch(*, limit: int) -> int:
    """Handle up to ``limit`` events still ``received`` (oldest first, skipping any another
    drainer holds) in one transaction, each in a savepoint. Returns how many it took.

    An error outside every handler rolls the batch back; its events are then handled one by one
    (``webhook_process``, a transaction each), so a batch never fails for one event's sake.
    """
    taken: list[int] = []
    try:
        with transaction.atomic():
            events = list(
                WebhookEvent.objects.select_for_update(skip_locked=True)
                .filter(status=WebhookStatus.RECEIVED)
                .order_by("pk")[:limit]
            )
            taken = [event.pk for event in events]
            now = timezone.now()
            with receipts_collected() as receipts:  # one receipts task for the batch (ADR 0239)
                for event in events:
                    event_handle(event, now=now)
            if events:
                outcomes_save(events)
                receipts_queue_on_commit(receipts)  # after the gifts' own callbacks
    except Exception:
        if not taken:
            raise
        log.exception("webhook batch of %s events failed as a whole; handling them one by one", len(taken))
        for pk in taken:
            webhook_process(event_pk=pk)
    return len(taken)


# Every event's outcome (``ATTEMPT_FIELDS``) in one statement; the columns follow the model
# (``tests/payments/test_webhook_drain.py`` and the statement budget fail if they part).
_OUTCOMES_UPDATE = (
    "UPDATE payments_webhookevent AS e SET status = v.status, attempts = v.attempts,"
    " processed_at = v.processed_at, next_attempt_at = v.next_attempt_at, error = v.error"
    " FROM unnest(%s::bigint[], %s::varchar[], %s::integer[], %s::timestamptz[], %s::timestamptz[], %s::text[])"
    " AS v(id, status, attempts, processed_at, next_attempt_at, error) WHERE e.id = v.id"
)


def outcomes_save(events: list[WebhookEvent]) -> None:
    """Write the outcome of each event of a batch, in one UPDATE."""
    columns = [[getattr(event, name) for event in events] for name in ("pk", *ATTEMPT_FIELDS)]
    with connection.cursor() as cursor:
        cursor.execute(_OUTCOMES_UPDATE, columns)
