"""A webhook that arrives while Redis is down is processed as soon as Redis is back.

A real Celery worker listens on a redis-server of the test's own; no beat runs, so nothing but the
sweep the worker queues when it reconnects (``config.celery.SweepOnConnect``) can process it.
"""

import pytest

from payments.webhooks.models import WebhookEvent, WebhookStatus
from tests.payments.conftest import event, post_signed
from tests.reports.worker import celery_worker, wait_for

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def test_an_event_stored_while_redis_was_down_is_processed_when_the_worker_reconnects(
    client, redis_broker, tmp_path
):
    broker = {
        "REDIS_URL": redis_broker.url,
        "CELERY_BROKER_URL": redis_broker.url.replace("unix://", "redis+socket://"),
    }
    with celery_worker(tmp_path / "private", env=broker) as (_proc, log):
        # given a worker connected to Redis, and Redis then stopped
        redis_broker.stop()

        # when the provider posts an event
        answer = post_signed(client, event("evt_faults_reconnect", "customer.created", {"id": "cus_9"}))

        # then it is answered 200 and stored, not processed
        assert answer.status_code == 200
        stored = WebhookEvent.objects.get(event_id="evt_faults_reconnect")
        assert (stored.status, stored.attempts) == (WebhookStatus.RECEIVED, 0)

        # when Redis is back, the worker reconnects and the event is handled (no beat runs here)
        redis_broker.start()
        handled = wait_for(
            lambda: WebhookEvent.objects.filter(pk=stored.pk).exclude(status=WebhookStatus.RECEIVED).first(),
            timeout=90,
            what="the event to be processed after the worker reconnected",
        )

        # then it was processed once by the sweep queued on reconnection
        assert (handled.status, handled.attempts) == (WebhookStatus.IGNORED, 1)
        assert log.read_text().count("broker connected: sweeps queued") == 2
