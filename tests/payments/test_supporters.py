"""Supporters' pages (ADR 0234): a gift through a page counts to the page and to the campaign once,
refunds and disputes come off both, the kept page figure equals the one from the gifts' money,
and the failure side (pages not public, bad goals, other owners, editors only, report abuse)."""

from __future__ import annotations

import uuid

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import translation

from campaigns.models import AuditEvent
from campaigns.money import Money
from payments.figures.selectors import campaign_totals_from_postings, campaign_totals_uncached, counted
from payments.models import Donation
from payments.supporters import publishing
from payments.supporters.models import SupporterGift, SupporterPage, SupporterPageReport, SupporterPageStatus
from payments.supporters.selectors import leaderboard, page_raised_recomputed, pages_drifted
from payments.supporters.services import (
    ReportRefused,
    SupporterPageRefused,
    page_moderate,
    page_report,
    page_update,
    supporter_gift_follow,
    supporter_gifts_sweep,
)
from tests import builders
from tests.payments.conftest import cny, event, post_signed
from tests.payments.supporter_helpers import donor, give_via, public_page, raised_minor, started_page

pytestmark = pytest.mark.django_db


def _start_url(page, language="zh-hans"):
    with translation.override(language):
        return reverse("payments:supporter_gift_start", kwargs={"slug": page.slug})


def _form(**overrides):
    data = {"amount": "100", "frequency": "one_off", "email": "liu.yang@example.cn", "attempt": str(uuid.uuid4()),
            "website": ""}  # fmt: skip
    data.update(overrides)
    return data


def _dispute(gift, n, type_, status="needs_response"):
    return event(f"evt_sdp_{gift.pk}_{n}", type_, {
        "id": f"dp_s{gift.pk}", "object": "dispute", "amount": gift.amount_minor, "currency": "cny",
        "charge": gift.provider_charge_id, "payment_intent": gift.provider_payment_intent_id,
        "reason": "fraudulent", "status": status})  # fmt: skip


def test_a_gift_through_a_page_over_http_counts_once_to_the_page_and_the_campaign(
    client, fake_gateway, campaign, editor, django_capture_on_commit_callbacks
):
    # given a public page
    page = public_page(campaign, editor)

    # when a donor gives ¥100 through the page's form, and the same form is posted again (double submit)
    data = _form()
    started = client.post(_start_url(page), data).json()
    again = client.post(_start_url(page), data).json()
    assert (
        started["status"] == again["status"] == "awaiting_card" and started["donation"] == again["donation"]
    )
    donation = Donation.objects.get(public_id=started["donation"])
    fake_gateway.setup_intent_confirm(donation.provider_setup_intent_id, "pm_card_visa")
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(started["charge_url"]).json()["status"] == "succeeded"
    # and its follow-up runs again (a duplicate task, the sweep)
    supporter_gift_follow(donation_id=donation.pk)
    supporter_gifts_sweep()

    # then the gift is recorded once for the page, the page shows ¥100 and the campaign ¥100 (not ¥200)
    assert SupporterGift.objects.get().donation_id == donation.pk
    assert raised_minor(page) == 10_000
    assert SupporterPage.objects.select_related("total").get(pk=page.pk).total.gifts == 1
    totals = campaign_totals_uncached(campaign=campaign)
    assert totals.raised == cny(100) and totals == campaign_totals_from_postings(campaign=campaign)
    assert page_raised_recomputed(page) == cny(100) and pages_drifted() == []


def test_refund_and_disputes_come_off_the_page_and_the_campaign(
    client, campaign, editor, django_capture_on_commit_callbacks
):
    # given two pages with gifts of ¥100 and ¥300 and ¥200: every gift of the campaign through a page
    first, second = public_page(campaign, editor), public_page(campaign, editor)
    refunded = give_via(first, 10_000, django_capture_on_commit_callbacks)
    disputed = give_via(first, 30_000, django_capture_on_commit_callbacks, email="he.ping@example.cn")
    give_via(second, 20_000, django_capture_on_commit_callbacks, email="xu.li@example.cn")
    assert (raised_minor(first), raised_minor(second)) == (40_000, 20_000)

    # when ¥30 of the first gift is refunded, then ¥20 more (a second partial refund changes no status)
    with django_capture_on_commit_callbacks(execute=True):
        builders.refund(refunded, 3_000)
    with django_capture_on_commit_callbacks(execute=True):
        builders.refund(refunded, 2_000)
    # and the card holder disputes the ¥300 gift: it stops counting while open
    with django_capture_on_commit_callbacks(execute=True):
        post_signed(client, _dispute(disputed, 1, "charge.dispute.created"))
    assert raised_minor(first) == 5_000
    # and the dispute is lost (the event delivered twice)
    with django_capture_on_commit_callbacks(execute=True):
        post_signed(client, _dispute(disputed, 2, "charge.dispute.closed", status="lost"))
        post_signed(client, _dispute(disputed, 2, "charge.dispute.closed", status="lost"))

    # then the page keeps ¥50, the other ¥200: together exactly what counts in the campaign's ledger
    assert (raised_minor(first), raised_minor(second)) == (5_000, 20_000)
    ledger = campaign_totals_from_postings(campaign=campaign)
    assert counted(ledger) == cny(250)
    assert campaign_totals_uncached(campaign=campaign) == ledger
    assert page_raised_recomputed(first) == cny(50) and pages_drifted() == []
    assert SupporterPage.objects.select_related("total").get(pk=first.pk).total.gifts == 1


def test_a_won_dispute_gives_the_page_its_gift_back(
    client, campaign, editor, django_capture_on_commit_callbacks
):
    page = public_page(campaign, editor)
    gift = give_via(page, 30_000, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        post_signed(client, _dispute(gift, 1, "charge.dispute.created"))
    assert raised_minor(page) == 0

    with django_capture_on_commit_callbacks(execute=True):
        post_signed(client, _dispute(gift, 2, "charge.dispute.closed", status="won"))

    assert raised_minor(page) == 30_000 and pages_drifted() == []


@pytest.mark.parametrize(
    "status", [SupporterPageStatus.PENDING, SupporterPageStatus.HIDDEN, SupporterPageStatus.CLOSED]
)
def test_a_gift_from_a_page_not_public_counts_to_the_campaign_only(
    client, fake_gateway, campaign, editor, status, django_capture_on_commit_callbacks
):
    # given a page waiting for approval, hidden after a report, or closed
    page = started_page(campaign)
    if status != SupporterPageStatus.PENDING:
        page = page_moderate(page=page, to=SupporterPageStatus.APPROVED, actor=editor)
        page = page_moderate(page=page, to=status, actor=editor, reason="reported: fraud")

    # when a donor gives through its (stale) form
    started = client.post(_start_url(page), _form()).json()
    donation = Donation.objects.get(public_id=started["donation"])
    fake_gateway.setup_intent_confirm(donation.provider_setup_intent_id, "pm_card_visa")
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(started["charge_url"]).json()["status"] == "succeeded"

    # then the campaign has the gift, the page nothing
    assert not SupporterGift.objects.exists()
    assert raised_minor(page) == 0
    assert campaign_totals_uncached(campaign=campaign).raised == cny(100)


def test_a_bad_gift_through_a_page_is_refused_and_writes_nothing(client, fake_gateway, campaign, editor):
    page = public_page(campaign, editor)

    response = client.post(_start_url(page), _form(amount="-5"))

    assert response.status_code == 400 and response.json()["status"] == "invalid"
    assert not Donation.objects.exists() and not SupporterGift.objects.exists() and fake_gateway.calls == []


def test_the_sweep_follows_a_gift_whose_task_was_lost(campaign, editor, django_capture_on_commit_callbacks):
    # given a gift through a page captured while the broker was down: its follow-up never ran
    page = public_page(campaign, editor)
    gift = give_via(page, 20_000, django_capture_on_commit_callbacks)
    SupporterGift.objects.filter(donation=gift).update(counted_minor=0, seen_status="")
    from payments.supporters.models import SupporterPageTotal

    SupporterPageTotal.objects.filter(page=page).update(raised_minor=0, gifts=0)
    assert pages_drifted() == [page]

    # when the sweep runs (twice)
    assert supporter_gifts_sweep() == 1
    assert supporter_gifts_sweep() == 0

    # then the page has it, once
    assert raised_minor(page) == 20_000 and pages_drifted() == []


@pytest.mark.parametrize("goal_minor", [0, -100, 100_000_001])
def test_a_bad_goal_is_refused_and_nothing_is_written(campaign, goal_minor):
    with pytest.raises(SupporterPageRefused):
        started_page(campaign, goal_minor=goal_minor)

    assert not SupporterPage.objects.exists()


def test_the_database_refuses_a_goal_out_of_range(campaign):
    page = started_page(campaign)

    with pytest.raises(IntegrityError), transaction.atomic():
        SupporterPage.objects.filter(pk=page.pk).update(goal_minor=0)


def test_one_open_page_per_donor_and_campaign(campaign):
    owner = donor()
    started_page(campaign, owner=owner)

    with pytest.raises(SupporterPageRefused):
        started_page(campaign, owner=owner)
    assert SupporterPage.objects.count() == 1


def test_only_the_owner_edits_and_new_words_go_back_to_an_editor(campaign, editor):
    page = public_page(campaign, editor)
    other = donor()

    with pytest.raises(PermissionDenied):
        page_update(page=page, owner=other, title="改了", words="别人的话", goal=cny(100))
    page.refresh_from_db()
    assert page.title == "周敏为外婆筹款"

    page_update(page=page, owner=page.owner, title=page.title, words="新的话", goal=cny(8_000))
    page.refresh_from_db()
    assert (page.status, page.goal) == (SupporterPageStatus.PENDING, cny(8_000))


def test_a_goal_only_change_keeps_the_page_public(campaign, editor):
    page = public_page(campaign, editor)

    page_update(page=page, owner=page.owner, title=page.title, words=page.words, goal=cny(9_000))

    page.refresh_from_db()
    assert page.status == SupporterPageStatus.APPROVED


def test_pages_public_at_once_when_the_site_says_so(campaign):
    registered = publishing._source
    publishing.public_at_once_source(lambda: True)
    try:
        page = started_page(campaign)
    finally:
        publishing.public_at_once_source(registered)

    assert page.status == SupporterPageStatus.APPROVED


def test_only_editors_moderate_and_hiding_is_audited(campaign, editor, finance_officer):
    page = public_page(campaign, editor)

    with pytest.raises(PermissionDenied):
        page_moderate(page=page, to=SupporterPageStatus.HIDDEN, actor=finance_officer, reason="x")
    with pytest.raises(SupporterPageRefused):
        page_moderate(page=page, to=SupporterPageStatus.HIDDEN, actor=editor, reason="")
    page_moderate(page=page, to=SupporterPageStatus.HIDDEN, actor=editor, reason="reported: fraud")

    page.refresh_from_db()
    assert page.status == SupporterPageStatus.HIDDEN
    audit = AuditEvent.objects.get(action="supporter_page.hidden")
    assert (audit.actor, audit.reason, audit.data) == (
        editor,
        "reported: fraud",
        {"from": "approved", "to": "hidden"},
    )


def test_a_report_counts_once_per_reporter_and_too_many_are_refused(campaign, editor):
    pages = [public_page(campaign, editor) for _ in range(6)]

    assert page_report(page=pages[0], reason="fraud", details="", fingerprint="a") is True
    assert page_report(page=pages[0], reason="fraud", details="again", fingerprint="a") is False
    for page in pages[1:4]:
        page_report(page=page, reason="offensive", details="", fingerprint="a")
    with pytest.raises(ReportRefused):
        page_report(page=pages[5], reason="fraud", details="", fingerprint="a")

    assert SupporterPageReport.objects.count() == 4
    with pytest.raises(SupporterPageRefused):
        page_report(page=pages[5], reason="nonsense", details="", fingerprint="b")


def test_the_leaderboard_is_one_query(
    campaign, editor, django_assert_num_queries, django_capture_on_commit_callbacks
):
    low, high = public_page(campaign, editor), public_page(campaign, editor)
    give_via(low, 10_000, django_capture_on_commit_callbacks)
    give_via(high, 50_000, django_capture_on_commit_callbacks, email="b@example.cn")

    with django_assert_num_queries(1):
        board = leaderboard(campaign_id=campaign.pk)
        raised = [p.raised for p in board]

    assert [p.pk for p in board] == [high.pk, low.pk] and raised == [cny(500), cny(100)]


def test_goal_money_is_in_the_campaigns_currency(campaign):
    with pytest.raises(SupporterPageRefused):
        from payments.supporters.services import goal_check

        goal_check(goal=Money.from_minor(100, "USD"), campaign=campaign)


def test_the_balance_check_alerts_on_a_drifted_page_figure_and_not_on_an_exact_one(
    campaign, editor, django_capture_on_commit_callbacks
):
    from payments.figures.balance_check import balances_check
    from payments.ledger.services import account_drifted, escrow_account
    from payments.models import BalanceDrift
    from payments.supporters.models import SupporterPageTotal

    # given two pages with a gift each, their kept figures exact
    page, other = public_page(campaign, editor), public_page(campaign, editor)
    give_via(page, 20_000, django_capture_on_commit_callbacks)
    give_via(other, 5_000, django_capture_on_commit_callbacks)
    assert balances_check() == [] and not BalanceDrift.objects.exists()

    # when one page's kept figure drifts (a bug, a hand edit) and the scheduled check runs
    SupporterPageTotal.objects.filter(page=page).update(raised_minor=12_000)
    opened = balances_check()

    # then that page alone is an open alert on its campaign's escrow, audited, not corrected
    escrow = escrow_account(campaign)
    assert [(d.account_id, d.family, d.kept_minor, d.posted_minor) for d in opened] == [
        (escrow.pk, f"page:{page.pk}", 12_000, 20_000)
    ]
    assert AuditEvent.objects.filter(action="ledger.balance_drift").count() == 1
    assert raised_minor(page) == 12_000 and account_drifted(escrow)
    # and the next check opens no second alert for it
    assert balances_check() == []
