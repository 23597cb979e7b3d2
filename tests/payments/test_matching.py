"""Matching pools (ADR 0227): each eligible gift matched once, from paid-in money, given back on
refund or lost dispute, and in the campaign's figures."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from payments.figures.selectors import campaign_totals_from_postings, campaign_totals_uncached
from payments.ledger.services import balance_of, escrow_account
from payments.matching.models import PayInMethod, PayInStatus, PoolMatch
from payments.matching.services import (
    PayInNotAllowed,
    gift_matches_follow,
    matches_sweep,
    pool_account,
    pool_pay_in_confirm,
    pool_pay_in_record,
)
from payments.models import LedgerEntry
from tests import builders
from tests.factories import CampaignFactory
from tests.payments.conftest import cny, event, post_signed
from tests.payments.matching_helpers import officer, pay_in, pool

pytestmark = pytest.mark.django_db


def give(campaign, minor, capture, email="li.na@example.cn"):
    with capture(execute=True):
        return builders.gift(campaign, minor, email=email)


def test_a_gift_in_the_window_is_matched_once_into_escrow(campaign, django_capture_on_commit_callbacks):
    # given a 1:1 pool of ¥1,000, paid in
    p = pool([campaign], cap=100_000)

    # when a ¥300 gift is captured, and its matching runs again (a duplicate event, a sweep)
    gift = give(campaign, 30_000, django_capture_on_commit_callbacks)
    gift_matches_follow(donation_id=gift.pk)
    matches_sweep()

    # then it is matched ¥300 once, from the pool to the campaign's escrow
    match = PoolMatch.objects.get()
    assert (match.donation_id, match.amount_minor, match.reduced_minor) == (gift.pk, 30_000, 0)
    assert LedgerEntry.objects.filter(kind="match.gift").count() == 1
    assert balance_of(pool_account(p)) == cny(700)
    assert balance_of(escrow_account(campaign)) == cny(600)
    totals = campaign_totals_uncached(campaign=campaign)
    assert (totals.raised, totals.matched, totals.counted, totals.held) == (
        cny(300),
        cny(300),
        cny(600),
        cny(600),
    )
    assert totals == campaign_totals_from_postings(campaign=campaign)


def test_ratio_and_per_donor_cap(campaign, django_capture_on_commit_callbacks):
    # given a 2:1 pool that matches at most ¥500 per donor
    p = pool([campaign], cap=1_000_000, ratio="2", per_donor=50_000)

    # when one donor gives ¥200 twice and another gives ¥100
    first = give(campaign, 20_000, django_capture_on_commit_callbacks)
    second = give(campaign, 20_000, django_capture_on_commit_callbacks)
    other = give(campaign, 10_000, django_capture_on_commit_callbacks, email="wang.fang@example.cn")

    # then the first gift gets ¥400, the second only the ¥100 left of the donor's cap, the other ¥200
    got = {m.donation_id: m.amount_minor for m in PoolMatch.objects.all()}
    assert got == {first.pk: 40_000, second.pk: 10_000, other.pk: 20_000}
    assert balance_of(pool_account(p)) == cny(10_000 - 700)


def test_gift_outside_the_window_or_to_another_campaign_is_not_matched(
    campaign, django_capture_on_commit_callbacks
):
    # given a pool on this campaign whose window has not opened yet, and an open one on another campaign
    now = timezone.now()
    later = pool([campaign], cap=100_000, starts=now + timedelta(hours=1), ends=now + timedelta(days=1))
    elsewhere = pool([CampaignFactory(status="live", min_donation_minor=1000)], cap=100_000)

    # when a gift is captured here now
    give(campaign, 30_000, django_capture_on_commit_callbacks)

    # then nothing is matched and neither pool moved
    assert not PoolMatch.objects.exists()
    assert balance_of(pool_account(later)) == balance_of(pool_account(elsewhere)) == cny(1_000)
    assert campaign_totals_uncached(campaign=campaign).matched == cny(0)


def test_unpaid_pledge_matches_only_what_is_paid_in(campaign, django_capture_on_commit_callbacks):
    # given a ¥1,000 pledge of which only ¥100 is paid in
    p = pool([campaign], cap=100_000, paid_in=10_000)

    # when two ¥300 gifts are captured
    first = give(campaign, 30_000, django_capture_on_commit_callbacks)
    second = give(campaign, 30_000, django_capture_on_commit_callbacks, email="wang.fang@example.cn")

    # then the first is matched the ¥100 there is, the second nothing, and the pool is empty, not negative
    assert [(m.donation_id, m.amount_minor) for m in PoolMatch.objects.all()] == [(first.pk, 10_000)]
    assert balance_of(pool_account(p)) == cny(0)
    assert not PoolMatch.objects.filter(donation=second).exists()

    # and a later pay-in matches gifts from then on
    pay_in(p, 50_000)
    third = give(campaign, 20_000, django_capture_on_commit_callbacks, email="zhao.lei@example.cn")
    assert PoolMatch.objects.get(donation=third).amount_minor == 20_000


def test_refund_gives_back_the_same_share_of_the_match_once(campaign, django_capture_on_commit_callbacks):
    # given a ¥300 gift matched ¥300
    p = pool([campaign], cap=100_000)
    gift = give(campaign, 30_000, django_capture_on_commit_callbacks)

    # when a third of it is refunded, then the rest, and matching runs again
    with django_capture_on_commit_callbacks(execute=True):
        builders.refund(gift, 10_000)
    assert PoolMatch.objects.get().reduced_minor == 10_000
    with django_capture_on_commit_callbacks(execute=True):
        builders.refund(gift, 20_000)
    gift_matches_follow(donation_id=gift.pk)

    # then the whole match is back in the pool, posted in two steps, and matched is zero
    assert PoolMatch.objects.get().reduced_minor == 30_000
    assert LedgerEntry.objects.filter(kind="match.reduced").count() == 2
    assert balance_of(pool_account(p)) == cny(1_000)
    totals = campaign_totals_uncached(campaign=campaign)
    assert (totals.matched, totals.held, totals.counted) == (cny(0), cny(0), cny(0))
    assert totals == campaign_totals_from_postings(campaign=campaign)


def _dispute(gift, n, type_, status="needs_response"):
    return event(f"evt_mdp_{gift.pk}_{n}", type_, {
        "id": f"dp_m{gift.pk}", "object": "dispute", "amount": gift.amount_minor, "currency": "cny",
        "charge": gift.provider_charge_id, "payment_intent": gift.provider_payment_intent_id,
        "reason": "fraudulent", "status": status})  # fmt: skip


def test_lost_dispute_gives_back_the_match_and_an_open_one_does_not(
    client, campaign, django_capture_on_commit_callbacks
):
    # given a ¥300 gift matched ¥300
    p = pool([campaign], cap=100_000)
    gift = give(campaign, 30_000, django_capture_on_commit_callbacks)

    # when the card holder disputes it: the match stays while the dispute is open
    with django_capture_on_commit_callbacks(execute=True):
        post_signed(client, _dispute(gift, 1, "charge.dispute.created"))
    assert PoolMatch.objects.get().reduced_minor == 0

    # and when the dispute is lost (the event delivered twice)
    with django_capture_on_commit_callbacks(execute=True):
        post_signed(client, _dispute(gift, 2, "charge.dispute.closed", status="lost"))
        post_signed(client, _dispute(gift, 2, "charge.dispute.closed", status="lost"))

    # then the match is back in the pool, once
    assert PoolMatch.objects.get().reduced_minor == 30_000
    assert LedgerEntry.objects.filter(kind="match.reduced").count() == 1
    assert balance_of(pool_account(p)) == cny(1_000)
    totals = campaign_totals_uncached(campaign=campaign)
    assert (totals.matched, totals.lost_to_disputes, totals.held) == (cny(0), cny(300), cny(0))
    assert totals == campaign_totals_from_postings(campaign=campaign)


def test_duplicate_capture_event_is_matched_once(client, campaign, django_capture_on_commit_callbacks):
    # given a pool and a captured gift
    pool([campaign], cap=100_000)
    gift = give(campaign, 30_000, django_capture_on_commit_callbacks)

    # when the provider's success event for it arrives twice
    payload = event(f"evt_m_{gift.pk}", "payment_intent.succeeded",
                    {"id": gift.provider_payment_intent_id, "object": "payment_intent", "status": "succeeded",
                     "metadata": {"donation_id": str(gift.public_id)}})  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        post_signed(client, payload)
        post_signed(client, {**payload, "id": f"evt_m2_{gift.pk}"})

    # then still one match and one entry
    assert PoolMatch.objects.count() == 1
    assert LedgerEntry.objects.filter(kind="match.gift").count() == 1


def test_pay_in_needs_a_second_finance_officer_and_stays_within_the_pledge(campaign):
    # given a ¥1,000 pledge with nothing paid in
    p = pool([campaign], cap=100_000, paid_in=0)
    first = officer("finance-a")

    # when the officer who recorded a pay-in tries to confirm it, then a non-officer records one
    recorded = pool_pay_in_record(
        pool=p, amount=cny(600), method=PayInMethod.OFFLINE, reference="R-1", actor=first
    )
    with pytest.raises(PermissionDenied):
        pool_pay_in_confirm(pay_in=recorded, actor=first)
    from django.contrib.auth.models import User

    with pytest.raises(PermissionDenied):
        pool_pay_in_record(pool=p, amount=cny(100), method=PayInMethod.OFFLINE, reference="R-2",
                           actor=User.objects.create(username="editor-x"))  # fmt: skip
    # and more than the pledge's unpaid rest (counting the one awaiting confirmation), or the same reference
    with pytest.raises(PayInNotAllowed):
        pool_pay_in_record(pool=p, amount=cny(500), method=PayInMethod.OFFLINE, reference="R-3", actor=first)
    with pytest.raises(PayInNotAllowed):
        pool_pay_in_record(pool=p, amount=cny(10), method=PayInMethod.OFFLINE, reference="R-1", actor=first)

    # then nothing reached the ledger until a second officer confirms
    assert balance_of(pool_account(p)) == cny(0)
    confirmed = pool_pay_in_confirm(pay_in=recorded, actor=officer("finance-b"))
    pool_pay_in_confirm(pay_in=recorded, actor=officer("finance-b"))
    assert confirmed.status == PayInStatus.CONFIRMED
    assert balance_of(pool_account(p)) == cny(600)
    assert LedgerEntry.objects.filter(kind="pledge.paid_in").count() == 1


def test_the_balance_check_knows_the_pool_accounts_and_the_matched_figure(
    campaign, django_capture_on_commit_callbacks
):
    from django.db import connection

    from payments.figures.balance_check import balances_check

    # given a matched gift: the check finds nothing to say
    p = pool([campaign], cap=100_000)
    give(campaign, 30_000, django_capture_on_commit_callbacks)
    assert balances_check() == []

    # when someone edits the kept rows of the pool's account and of the escrow's matches by SQL
    for account, family in ((pool_account(p), "match."), (escrow_account(campaign), "match.")):
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE payments_ledgerbalance SET amount_minor = amount_minor + 100 WHERE id = "
                "(SELECT min(id) FROM payments_ledgerbalance WHERE account_id = %s AND family = %s)",
                [account.pk, family],
            )

    # then the check opens alerts for the pool's balance, the escrow's, and the matched figure
    opened = {(d.account_id, d.family, d.kept_minor, d.posted_minor) for d in balances_check()}
    escrow = escrow_account(campaign).pk
    assert opened == {
        (pool_account(p).pk, "*", 70_100, 70_000),
        (escrow, "*", 60_100, 60_000),
        (escrow, "figure:matched", 30_100, 30_000),
        (escrow, "figure:held", 60_100, 60_000),
    }


def test_a_gift_to_a_campaign_without_pools_queues_no_matching(
    campaign, django_capture_on_commit_callbacks, monkeypatch
):
    from payments.matching import tasks

    # given a pool on another campaign only
    pool([CampaignFactory(status="live", min_donation_minor=1000)], cap=100_000)
    queued = []
    monkeypatch.setattr(tasks.gift_matches_follow_task, "apply_async", lambda args, **kw: queued.append(args))

    # when a gift to this campaign is captured, and then one after a pool names it
    give(campaign, 30_000, django_capture_on_commit_callbacks)
    assert queued == []
    pool([campaign], cap=100_000)
    gift = give(campaign, 30_000, django_capture_on_commit_callbacks)

    # then only the second queued its matching
    assert queued == [(gift.pk,)]
