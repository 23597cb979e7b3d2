"""A closed pool's leftover returned to its matcher (ADR 0238): double entry, once, by two finance
officers, refused while gifts in the window may still be matched, on the matcher's page and
statement."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone, translation

from payments.figures.balance_check import balances_check
from payments.figures.selectors import campaign_totals_from_postings, campaign_totals_uncached
from payments.ledger.models import AccountKind
from payments.ledger.services import account_for, balance_of
from payments.matching.models import PoolMatch, PoolReturn, PoolStatus, ReturnStatus
from payments.matching.returns import (
    ReturnNotAllowed,
    pool_return_confirm,
    pool_return_record,
    pool_return_reject,
)
from payments.matching.selectors import matcher_summary, pools_figures
from payments.matching.services import gift_matches_follow, pool_account, pool_close
from payments.models import LedgerEntry
from reports.selectors.matcher_statement import matcher_statement
from tests import builders
from tests.payments.conftest import cny
from tests.payments.matching_helpers import officer, pool

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def give(campaign, minor, capture, email="li.na@example.cn"):
    with capture(execute=True):
        return builders.gift(campaign, minor, email=email)


def test_a_closed_pools_leftover_is_returned_once_by_two_officers(
    campaign, client, django_capture_on_commit_callbacks
):
    # given a ¥1,000 1:1 pool, paid in, that matched a ¥300 gift, then closed
    p = pool([campaign], cap=100_000)
    give(campaign, 30_000, django_capture_on_commit_callbacks)
    pool_close(pool=p, actor=officer("finance-a"), reason="the giving day is over")

    # when one officer records the return (nothing posted yet) and another confirms it, twice
    recorded = pool_return_record(pool=p, actor=officer("finance-a"), reference="ICBC-OUT-7")
    assert recorded.amount == cny(700)
    assert not LedgerEntry.objects.filter(kind__startswith="pool_return.").exists()
    pool_return_confirm(pool_return=recorded, actor=officer("finance-b"))
    pool_return_confirm(pool_return=recorded, actor=officer("finance-b"))

    # then ¥700 moved once from the pool to "returned to matchers", under its deterministic key
    entry = LedgerEntry.objects.get(kind__startswith="pool_return.")
    assert (entry.key, entry.kind) == (f"pool:{p.pk}:returned:{recorded.pk}", "pool_return.to_matcher")
    assert balance_of(pool_account(p)) == cny(0)
    assert balance_of(account_for(kind=AccountKind.MATCHER_RETURNED, currency="CNY")) == cny(700)
    figures = pools_figures([p])[0]
    assert (figures.paid_in, figures.matched, figures.returned, figures.left) == (
        cny(1000),
        cny(300),
        cny(700),
        cny(0),
    )
    # and the campaign's figures are untouched and equal to the ledger, with no drift
    totals = campaign_totals_uncached(campaign=campaign)
    assert (totals.matched, totals.held) == (cny(300), cny(600))
    assert totals == campaign_totals_from_postings(campaign=campaign)
    assert balances_check() == []
    # and the matcher's page and statement show it
    html = client.get(reverse("payments:matcher_page", kwargs={"slug": p.matcher.slug})).content.decode()
    assert 'data-figure="returned_to_matcher">¥700' in html
    listing = client.get(reverse("payments:matchers")).content.decode()
    assert "¥700</span>" in listing and 'data-figure="returned_to_matcher"' in listing
    statement = matcher_statement(matcher_id=p.matcher_id)
    assert [r.amount for r in statement.returns] == [cny(700)]
    assert statement.totals["returned"] == {"CNY": cny(700)}
    assert matcher_summary(matcher=p.matcher).total("returned") == {"CNY": cny(700)}

    # and nothing is left to return
    with pytest.raises(ReturnNotAllowed, match="Nothing is left"):
        pool_return_record(pool=p, actor=officer("finance-a"))


def test_refused_while_gifts_in_the_window_may_still_be_matched(campaign, django_capture_on_commit_callbacks):
    now = timezone.now()
    # given an open pool whose window is still running, and one that ended a day ago (inside the
    # sweep's grace for late captures)
    running = pool([campaign], cap=50_000)
    ended = pool([campaign], cap=50_000, starts=now - timedelta(days=3), ends=now - timedelta(days=1))

    # when finance records their returns, then they are refused with the moment it becomes possible
    for p in (running, ended):
        with pytest.raises(ReturnNotAllowed, match="may still be matched until"):
            pool_return_record(pool=p, actor=officer("finance-a"))
    assert not PoolReturn.objects.exists()

    # when the grace has passed for the second, it may be returned; confirming closes it
    old = pool([campaign], cap=50_000, starts=now - timedelta(days=5), ends=now - timedelta(days=3))
    recorded = pool_return_record(pool=old, actor=officer("finance-a"))
    pool_return_confirm(pool_return=recorded, actor=officer("finance-b"))
    old.refresh_from_db()
    assert old.status == PoolStatus.CLOSED
    # and a gift captured in its window that reaches matching late is not matched from it
    late = give(campaign, 10_000, django_capture_on_commit_callbacks)
    type(late).objects.filter(pk=late.pk).update(captured_at=now - timedelta(days=4))
    gift_matches_follow(donation_id=late.pk)
    assert not PoolMatch.objects.filter(pool=old).exists()
    assert balance_of(pool_account(old)) == cny(0)


def test_four_eyes_one_awaiting_at_a_time_and_a_rejected_one_never_posts(campaign):
    p = pool([campaign], cap=100_000)
    pool_close(pool=p, actor=officer("finance-a"), reason="withdrawn")
    recorded = pool_return_record(pool=p, actor=officer("finance-a"))

    # the recorder cannot confirm, a second return cannot be recorded meanwhile
    with pytest.raises(PermissionDenied):
        pool_return_confirm(pool_return=recorded, actor=officer("finance-a"))
    with pytest.raises(ReturnNotAllowed, match="already awaits"):
        pool_return_record(pool=p, actor=officer("finance-c"))
    # someone outside finance cannot record one
    from django.contrib.auth.models import User

    with pytest.raises(PermissionDenied):
        pool_return_record(pool=p, actor=User.objects.create(username="editor"))

    # a rejection posts nothing; a new return may then be recorded and confirmed
    with pytest.raises(ReturnNotAllowed):
        pool_return_reject(pool_return=recorded, actor=officer("finance-b"), reason=" ")
    pool_return_reject(pool_return=recorded, actor=officer("finance-b"), reason="wrong account")
    assert not LedgerEntry.objects.filter(kind__startswith="pool_return.").exists()
    again = pool_return_record(pool=p, actor=officer("finance-a"))
    pool_return_confirm(pool_return=again, actor=officer("finance-b"))
    assert PoolReturn.objects.get(status=ReturnStatus.CONFIRMED) == again
    assert balance_of(pool_account(p)) == cny(0)


def test_a_match_given_back_after_the_return_is_returned_by_a_further_return_only(
    campaign, django_capture_on_commit_callbacks
):
    # given a pool that matched a ¥300 gift, closed, its ¥700 leftover returned
    p = pool([campaign], cap=100_000)
    gift = give(campaign, 30_000, django_capture_on_commit_callbacks)
    pool_close(pool=p, actor=officer("finance-a"), reason="over")
    pool_return_confirm(
        pool_return=pool_return_record(pool=p, actor=officer("finance-a")), actor=officer("finance-b")
    )

    # when the gift is refunded in full (its match goes back to the pool)
    with django_capture_on_commit_callbacks(execute=True):
        builders.refund(gift, 30_000)
    assert balance_of(pool_account(p)) == cny(300)

    # then a second return takes exactly that ¥300, and the pool is at zero, never below
    second = pool_return_record(pool=p, actor=officer("finance-a"))
    assert second.amount == cny(300)
    pool_return_confirm(pool_return=second, actor=officer("finance-b"))
    figures = pools_figures([p])[0]
    assert (figures.matched, figures.returned, figures.left) == (cny(0), cny(1000), cny(0))
    assert LedgerEntry.objects.filter(kind="pool_return.to_matcher").count() == 2
    assert balances_check() == []


def test_the_pool_screen_shows_why_a_return_is_refused(client, campaign):
    p = pool([campaign], cap=100_000)
    client.force_login(officer("finance-a"))
    url = reverse("match_pool_money", kwargs={"pk": p.pk})

    refused = client.post(url, {"return_record": "1"})
    garbage = client.post(url, {"return_confirm": "1", "pool_return": "x"})

    # (this screen answers a refusal on the page with its message, as for pay-ins: 200)
    assert refused.status_code == 200 and 'role="alert"' in refused.content.decode()
    assert not PoolReturn.objects.exists()
    assert garbage.status_code == 404
    assert client.get(url).status_code == 200
