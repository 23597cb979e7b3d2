"""At-least-once tasks, once-only side effects (issue #9 §8): a receipt or notice is sent once per
(object, kind) however often its task runs; a send that fails is sent by the retry."""

import smtplib

import pytest

from payments.donations.tasks import send_monthly_notice, send_receipt
from payments.models import MonthlyPlan
from payments.outbox.models import SentMessage
from payments.outbox.services import send_once
from tests.payments.factories import give

pytestmark = pytest.mark.django_db


def test_the_receipt_task_run_twice_mails_the_donor_once(fake_gateway, campaign, mailoutbox):
    # given a received gift whose receipt task is delivered twice (a worker died after sending)
    gift = give(campaign, "100")
    mailoutbox.clear()

    # when the task runs twice
    send_receipt(gift.pk)
    send_receipt(gift.pk)

    # then one mail, recorded once
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["li.na@example.cn"]
    assert SentMessage.objects.filter(kind="receipt", subject_key=f"donation:{gift.pk}").count() == 1


def test_a_receipt_whose_send_failed_is_sent_by_the_retry(fake_gateway, campaign, mailoutbox, monkeypatch):
    gift = give(campaign, "100")
    mailoutbox.clear()

    def smtp_down(*args, **kwargs):
        raise smtplib.SMTPServerDisconnected("connection lost")

    monkeypatch.setattr("payments.donations.receipt_mail.send_site_mail", smtp_down)
    with pytest.raises(smtplib.SMTPServerDisconnected):
        send_receipt(gift.pk)
    assert not SentMessage.objects.exists()  # nothing claims it was sent

    monkeypatch.undo()
    send_receipt(gift.pk)
    assert len(mailoutbox) == 1


def test_each_failed_renewal_is_told_once(fake_gateway, campaign, mailoutbox):
    give(campaign, "50", frequency="monthly")
    plan = MonthlyPlan.objects.get()
    mailoutbox.clear()

    send_monthly_notice(plan.pk, "failed", "2027-01-15")
    send_monthly_notice(plan.pk, "failed", "2027-01-15")  # the same failure, task redelivered
    send_monthly_notice(plan.pk, "failed", "2027-01-18")  # the retry three days later failed too

    assert len(mailoutbox) == 2


def test_send_once_sends_nothing_for_a_kind_and_subject_already_sent():
    sent: list[str] = []

    assert send_once(kind="k", subject_key="s", send=lambda: sent.append("1")) is True
    assert send_once(kind="k", subject_key="s", send=lambda: sent.append("2")) is False
    assert send_once(kind="k", subject_key="t", send=lambda: sent.append("3")) is True

    assert sent == ["1", "3"]


def test_a_receipt_whose_task_was_never_queued_is_sent_by_the_sweep_once(fake_gateway, campaign, mailoutbox,
                                                                        monkeypatch):  # fmt: skip
    from datetime import timedelta

    from django.utils import timezone

    from payments.donations.tasks import receipts_sweep
    from payments.models import Donation

    # given a gift captured while the broker was down: its receipt task never reached a worker
    monkeypatch.setattr("payments.donations.receipt_mail.enqueue_on_commit", lambda *a, **k: None)
    gift = give(campaign, "100")
    mailoutbox.clear()
    Donation.objects.filter(pk=gift.pk).update(captured_at=timezone.now() - timedelta(minutes=5))

    # when the sweep runs (on a schedule, and when the worker reconnects), twice
    first, second = receipts_sweep(), receipts_sweep()

    # then the donor gets the receipt once, and a gift captured a moment ago is left to its own task
    assert (first, second) == (1, 0)
    assert [m.to for m in mailoutbox] == [["li.na@example.cn"]]
    fresh = give(campaign, "50")
    assert (
        receipts_sweep() == 0 and not SentMessage.objects.filter(subject_key=f"donation:{fresh.pk}").exists()
    )
