"""Receipts in batches, on a queue of their own (ADR 0239): a drained batch queues one receipts
task with the ids of the gifts it captured (never one it rolled back), the task sends each
receipt once in its gift's language with one template load per language, and the worker
commands consume the queue."""

from unittest import mock

import pytest

from config.celery import app
from payments.donations import receipt_mail
from payments.donations.receipt_mail import receipts_send
from payments.models import Donation
from payments.outbox.models import SentMessage
from payments.webhooks.drain import webhook_drain
from tests.payments.conftest import event, post_signed
from tests.payments.factories import charged_but_unheard


def _succeeded(gift):
    return event(f"evt_rcpt_{gift.pk}", "payment_intent.succeeded",
                 {"id": gift._intent_id, "object": "payment_intent", "status": "succeeded",
                  "metadata": {"donation_id": str(gift.public_id)}})  # fmt: skip


def _stored(client, gifts, capture):
    with capture(execute=False):
        for gift in gifts:
            assert post_signed(client, _succeeded(gift)).status_code == 200


@pytest.mark.django_db
def test_a_drained_batch_queues_one_receipts_task_with_the_gifts_it_captured_only(
    client, fake_gateway, campaign, django_capture_on_commit_callbacks, mailoutbox
):
    # given three stored events; the second gift's intent cannot be re-fetched (its handler is
    # rolled back to its savepoint)
    gifts = [charged_but_unheard(campaign, amount, email=f"r{i}@example.cn")
             for i, amount in enumerate(("10", "20", "40"))]  # fmt: skip
    _stored(client, gifts, django_capture_on_commit_callbacks)
    mailoutbox.clear()
    real_retrieve = fake_gateway.payment_intent_retrieve

    def retrieve(intent_id):
        if intent_id == gifts[1]._intent_id:
            raise RuntimeError("provider hiccup")
        return real_retrieve(intent_id)

    # when one drain takes them in one batch (the tasks it queues recorded, not run)
    with (
        mock.patch.object(fake_gateway, "payment_intent_retrieve", side_effect=retrieve),
        mock.patch.object(receipt_mail, "enqueue") as queued,
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert webhook_drain(batch=10) == 3

    # then one receipts task was queued, for the two captured gifts, and nothing mailed yet
    assert len(queued.call_args_list) == 1
    task, ids = queued.call_args.args
    assert task.name == "payments.tasks.send_receipts"
    assert sorted(ids) == sorted([gifts[0].pk, gifts[2].pk])
    assert mailoutbox == []

    # and when that task runs twice (a redelivery), each donor gets one receipt
    assert receipts_send(ids) == 2
    assert receipts_send(ids) == 0
    assert sorted(m.to[0] for m in mailoutbox) == ["r0@example.cn", "r2@example.cn"]
    assert SentMessage.objects.filter(kind="receipt").count() == 2


@pytest.mark.django_db
def test_a_batch_is_mailed_in_each_gifts_language_loading_each_languages_templates_once(
    client, fake_gateway, campaign, django_capture_on_commit_callbacks, mailoutbox
):
    # given four captured gifts, two made on the Chinese page and two on the English one
    campaign.title, campaign.title_en = "白内障复明手术", "Cataract surgery"
    campaign.save(update_fields=["title", "title_en"])
    gifts = [charged_but_unheard(campaign, str(10 + i), email=f"l{i}@example.cn") for i in range(4)]
    Donation.objects.filter(pk__in=[gifts[1].pk, gifts[3].pk]).update(language="en")
    Donation.objects.filter(pk__in=[gifts[0].pk, gifts[2].pk]).update(language="zh-hans")
    _stored(client, gifts, django_capture_on_commit_callbacks)
    with (
        mock.patch.object(receipt_mail, "enqueue") as queued,
        django_capture_on_commit_callbacks(execute=True),
    ):
        webhook_drain(batch=10)
    mailoutbox.clear()

    # when the batch's task runs
    with mock.patch.object(receipt_mail, "get_template", wraps=receipt_mail.get_template) as loads:
        assert receipts_send(queued.call_args.args[1]) == 4

    # then each donor has one receipt in the gift's language, and each language's two templates
    # were loaded once
    by_donor = {m.to[0]: m for m in mailoutbox}
    assert len(mailoutbox) == 4
    for english in ("l1@example.cn", "l3@example.cn"):
        assert "Cataract surgery" in by_donor[english].subject
    for chinese in ("l0@example.cn", "l2@example.cn"):
        assert "白内障复明手术" in by_donor[chinese].subject
    assert loads.call_count == 4


@pytest.mark.django_db
def test_a_gift_never_captured_is_not_mailed_and_the_sweep_sends_what_was_never_sent(
    client, fake_gateway, campaign, django_capture_on_commit_callbacks, mailoutbox
):
    from datetime import timedelta

    from django.utils import timezone

    from payments.donations.tasks import receipts_sweep

    # given a gift charged but not captured yet, and a captured one whose receipts task was lost
    pending = charged_but_unheard(campaign, "10", email="p@example.cn")
    captured = charged_but_unheard(campaign, "20", email="c@example.cn")
    _stored(client, [captured], django_capture_on_commit_callbacks)
    with mock.patch.object(receipt_mail, "enqueue"), django_capture_on_commit_callbacks(execute=True):
        webhook_drain(batch=10)
    mailoutbox.clear()

    # when the task is asked about the gift not captured: nothing is sent
    assert receipts_send([pending.pk]) == 0
    assert mailoutbox == []

    # and when the sweep runs after the lost task's grace: the captured gift's receipt goes, once
    Donation.objects.filter(pk=captured.pk).update(captured_at=timezone.now() - timedelta(minutes=5))
    receipts_sweep()
    receipts_sweep()
    assert [m.to[0] for m in mailoutbox] == ["c@example.cn"]


def test_receipts_go_to_a_queue_of_their_own_that_both_worker_commands_consume():
    from django.conf import settings

    # receipts are routed to their queue; the drains stay on the default one
    router = app.amqp.router
    for name in (
        "payments.tasks.send_receipts",
        "payments.tasks.send_receipt",
        "payments.tasks.receipts_sweep",
    ):
        assert router.route({}, name)["queue"].name == settings.RECEIPTS_QUEUE
    assert router.route({}, "payments.tasks.webhook_drain")["queue"].name == "celery"
    # a worker started without -Q (the README's command) consumes both queues
    assert {"celery", settings.RECEIPTS_QUEUE} <= set(app.amqp.queues)


def test_the_demo_runs_a_worker_for_each_queue(tmp_path):
    from config.demo import children

    sock = mock.Mock()
    sock.fileno.return_value = 99
    by_name = {child.name: child.argv for child in children(tmp_path, sock, sock, "http://127.0.0.1:1")}

    worker, receipts = by_name["worker"], by_name["receipts"]
    assert worker[worker.index("-Q") + 1] == "celery"
    assert receipts[receipts.index("-Q") + 1] == "receipts"
    assert worker[worker.index("-n") + 1] != receipts[receipts.index("-n") + 1]


def test_a_worker_of_the_receipts_queue_alone_lowers_its_cpu_priority(monkeypatch, settings):
    from types import SimpleNamespace

    from config import celery as celery_config

    niced = []
    monkeypatch.setattr(celery_config.os, "nice", niced.append)

    def worker(*queues):
        consume_from = {name: object() for name in queues}
        return SimpleNamespace(
            app=SimpleNamespace(amqp=SimpleNamespace(queues=SimpleNamespace(consume_from=consume_from)))
        )

    # a worker of the receipts queue alone yields the CPU; one of both queues, or of the default, does not
    celery_config.receipts_worker_yields_the_cpu(worker("receipts"))
    celery_config.receipts_worker_yields_the_cpu(worker("celery", "receipts"))
    celery_config.receipts_worker_yields_the_cpu(worker("celery"))
    assert niced == [settings.CLEARFUND_RECEIPTS_WORKER_NICE] == [10]
    # and 0 turns it off
    settings.CLEARFUND_RECEIPTS_WORKER_NICE = 0
    celery_config.receipts_worker_yields_the_cpu(worker("receipts"))
    assert niced == [10]
