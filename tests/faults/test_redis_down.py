"""Redis stopped mid-test: pages come from the database, gifts go ahead, webhooks are stored.

Each test stops a redis-server of its own (``own_redis``), never the run's or the machine's.
"""

import logging
import uuid

import pytest
from django.core.cache import cache
from django.urls import reverse

from payments.donations.models import Donation, DonationStatus
from payments.webhooks.models import WebhookEvent, WebhookStatus
from tests.payments.conftest import event, post_signed

pytestmark = pytest.mark.django_db


def outage_logs(caplog, words: str) -> list[str]:
    return [r.getMessage() for r in caplog.records if words in r.getMessage()]


def test_the_campaign_page_renders_from_the_database_while_redis_is_stopped(client, campaign_page, redis_cache,
                                                                            caplog):  # fmt: skip
    # given the page served once with Redis up (its response, routing and panels cached)
    url = campaign_page.url
    assert client.get(url).status_code == 200
    assert cache.get("faults-probe", "miss") == "miss"
    cache.set("faults-probe", "hit")
    assert cache.get("faults-probe") == "hit"

    # when Redis stops and the page is asked for three times
    redis_cache.stop()
    caplog.set_level(logging.WARNING, logger="config.cache")
    answers = [client.get(url) for _ in range(3)]

    # then each answer is the full page, read from the database, and the outage is logged once
    assert [a.status_code for a in answers] == [200, 200, 200]
    for answer in answers:
        html = answer.content.decode()
        assert "白内障复明手术 丹寨" in html
        assert 'data-testid="raised">¥0<' in html
    assert cache.get("faults-probe", "miss") == "miss"
    assert len(outage_logs(caplog, "cache unavailable")) == 1

    # when Redis is back, the cache is used again and its return is logged once
    redis_cache.start()
    cache.set("faults-probe", "back")
    assert cache.get("faults-probe") == "back"
    assert client.get(url).status_code == 200
    assert len(outage_logs(caplog, "cache available again")) == 1


def start(client, campaign, *, email: str):
    return client.post(
        reverse("payments:donation_start", kwargs={"slug": campaign.slug}),
        {"amount": "100", "frequency": "one_off", "email": email, "display_name": "刘洋",
         "attempt": str(uuid.uuid4()), "website": ""},
    )  # fmt: skip


def test_a_gift_starts_while_redis_is_stopped_and_its_limits_are_counted_in_the_process(
    client, campaign_page, redis_cache, fake_gateway, settings
):
    # given a limit of two attempts per email, and Redis stopped
    settings.PAYMENTS_RATE_LIMIT_EMAIL = "2/600"
    campaign = campaign_page.campaign
    redis_cache.stop()

    # when a donor starts a gift three times
    first = start(client, campaign, email="faults.donor@example.cn")
    second = start(client, campaign, email="faults.donor@example.cn")
    third = start(client, campaign, email="faults.donor@example.cn")

    # then the first two go ahead (a card setup each), and the third is refused by the local count
    assert (first.status_code, first.json()["status"]) == (200, "awaiting_card")
    assert (second.status_code, second.json()["status"]) == (200, "awaiting_card")
    assert third.status_code == 429
    assert 1 <= int(third["Retry-After"]) <= 600
    assert Donation.objects.filter(campaign=campaign).count() == 2
    assert set(Donation.objects.values_list("status", flat=True)) == {DonationStatus.AWAITING_CARD}
    assert fake_gateway.calls.count("setup_intent_create") == 2


def test_a_webhook_is_stored_and_answered_200_while_redis_is_stopped(client, redis_broker, caplog,
                                                                     django_capture_on_commit_callbacks):  # fmt: skip
    # given the broker (Redis) stopped
    redis_broker.stop()
    caplog.set_level(logging.WARNING, logger="payments.outbox.queueing")

    # when the provider posts two events
    with django_capture_on_commit_callbacks(execute=True):
        first = post_signed(client, event("evt_faults_1", "customer.created", {"id": "cus_1"}))
        second = post_signed(client, event("evt_faults_2", "customer.created", {"id": "cus_2"}))

    # then both are answered 200 and stored for the worker, not processed, and the outage is logged once
    assert (first.status_code, second.status_code) == (200, 200)
    assert first.json() == {"received": True, "duplicate": False}
    stored = WebhookEvent.objects.order_by("event_id")
    assert [(e.event_id, e.status, e.attempts) for e in stored] == [
        ("evt_faults_1", WebhookStatus.RECEIVED, 0), ("evt_faults_2", WebhookStatus.RECEIVED, 0)]  # fmt: skip
    assert len(outage_logs(caplog, "broker unavailable")) == 1


def test_the_cache_reuses_one_redis_client_per_connection_pool():
    # redis-py's client was built again for every cache operation (issue 11, ADR 0228)
    from django.core.cache import cache

    client = cache._cache.get_client(None, write=True)
    cache.set("reuse-check", 1, 5)
    assert cache.get("reuse-check") == 1
    assert cache._cache.get_client(None, write=True) is client
    assert cache._cache.get_client(None, write=False) is client  # one server: one pool
