"""The inbox drained in batches (ADR 0229): the failure side. One bad event spoils nothing else,
two drainers never take one event, an event whose drain never ran is found by the sweep."""

import threading
from unittest import mock

import pytest
from django.core.cache import cache
from django.db import DatabaseError, connection

from payments.ledger.services import balance_of, escrow_account
from payments.models import LedgerEntry, WebhookEvent, WebhookStatus
from payments.webhooks import services as webhook_services
from payments.webhooks.drain import DRAIN_MARK, webhook_drain, webhook_drain_due
from tests.payments.conftest import cny, event, post_signed
from tests.payments.factories import charged_but_unheard


def _succeeded(gift):
    return event(f"evt_drain_{gift.pk}", "payment_intent.succeeded",
                 {"id": gift._intent_id, "object": "payment_intent", "status": "succeeded",
                  "metadata": {"donation_id": str(gift.public_id)}})  # fmt: skip


def _stored_not_drained(client, gifts, capture):
    """Post each gift's event; the drains they ask for are left queued (not run)."""
    with capture(execute=False) as queued:
        for gift in gifts:
            assert post_signed(client, _succeeded(gift)).status_code == 200
    return queued


@pytest.mark.django_db
def test_an_event_that_fails_inside_a_batch_neither_loses_nor_doubles_the_others(
    client, fake_gateway, campaign, django_capture_on_commit_callbacks
):
    # given three stored events; the provider fails when the second gift's intent is re-fetched
    gifts = [charged_but_unheard(campaign, amount, email=f"f{i}@example.cn")
             for i, amount in enumerate(("10", "20", "40"))]  # fmt: skip
    _stored_not_drained(client, gifts, django_capture_on_commit_callbacks)
    real_retrieve = fake_gateway.payment_intent_retrieve

    def retrieve(intent_id):
        if intent_id == gifts[1]._intent_id:
            raise RuntimeError("provider hiccup")
        return real_retrieve(intent_id)

    # when one drain takes all three in one batch
    with (
        mock.patch.object(fake_gateway, "payment_intent_retrieve", side_effect=retrieve),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert webhook_drain(batch=10) == 3

    # then the other two are in escrow once each, and the failed one waits with nothing posted
    assert balance_of(escrow_account(campaign)) == cny("50")
    keys = set(LedgerEntry.objects.filter(kind="donation.captured").values_list("key", flat=True))
    assert keys == {f"donation:{gifts[0].pk}:captured", f"donation:{gifts[2].pk}:captured"}
    failed = WebhookEvent.objects.get(event_id=f"evt_drain_{gifts[1].pk}")
    assert (failed.status, failed.attempts, failed.next_attempt_at is not None) == (
        WebhookStatus.WAITING,
        1,
        True,
    )
    assert "provider hiccup" in failed.error
    others = WebhookEvent.objects.exclude(pk=failed.pk)
    assert sorted(others.values_list("status", "attempts")) == [("processed", 1), ("processed", 1)]

    # and when it is retried it takes effect once, the others untouched
    with django_capture_on_commit_callbacks(execute=True):
        assert webhook_services.webhook_process(event_pk=failed.pk) == WebhookStatus.PROCESSED
    assert balance_of(escrow_account(campaign)) == cny("70")
    assert LedgerEntry.objects.filter(kind="donation.captured").count() == 3


@pytest.mark.django_db
def test_a_batch_that_fails_as_a_whole_is_handled_event_by_event(
    client, fake_gateway, campaign, django_capture_on_commit_callbacks
):
    # given two stored events, and the batch's final UPDATE of the inbox failing
    gifts = [
        charged_but_unheard(campaign, amount, email=f"w{i}@example.cn")
        for i, amount in enumerate(("11", "22"))
    ]
    _stored_not_drained(client, gifts, django_capture_on_commit_callbacks)

    # when a drain takes them
    with (
        mock.patch("payments.webhooks.drain.outcomes_save", side_effect=DatabaseError("batch write failed")),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert webhook_drain(batch=10) == 2

    # then the batch's work was rolled back and each event was handled alone, once
    assert balance_of(escrow_account(campaign)) == cny("33")
    assert LedgerEntry.objects.filter(kind="donation.captured").count() == 2
    assert sorted(WebhookEvent.objects.values_list("status", "attempts")) == [
        ("processed", 1),
        ("processed", 1),
    ]


@pytest.mark.django_db
def test_an_event_whose_drain_was_never_queued_is_processed_once_by_the_sweep(
    client, fake_gateway, campaign, django_capture_on_commit_callbacks
):
    from payments.webhooks.tasks import webhook_sweep

    # given the broker is down when the event is stored: ``enqueue`` logs it and returns False
    # (the request still answers 200)
    gift = charged_but_unheard(campaign, "30", email="s@example.cn")
    with (
        mock.patch("payments.webhooks.drain.enqueue", return_value=False) as enqueue,
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert post_signed(client, _succeeded(gift)).status_code == 200
    assert enqueue.call_count == 1
    stored = WebhookEvent.objects.get()
    assert stored.status == WebhookStatus.RECEIVED
    assert not LedgerEntry.objects.exists()

    # when the worker reconnects and sweeps, twice (beat's sweep runs too)
    with django_capture_on_commit_callbacks(execute=True):
        assert webhook_sweep(lost_after_seconds=0) == 1
        assert webhook_sweep(lost_after_seconds=0) == 0

    # then the gift is in escrow once
    stored.refresh_from_db()
    assert (stored.status, stored.attempts) == (WebhookStatus.PROCESSED, 1)
    assert balance_of(escrow_account(campaign)) == cny("30")
    assert LedgerEntry.objects.filter(kind="donation.captured").count() == 1


@pytest.mark.django_db
def test_events_stored_while_a_drain_is_queued_queue_no_other_and_a_lost_drain_is_covered(
    client, fake_gateway, campaign, django_capture_on_commit_callbacks
):
    from payments.webhooks.tasks import webhook_sweep

    gifts = [charged_but_unheard(campaign, str(10 + i), email=f"m{i}@example.cn") for i in range(3)]

    # when three events arrive one after another and no drain has started yet
    with (
        mock.patch("payments.webhooks.drain.enqueue") as enqueue,
        django_capture_on_commit_callbacks(execute=True),
    ):
        for gift in gifts:
            post_signed(client, _succeeded(gift))

    # then one drain was queued, for all three
    assert enqueue.call_count == 1
    assert cache.get(DRAIN_MARK) is not None
    assert WebhookEvent.objects.filter(status=WebhookStatus.RECEIVED).count() == 3

    # and if that drain is lost, the sweep handles all three once
    with django_capture_on_commit_callbacks(execute=True):
        assert webhook_sweep(lost_after_seconds=0) == 3
    assert balance_of(escrow_account(campaign)) == cny("33")
    assert LedgerEntry.objects.filter(kind="donation.captured").count() == 3

    # and a drain that starts clears the mark, so the next event queues a drain again
    webhook_drain()
    with mock.patch("payments.webhooks.drain.enqueue") as enqueue_again:
        assert webhook_drain_due() is True
    assert enqueue_again.call_count == 1


@pytest.mark.django_db(transaction=True)
def test_two_drainers_never_take_the_same_event(client, fake_gateway, campaign):
    # given twelve stored events, not drained (their drains are not queued)
    gifts = [charged_but_unheard(campaign, str(10 + i), email=f"t{i}@example.cn") for i in range(12)]
    with mock.patch("payments.webhooks.drain.enqueue"):
        for gift in gifts:
            assert post_signed(client, _succeeded(gift)).status_code == 200
    assert WebhookEvent.objects.filter(status=WebhookStatus.RECEIVED).count() == 12

    # when drainer A holds a batch of five (stopped inside its first handler) while drainer B drains
    handled_by: dict[str, list[str]] = {"A": [], "B": []}
    a_inside, b_done = threading.Event(), threading.Event()
    real_handler = webhook_services.HANDLERS["payment_intent.succeeded"]

    def handler(obj):
        name = threading.current_thread().name
        handled_by[name].append(obj["id"])
        if name == "A" and len(handled_by["A"]) == 1:
            a_inside.set()
            assert b_done.wait(timeout=60)
        return real_handler(obj)

    errors = []

    def drain(name, batch):
        try:
            webhook_drain(batch=batch)
        except Exception as exc:  # reported below
            errors.append((name, repr(exc)))
        finally:
            if name == "B":
                b_done.set()
            connection.close()

    with mock.patch.dict(webhook_services.HANDLERS, {"payment_intent.succeeded": handler}):
        a = threading.Thread(target=drain, args=("A", 5), name="A")
        a.start()
        assert a_inside.wait(timeout=60)
        b = threading.Thread(target=drain, args=("B", 3), name="B")
        b.start()
        b.join(timeout=120)
        a.join(timeout=120)

    # then A handled its five, B the other seven (it skipped A's, without waiting), none twice
    assert errors == []
    assert len(handled_by["A"]) == 5
    assert len(handled_by["B"]) == 7
    assert set(handled_by["A"]).isdisjoint(handled_by["B"])
    assert sorted(handled_by["A"] + handled_by["B"]) == sorted(g._intent_id for g in gifts)
    # and every event was processed once, every gift is in escrow once
    assert sorted(set(WebhookEvent.objects.values_list("status", "attempts"))) == [("processed", 1)]
    assert LedgerEntry.objects.filter(kind="donation.captured").count() == 12
    assert balance_of(escrow_account(campaign)) == cny(sum(10 + i for i in range(12)))


@pytest.mark.django_db
def test_a_backlog_recruits_a_helper_drain_and_every_event_is_still_processed_once(
    client, fake_gateway, campaign, settings, django_capture_on_commit_callbacks
):
    from payments.webhooks.tasks import webhook_drain_task

    # given five stored events and batches of two, two drainers at most
    settings.PAYMENTS_WEBHOOK_DRAINERS = 2
    gifts = [charged_but_unheard(campaign, str(10 + i), email=f"h{i}@example.cn") for i in range(5)]
    _stored_not_drained(client, gifts, django_capture_on_commit_callbacks)

    # when the drain finds its first batch full (the helper it queues runs at once: Celery eager)
    with (
        mock.patch.object(webhook_drain_task, "apply_async", wraps=webhook_drain_task.apply_async) as queued,
        django_capture_on_commit_callbacks(execute=True),
    ):
        handled = webhook_drain(batch=2)

    # then one helper was queued, the two drains together handled the five, each once
    assert [call.args[0] for call in queued.call_args_list] == [(1,)]
    assert handled == 2
    assert sorted(WebhookEvent.objects.values_list("status", "attempts")) == [("processed", 1)] * 5
    assert LedgerEntry.objects.filter(kind="donation.captured").count() == 5
    assert balance_of(escrow_account(campaign)) == cny(10 + 11 + 12 + 13 + 14)
    # and the helper's mark is gone: the next backlog may recruit it again
    assert cache.get(f"{DRAIN_MARK}:helper:1") is None
