"""The hot paths in few statements (ADR 0212, 0229), still exactly once: counted, never timed.

Budgets are the counts of ``bench/statements.py`` (docs/benchmarks.md); inside the test's own
transaction an outermost ``atomic`` block becomes a savepoint, so those blocks count two more
(SAVEPOINT, RELEASE). A change that adds a statement to one of these paths fails here.
"""

import json
from unittest import mock

import pytest

from campaigns.money import Money
from payments.donations import receipt_mail
from payments.ledger.services import Leg, account_for, balance_of, entry_post, escrow_account
from payments.models import AccountKind, DonationEvent, LedgerEntry, Posting, WebhookEvent
from tests.payments.conftest import cny, event, post_signed
from tests.payments.factories import charged_but_unheard

pytestmark = pytest.mark.django_db


def _succeeded(gift, n=1):
    return event(f"evt_budget_{gift.pk}_{n}", "payment_intent.succeeded",
                 {"id": gift._intent_id, "object": "payment_intent", "status": "succeeded",
                  "metadata": {"donation_id": str(gift.public_id)}})  # fmt: skip


def test_a_credit_is_posted_in_one_statement_and_a_repeat_posts_nothing(campaign, django_assert_num_queries):
    # given the two accounts of a capture
    donor_funds = account_for(kind=AccountKind.DONOR_FUNDS, currency="CNY")
    escrow = escrow_account(campaign)
    legs = [Leg(donor_funds, -Money("30", "CNY")), Leg(escrow, Money("30", "CNY"))]

    # when it is posted: the entry and its postings in one statement, no read before, no
    # savepoint (ADR 0240)
    with django_assert_num_queries(1):
        first = entry_post(key="budget:1", kind="donation.captured", legs=legs)
    # and posted again under the same key: the insert skips, the first entry is read back
    with django_assert_num_queries(2):
        again = entry_post(key="budget:1", kind="donation.captured", legs=legs)

    # then one entry, two postings, the money in escrow once
    assert again.pk == first.pk
    assert LedgerEntry.objects.filter(key="budget:1").count() == 1
    assert Posting.objects.filter(entry=first).count() == 2
    assert balance_of(escrow) == cny("30")


def test_a_spending_entry_repeated_after_the_money_left_returns_the_first_entry(campaign):
    # given ¥30 in escrow, all of it released
    donor_funds = account_for(kind=AccountKind.DONOR_FUNDS, currency="CNY")
    escrow = escrow_account(campaign)
    payable = account_for(kind=AccountKind.PARTNER_PAYABLE, currency="CNY")
    entry_post(key="budget:in", kind="donation.captured",
               legs=[Leg(donor_funds, -cny("30")), Leg(escrow, cny("30"))])  # fmt: skip
    spent = entry_post(key="budget:out", kind="release.approved",
                       legs=[Leg(escrow, -cny("30")), Leg(payable, cny("30"))])  # fmt: skip

    # when the same release entry is posted again (escrow is empty now)
    again = entry_post(key="budget:out", kind="release.approved",
                       legs=[Leg(escrow, -cny("30")), Leg(payable, cny("30"))])  # fmt: skip

    # then it is the first entry, not a refusal for want of funds, and nothing moved twice
    assert again.pk == spent.pk
    assert balance_of(escrow) == cny("0")
    assert balance_of(payable) == cny("30")


def test_a_new_webhook_event_is_stored_in_one_statement_and_a_duplicate_in_one(
    client, fake_gateway, campaign, django_assert_num_queries, django_capture_on_commit_callbacks
):
    # given a gift the provider charged
    gift = charged_but_unheard(campaign, "66", email="a@example.cn")

    # when its event arrives (the drain it asks for left for after commit): one insert, no
    # transaction block of its own (the statement commits alone, ADR 0229)
    with django_capture_on_commit_callbacks(execute=False) as queued, django_assert_num_queries(1):
        first = post_signed(client, _succeeded(gift))
    # and arrives again: the same statement skips the insert and reads the stored id
    with django_capture_on_commit_callbacks(execute=False) as queued_again, django_assert_num_queries(1):
        second = post_signed(client, _succeeded(gift))

    # then one stored event, one drain asked for, the duplicate answered as such
    assert (first.status_code, second.status_code) == (200, 200)
    assert json.loads(first.content)["duplicate"] is False
    assert json.loads(second.content)["duplicate"] is True
    assert WebhookEvent.objects.count() == 1
    assert (len(queued), queued_again) == (1, [])


def test_processing_a_payment_event_captures_once_within_its_statement_budget(
    client, fake_gateway, campaign, django_assert_num_queries, django_capture_on_commit_callbacks
):
    # given a stored payment_intent.succeeded event for a charged gift (the accounts exist, as
    # after a campaign's first gift)
    account_for(kind=AccountKind.DONOR_FUNDS, currency="CNY")
    escrow_account(campaign)
    gift = charged_but_unheard(campaign, "66", email="a@example.cn")
    with django_capture_on_commit_callbacks(execute=False) as queued:
        post_signed(client, _succeeded(gift))

    # when the worker drains it (the receipt and unit funding tasks it queues are not counted):
    # the batch's read and UPDATE of the inbox, the handler's savepoint (2) and its 4 statements
    # (the gift read with its lock, the two accounts, the entry with its postings, the status
    # event with the gift's UPDATE: ADR 0240), + 2 for the batch's transaction inside the test's
    # (ADR 0212, 0229; an ordinary gift is not asked whether it pays for a need: only an
    # earmarked one can, ADR 0223)
    with django_capture_on_commit_callbacks(execute=False), django_assert_num_queries(1 + 2 + 4 + 1 + 2):
        queued[0]()
    # and a second delivery of the same provider state is processed too
    with django_capture_on_commit_callbacks(execute=True):
        post_signed(client, _succeeded(gift, 2))

    # then the gift is in escrow once, with one status event for its capture
    gift.refresh_from_db()
    assert gift.captured_at is not None
    assert LedgerEntry.objects.filter(key=f"donation:{gift.pk}:captured").count() == 1
    assert balance_of(escrow_account(campaign)) == cny("66")
    assert DonationEvent.objects.filter(donation=gift, to_status="succeeded").count() == 1


def test_a_batch_of_events_shares_its_inbox_read_and_update(
    client, fake_gateway, campaign, django_assert_num_queries, django_capture_on_commit_callbacks
):
    # given five stored payment events of five charged gifts, not yet drained
    from payments.webhooks.drain import webhook_drain

    account_for(kind=AccountKind.DONOR_FUNDS, currency="CNY")
    escrow_account(campaign)
    gifts = [charged_but_unheard(campaign, str(10 + i), email=f"b{i}@example.cn") for i in range(5)]
    with django_capture_on_commit_callbacks(execute=False):
        for gift in gifts:
            post_signed(client, _succeeded(gift))

    # when one drain takes them in one batch: one read and one UPDATE of the inbox for the five,
    # 2 + 4 per event, + 2 for the batch's transaction inside the test's
    with (
        django_capture_on_commit_callbacks(execute=False) as queued,
        django_assert_num_queries(1 + 5 * 6 + 1 + 2),
    ):
        assert webhook_drain(batch=10) == 5

    # then each gift is in escrow once and each event is processed after one attempt
    assert balance_of(escrow_account(campaign)) == cny(10 + 11 + 12 + 13 + 14)
    assert LedgerEntry.objects.filter(kind="donation.captured").count() == 5
    assert sorted(WebhookEvent.objects.values_list("status", "attempts")) == [("processed", 1)] * 5
    # and after the commit one receipts task is queued for the five gifts (ADR 0239)
    with mock.patch.object(receipt_mail, "enqueue") as receipts_queued:
        for callback in queued:
            callback()
    assert [call.args[1] for call in receipts_queued.call_args_list] == [[gift.pk for gift in gifts]]
