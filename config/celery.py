"""The one Celery app. Settings come from Django settings under the ``CELERY_`` prefix.

Also the second half of "an enqueue failure never loses work" (ADR 0007; the first,
``enqueue``/``enqueue_on_commit``, is ``payments.outbox.queueing``, which the apps import):

- :class:`SweepOnConnect`, a step of the worker's consumer, runs each time the worker (re)connects
  to the broker and queues the sweeps of ``CLEARFUND_SWEEPS_ON_CONNECT``: work stored while Redis
  was down is picked up as soon as Redis is back, not at the next beat tick.
"""

from __future__ import annotations

import logging
import os

from celery import Celery, bootsteps, signals

from payments.outbox.queueing import BROKER_UNREACHABLE

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")

log = logging.getLogger(__name__)

app = Celery("clearfund")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


class SweepOnConnect(bootsteps.StartStopStep):
    """Queue the sweeps each time the worker's consumer (re)connects to the broker.

    Celery restarts the consumer's steps after a lost broker connection, so ``start`` runs at the
    worker's start and again at every reconnection.
    """

    requires = ("celery.worker.consumer.tasks:Tasks",)

    def start(self, consumer) -> None:
        from django.conf import settings

        for name, kwargs in settings.CLEARFUND_SWEEPS_ON_CONNECT.items():
            try:
                consumer.app.send_task(name, kwargs=kwargs)
            except BROKER_UNREACHABLE as exc:  # lost again at once; the next reconnect retries
                log.warning("sweep %s not queued on connect: %s", name, exc)
        log.info("broker connected: sweeps queued (%s)", ", ".join(settings.CLEARFUND_SWEEPS_ON_CONNECT))


app.steps["consumer"].add(SweepOnConnect)


@signals.worker_init.connect
def receipts_worker_yields_the_cpu(sender, **kwargs) -> None:
    """A worker that consumes only the receipts queue (``-Q receipts``, as the demo starts it)
    lowers its CPU priority by ``CLEARFUND_RECEIPTS_WORKER_NICE`` before it forks its pool, so on
    cores shared with the drains of the webhook inbox mail takes only the CPU they leave (ADR
    0239). A worker consuming any other queue keeps its priority."""
    from django.conf import settings

    queues = set(sender.app.amqp.queues.consume_from or {})
    step = settings.CLEARFUND_RECEIPTS_WORKER_NICE
    if step > 0 and queues == {settings.RECEIPTS_QUEUE}:
        os.nice(step)
        log.info("receipts worker: CPU priority lowered by %s", step)
