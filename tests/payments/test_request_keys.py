"""Keys that identify the request (issue #9 §5): a key changes when the request changes and never
blocks a legitimate retry; automatic refunds the provider refuses are retried until done or taken over."""

from __future__ import annotations

import threading
import uuid
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone, translation

from campaigns.models import AuditEvent
from campaigns.roles import FINANCE_OFFICERS
from payments.donations.selectors import wall_of_support
from payments.donations.services import donation_charge, donation_create, donation_start_card
from payments.gateway.card import TerminalGatewayError
from payments.ledger.services import balance_of, escrow_account
from payments.models import (
    Donation,
    DonationStatus,
    LedgerEntry,
    OutboxCommand,
    Refund,
    RefundStatus,
)
from payments.refunds.services import RefundNotAllowed, outbox_execute, refund_request, refund_take_over
from tests.payments.conftest import browser_confirms_setup, cny
from tests.payments.factories import give

pytestmark = pytest.mark.django_db


def test_a_declined_donor_who_changes_the_amount_and_hides_their_name_gives_the_new_gift(
    stripe_api, campaign
):
    # given a ¥100 gift in 王芳's name whose card is declined
    form = uuid.uuid4()
    first = donation_create(campaign=campaign, amount=cny("100"), email="wf@example.cn", attempt=form,
                            display_name="王芳", public_message="加油")  # fmt: skip
    donation_start_card(donation=first)
    first.refresh_from_db()
    browser_confirms_setup(
        stripe_api, first.provider_setup_intent_id, payment_method="pm_card_chargeCustomerFail"
    )
    assert donation_charge(donation=first).status == "failed"

    # when they change the amount to ¥500, tick "anonymous" and pay again from the same form
    second = donation_create(campaign=campaign, amount=cny("500"), email="wf@example.cn", attempt=form,
                             display_name="王芳", public_message="加油", anonymous=True)  # fmt: skip
    donation_start_card(donation=second)
    second.refresh_from_db()
    browser_confirms_setup(stripe_api, second.provider_setup_intent_id, payment_method="pm_card_visa")
    outcome = donation_charge(donation=second)

    # then ¥500 is charged, anonymously; the declined ¥100 stays declined and moved nothing
    assert second.pk != first.pk
    assert outcome.status == "succeeded"
    assert balance_of(escrow_account(campaign)) == cny("500")
    first.refresh_from_db()
    assert (first.amount, first.status) == (cny("100"), DonationStatus.FAILED)
    with translation.override("en"):
        assert [(w.name, w.message) for w in wall_of_support(campaign=campaign)] == [("Anonymous", "加油")]


def test_the_same_form_posted_twice_unchanged_is_one_gift(fake_gateway, campaign):
    form = uuid.uuid4()
    first = donation_create(campaign=campaign, amount=cny("100"), email="A@example.cn ", attempt=form)
    again = donation_create(campaign=campaign, amount=cny("100"), email="a@example.cn", attempt=form)

    assert again.pk == first.pk
    assert Donation.objects.count() == 1


def test_a_refund_refused_for_good_can_be_asked_for_again(fake_gateway, campaign, finance_officer,
                                                          django_capture_on_commit_callbacks):  # fmt: skip
    # given a ¥100 refund that the provider refused for good
    gift = give(campaign, "300")
    fake_gateway.fail_next("refund_create", TerminalGatewayError("try later", code="charge_disputed"))
    with django_capture_on_commit_callbacks(execute=True):
        failed = refund_request(donation=gift, amount=cny("100"), reason="asked", actor=finance_officer)
    assert Refund.objects.get(pk=failed.pk).status == RefundStatus.FAILED

    # when finance asks again for ¥100 (same page state, same amount)
    gift.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        retry = refund_request(donation=gift, amount=cny("100"), reason="asked again", actor=finance_officer)

    # then a new refund is made and succeeds: ¥100 leaves escrow once
    assert retry.pk != failed.pk
    assert retry.key == f"{failed.key}:retry-1"
    assert Refund.objects.get(pk=retry.pk).status == RefundStatus.SUCCEEDED
    assert balance_of(escrow_account(campaign)) == cny("200")
    assert [r["amount"] for r in fake_gateway.refunds.values()] == [cny("100")]


def test_the_refund_form_posted_twice_is_one_refund_and_after_a_refusal_a_new_one(
    client, fake_gateway, campaign, finance_officer, django_capture_on_commit_callbacks
):
    gift = give(campaign, "300")
    client.force_login(finance_officer)
    url = f"/admin/finance/gifts/{gift.public_id}/refund/"
    form = {"amount": "１００元", "reason": "donor asked", "request_id": str(uuid.uuid4())}

    # when the same form is posted twice
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url, form).status_code == 302
        assert client.post(url, form).status_code == 302

    # then one refund of ¥100 (full-width digits and 元 read as 100)
    assert Refund.objects.count() == 1
    assert balance_of(escrow_account(campaign)) == cny("200")

    # when the provider refuses the next one for good and finance posts the same form again
    form["request_id"] = str(uuid.uuid4())
    fake_gateway.fail_next("refund_create", TerminalGatewayError("no", code="charge_disputed"))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, form)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, form)
    assert list(Refund.objects.order_by("pk").values_list("status", flat=True)) == [
        RefundStatus.SUCCEEDED,
        RefundStatus.FAILED,
        RefundStatus.SUCCEEDED,
    ]
    assert balance_of(escrow_account(campaign)) == cny("100")


def test_an_ambiguous_refund_amount_is_refused_with_what_was_understood(client, fake_gateway, campaign,
                                                                          finance_officer):  # fmt: skip
    gift = give(campaign, "300")
    client.force_login(finance_officer)

    response = client.post(
        f"/admin/finance/gifts/{gift.public_id}/refund/", {"amount": "100,00", "reason": "r"}
    )

    assert response.status_code == 400
    assert not Refund.objects.exists()
    assert not LedgerEntry.objects.filter(kind__startswith="refund").exists()


def _automatic_refund(gift, django_capture_on_commit_callbacks) -> Refund:
    with django_capture_on_commit_callbacks(execute=True):
        return refund_request(donation=gift, amount=gift.amount, reason="all-or-nothing campaign missed its goal",
                              actor=None, key=f"aon:{gift.pk}")  # fmt: skip


def _due(command: OutboxCommand) -> None:
    OutboxCommand.objects.filter(pk=command.pk).update(next_attempt_at=timezone.now() - timedelta(seconds=1))


def test_a_refused_automatic_refund_is_retried_with_backoff_until_it_succeeds(
    fake_gateway, campaign, django_capture_on_commit_callbacks
):
    # given an all-or-nothing refund the provider refuses twice for good
    gift = give(campaign, "300")
    fake_gateway.fail_next(
        "refund_create", TerminalGatewayError("processing error", code="processing_error"), 2
    )

    refund = _automatic_refund(gift, django_capture_on_commit_callbacks)

    # then it is not given up: the money stays reserved, the refund says it is being retried
    refund.refresh_from_db()
    command = OutboxCommand.objects.get(key=refund.key)
    assert (refund.status, command.status) == (RefundStatus.RETRYING, "pending")
    assert refund.failure_message == "processing error"
    assert command.next_attempt_at > timezone.now() + timedelta(seconds=30)
    assert balance_of(escrow_account(campaign)) == cny("0")
    assert outbox_execute(command_id=command.pk) == "skipped"  # not before it is due

    # when it is due again (refused again), then due once more
    _due(command)
    outbox_execute(command_id=command.pk)
    command.refresh_from_db()
    assert command.next_attempt_at > timezone.now() + timedelta(minutes=1)  # backs off further
    _due(command)
    assert outbox_execute(command_id=command.pk) == "done"

    # then it is refunded once, under a fresh provider key (the provider replays a refusal for a key)
    refund.refresh_from_db()
    gift.refresh_from_db()
    assert (refund.status, gift.status) == (RefundStatus.SUCCEEDED, DonationStatus.REFUNDED)
    assert [r["amount"] for r in fake_gateway.refunds.values()] == [cny("300")]
    assert list(
        AuditEvent.objects.filter(subject_type="payments.Refund")
        .order_by("id")
        .values_list("action", flat=True)
    ) == ["refund.requested", "refund.retrying", "refund.succeeded"]


def test_finance_takes_over_a_refused_automatic_refund(fake_gateway, campaign, finance_officer, editor, client,
                                                       django_capture_on_commit_callbacks):  # fmt: skip
    gift = give(campaign, "300")
    fake_gateway.fail_next("refund_create", TerminalGatewayError("account closed", code="account_closed"))
    refund = _automatic_refund(gift, django_capture_on_commit_callbacks)

    # the admin's refund list shows it to finance, with the provider's reason
    client.force_login(finance_officer)
    listing = client.get("/admin/refunds/").content.decode()
    assert "account closed" in listing

    # only a finance officer may take it over, with a word on how
    with pytest.raises(Exception):
        refund_take_over(refund=refund, actor=editor, reason="bank transfer")
    with pytest.raises(RefundNotAllowed):
        refund_take_over(refund=refund, actor=finance_officer, reason=" ")

    # when finance takes it over from the refund page
    response = client.post(f"/admin/finance/gifts/{gift.public_id}/refund/",
                           {"take_over": "1", "refund": refund.pk, "reason": "will pay back by bank transfer"})  # fmt: skip

    # then the retries stop, the money is held again and the gift is received again
    assert response.status_code == 302
    refund.refresh_from_db()
    gift.refresh_from_db()
    assert refund.status == RefundStatus.FAILED
    assert OutboxCommand.objects.get(key=refund.key).status == "failed"
    assert balance_of(escrow_account(campaign)) == cny("300")
    assert (gift.refunded_minor, gift.status) == (0, DonationStatus.SUCCEEDED)
    taken = AuditEvent.objects.get(action="refund.failed")
    assert (taken.actor, taken.reason) == (finance_officer, "will pay back by bank transfer")
    assert finance_officer.groups.filter(name=FINANCE_OFFICERS).exists()


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_submits_share_one_card_setup(stripe_api, campaign):
    # given one gift whose form is submitted twice at the same moment
    gift = donation_create(
        campaign=campaign, amount=cny("100"), email="twice@example.cn", attempt=uuid.uuid4()
    )
    secrets: list[str] = []
    barrier = threading.Barrier(2)

    def submit() -> None:
        barrier.wait()
        try:
            secrets.append(donation_start_card(donation=Donation.objects.get(pk=gift.pk)))
        finally:
            connection.close()

    threads = [threading.Thread(target=submit) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)

    # then both got the same card setup, and it is the one the gift will charge
    gift.refresh_from_db()
    assert len(secrets) == 2 and secrets[0] == secrets[1]
    assert secrets[0].startswith(gift.provider_setup_intent_id)

    # when the donor confirms the card in the browser that answered first, the charge succeeds
    browser_confirms_setup(stripe_api, gift.provider_setup_intent_id, payment_method="pm_card_visa")
    assert donation_charge(donation=gift).status == "succeeded"
    assert balance_of(escrow_account(campaign)) == cny("100")
