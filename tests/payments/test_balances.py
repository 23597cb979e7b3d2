"""Kept balances and the donor count (ADR 0211): kept with each posting and each gift, exactly the
figures' definitions over every posting, and a drift is an alert that stops releases, never a fix."""

import threading
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from campaigns.models import AuditEvent
from campaigns.money import Money
from payments.figures.balance_check import balance_drift_resolve, balances_check
from payments.figures.selectors import (
    campaign_totals_from_postings,
    campaign_totals_uncached,
    donors_count,
    donors_kept,
    platform_totals,
)
from payments.ledger.models import BALANCE_SLOTS
from payments.ledger.services import (
    BalanceDrifted,
    Leg,
    account_for,
    balance_from_postings,
    balance_of,
    entry_post,
    escrow_account,
)
from payments.models import (
    AccountKind,
    Allocation,
    BalanceDrift,
    LedgerBalance,
    LedgerEntry,
    Release,
    ReleaseStatus,
)
from payments.releases.exceptions import ReleaseNotAllowed
from payments.releases.payouts import payout_post
from payments.releases.services import release_approve
from tests.builders import verified_milestone
from tests.factories import CampaignFactory
from tests.verification.factories import BeneficiaryFactory, captured_donation


def cny(text: str) -> Money:
    return Money(text, "CNY")


def _corrupt(account, family: str, by_minor: int) -> None:
    """A hand edit (or a bug) changes one kept row behind the ledger's back."""
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE payments_ledgerbalance SET amount_minor = amount_minor + %s "
            "WHERE id = (SELECT min(id) FROM payments_ledgerbalance WHERE account_id = %s AND family = %s)",
            [by_minor, account.pk, family],
        )


@pytest.fixture
def funded(db, verifier):
    beneficiary = BeneficiaryFactory(verified_by=verifier)
    campaign = beneficiary.campaign
    captured_donation(campaign, 200_000, email="a@example.cn")
    captured_donation(campaign, 200_000, email="b@example.cn")
    captured_donation(campaign, 50_000, email="a@example.cn")
    milestone = verified_milestone(beneficiary=beneficiary, verifier=verifier)
    return campaign, milestone.release


def test_kept_figures_equal_their_definitions_through_a_release_and_its_payout(funded, finance_officer):
    campaign, release = funded
    # given three gifts from two donors: raised 4,500, held 4,500, two donors
    kept = campaign_totals_uncached(campaign=campaign)
    assert (kept.raised, kept.held, kept.donors) == (cny("4500"), cny("4500"), 2)
    # when a ¥3,000 release is approved
    release_approve(release=release, actor=finance_officer)
    kept = campaign_totals_uncached(campaign=campaign)
    assert (kept.held, kept.approved_unpaid, kept.paid) == (cny("1500"), cny("3000"), cny("0"))
    # and then paid by bank
    release.refresh_from_db()
    payout_post(release=release, method="bank", reference="bank:REF-1")
    kept = campaign_totals_uncached(campaign=campaign)
    # then approved-not-yet-paid moved to paid, and every figure is its definition over the postings
    assert (kept.held, kept.approved_unpaid, kept.paid) == (cny("1500"), cny("0"), cny("3000"))
    assert kept == campaign_totals_from_postings(campaign=campaign)
    escrow = escrow_account(campaign)
    assert balance_of(escrow) == balance_from_postings(escrow) == cny("1500")
    assert balances_check() == []
    assert not BalanceDrift.objects.exists()


def test_a_balance_read_touches_a_bounded_number_of_rows(db):
    # given a hundred gifts into one campaign (small ones: its minimum is one fen)
    campaign = CampaignFactory(status="live", min_donation_minor=1)
    for i in range(100):
        captured_donation(campaign, 100 + i, email=f"d{i}@example.cn")
    # then the escrow's kept rows are at most one per slot and family, however many gifts
    escrow = escrow_account(campaign)
    assert LedgerBalance.objects.filter(account=escrow).count() <= BALANCE_SLOTS
    assert balance_of(escrow) == Money.from_minor(sum(100 + i for i in range(100)), "CNY")
    assert (donors_kept(campaign=campaign), donors_count(campaign=campaign)) == (100, 100)


def test_a_corrupted_balance_row_raises_an_alert_and_stops_releases_from_that_escrow(funded, finance_officer):
    campaign, release = funded
    escrow = escrow_account(campaign)
    # given someone added ¥5 to a kept escrow row by SQL
    _corrupt(escrow, "donation.", 500)

    # when the scheduled check runs
    opened = balances_check()

    # then it raised alerts with the exact figures, for the account and for the figures it changes
    assert {(d.account_id, d.family, d.kept_minor, d.posted_minor) for d in opened} == {
        (escrow.pk, "*", 450_500, 450_000),
        (escrow.pk, "figure:raised", 450_500, 450_000),
        (escrow.pk, "figure:held", 450_500, 450_000),
    }
    assert AuditEvent.objects.filter(action="ledger.balance_drift").count() == 3
    # and it did not fix the row silently
    assert balance_of(escrow) == cny("4505")
    # and a release from that escrow is refused, with nothing posted or allocated
    with pytest.raises(ReleaseNotAllowed):
        release_approve(release=release, actor=finance_officer)
    release.refresh_from_db()
    assert release.status == ReleaseStatus.REQUESTED
    assert not LedgerEntry.objects.filter(kind__startswith="release.").exists()
    assert not Allocation.objects.exists()
    # and the ledger itself refuses a release entry from it, whoever calls it
    payable = account_for(kind=AccountKind.PARTNER_PAYABLE, currency="CNY", partner=release.partner)
    with pytest.raises(BalanceDrifted):
        entry_post(key="release:x:approved", kind="release.approved",
                   legs=[Leg(escrow, -cny("1")), Leg(payable, cny("1"))])  # fmt: skip
    assert not LedgerEntry.objects.filter(key="release:x:approved").exists()
    # and a second check opens no second alert for the same difference
    assert balances_check() == []
    assert BalanceDrift.objects.filter(resolved_at__isnull=True).count() == 3


def test_refunds_still_post_while_releases_are_stopped(funded):
    campaign, _release = funded
    escrow = escrow_account(campaign)
    _corrupt(escrow, "donation.", 500)
    balances_check()
    # when money leaves escrow for a reason that is not a release (what the provider already did)
    refunds = account_for(kind=AccountKind.REFUNDS, currency="CNY")
    entry_post(
        key="refund:test:1", kind="refund.issued", legs=[Leg(escrow, -cny("100")), Leg(refunds, cny("100"))]
    )
    # then it is posted, and the kept balance moved by exactly that amount (the drift stays visible)
    assert balance_of(escrow) == cny("4405")
    assert balance_from_postings(escrow) == cny("4400")


def test_releases_resume_only_when_finance_resolves_every_alert(funded, finance_officer):
    campaign, release = funded
    escrow = escrow_account(campaign)
    _corrupt(escrow, "donation.", 500)
    balances_check()
    _corrupt(escrow, "donation.", -500)  # the reviewed SQL fix puts the row back
    # when finance resolves the alerts with what it found
    for drift in BalanceDrift.objects.filter(resolved_at__isnull=True):
        balance_drift_resolve(drift=drift, actor=finance_officer, resolution="Hand edit reverted")
    # then the check finds nothing and the release is approved
    assert balances_check() == []
    release_approve(release=release, actor=finance_officer)
    assert Release.objects.get(pk=release.pk).status == ReleaseStatus.APPROVED


def test_a_resolution_needs_words(funded, finance_officer):
    campaign, _release = funded
    _corrupt(escrow_account(campaign), "donation.", 500)
    drift = balances_check()[0]
    with pytest.raises(ValueError):
        balance_drift_resolve(drift=drift, actor=finance_officer, resolution="  ")
    drift.refresh_from_db()
    assert drift.resolved_at is None


def test_a_drifted_donor_count_is_an_alert_too(funded):
    campaign, _release = funded
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE payments_donorcount SET donors = donors + 1 WHERE campaign_id = %s", [campaign.pk]
        )
    opened = balances_check()
    assert [(d.family, d.kept_minor, d.posted_minor) for d in opened] == [("figure:donors", 3, 2)]


def test_the_command_lists_open_alerts_and_fails_while_any_is_open(funded):
    campaign, _release = funded
    out = StringIO()
    call_command("ledger_balances_check", stdout=out)
    assert "Balances agree with the ledger." in out.getvalue()
    _corrupt(escrow_account(campaign), "donation.", 500)
    out = StringIO()
    with pytest.raises(CommandError):
        call_command("ledger_balances_check", stdout=out)
    assert f"DRIFT (new) {escrow_account(campaign).code} *: kept 450500, postings 450000" in out.getvalue()


def test_platform_totals_read_kept_balances_and_agree_with_the_campaigns(funded, finance_officer):
    campaign, release = funded
    release_approve(release=release, actor=finance_officer)
    (cny_totals,) = platform_totals()
    one = campaign_totals_from_postings(campaign=campaign)
    assert (cny_totals.raised, cny_totals.held, cny_totals.approved_unpaid) == (
        one.raised,
        one.held,
        one.approved_unpaid,
    )


@pytest.mark.django_db(transaction=True)
def test_concurrent_captures_into_one_escrow_use_several_slots_and_sum_exactly(settings):
    # given one campaign, and the in-memory card gateway for every thread (settings overridden per
    # thread would be swapped back under the others' feet)
    settings.PAYMENTS_GATEWAY = "payments.gateway.card_fake.FakeGateway"
    campaign = CampaignFactory(status="live")
    errors = []
    barrier = threading.Barrier(8)

    def give(i):
        try:
            barrier.wait()
            for j in range(5):
                captured_donation(campaign, 1_000 + i * 10 + j, email=f"d{i}@example.cn")
        except Exception as exc:  # reported below
            errors.append(repr(exc))
        finally:
            connection.close()

    # when eight sessions capture five gifts each at the same time
    threads = [threading.Thread(target=give, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)

    # then the escrow's kept rows are spread over more than one slot and add up exactly
    assert errors == []
    escrow = escrow_account(campaign)
    expected = sum(1_000 + i * 10 + j for i in range(8) for j in range(5))
    assert LedgerBalance.objects.filter(account=escrow).values("slot").distinct().count() > 1
    assert balance_of(escrow).to_minor() == expected == balance_from_postings(escrow).to_minor()
    assert (donors_kept(campaign=campaign), donors_count(campaign=campaign)) == (8, 8)
    assert balances_check() == []


@pytest.mark.django_db(transaction=True)
def test_a_capture_does_not_queue_behind_a_lock_on_its_campaign_row(monkeypatch):
    from django.db import transaction

    from campaigns.models import Campaign
    from payments.donations.services import donation_record_capture
    from payments.models import Donation, DonationStatus, DonorProfile

    # (the unit-funding refresh is a task of its own after commit; it locks the campaign on purpose)
    monkeypatch.setattr("payments.figures.receivers.unit_funding_due", lambda *a, **k: None)
    # given a gift waiting for capture, and another session holding its campaign row (as a save of
    # the campaign, or another capture locking it, would)
    campaign = CampaignFactory(status="live")
    captured_donation(campaign, 1_000, email="first@example.cn")  # the escrow and donor rows exist
    donor = DonorProfile.objects.create(email="second@example.cn")
    gift = Donation.objects.create(campaign=campaign, donor=donor, amount_minor=2_500, currency="CNY",
                                   status=DonationStatus.PROCESSING, idempotency_key="test:hot")  # fmt: skip
    locked, done = threading.Event(), threading.Event()

    def hold():
        with transaction.atomic():
            Campaign.objects.select_for_update(no_key=True).get(pk=campaign.pk)
            locked.set()
            done.wait(30)
        connection.close()

    holder = threading.Thread(target=hold)
    holder.start()
    assert locked.wait(10)
    try:
        # when the gift is captured meanwhile, with no patience for locks
        with connection.cursor() as cursor:
            cursor.execute("SET lock_timeout = '3s'")
        captured = donation_record_capture(donation=gift, payment_intent_id="pi_hot")
    finally:
        done.set()
        holder.join(timeout=30)
        with connection.cursor() as cursor:
            cursor.execute("SET lock_timeout = 0")

    # then it went through without waiting for the campaign row, and the kept figures follow
    assert captured is True
    kept = campaign_totals_uncached(campaign=campaign)
    assert (kept.raised, kept.donors) == (cny("35"), 2)


def test_finance_sees_an_open_balance_alert_in_the_admin(funded, client, finance_officer, editor):
    from django.contrib.auth.models import Permission
    from django.urls import reverse

    campaign, _release = funded
    _corrupt(escrow_account(campaign), "donation.", 500)
    balances_check()
    finance_officer.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(finance_officer)

    page = client.get(reverse("balance_alerts:index"))

    assert page.status_code == 200
    table = page.content.decode().split('<table class="listing', 1)[1].split("</table>", 1)[0]
    # the escrow account, the figure that drifted and both sides, in fen
    assert "campaign_escrow:CNY:" in table
    assert "figure:held" in table and "450500" in table and "450000" in table
    # and the alert cannot be changed or deleted there
    drift = BalanceDrift.objects.filter(resolved_at__isnull=True).first()
    assert client.get(reverse("balance_alerts:edit", args=[drift.pk])).status_code in (302, 403)
    # and an editor does not see the list
    client.force_login(editor)
    assert client.get(reverse("balance_alerts:index")).status_code in (302, 403)
