"""Every provider event that moves money or changes a payment's fate, exactly once and in any order
(issue 9 §4): refunds made at the provider, our refunds failing there, disputes, cancelled or
processing payments and failed card setups; reconciliation finds nothing unmatched afterwards.

localstripe stands in where it can (gifts, refunds, balance transactions); what it lacks
(``charge.*`` and ``refund.*`` events, failed refunds, disputes) is signed like Stripe and posted
through the real endpoint, against the in-memory gateway with Stripe's interface."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
import requests
from django.utils import timezone
from django.utils.translation import gettext

from campaigns.models import AuditEvent
from payments.donations.services import donation_charge, donation_create, donation_start_card
from payments.figures.selectors import campaign_totals_uncached
from payments.gateway.card import get_gateway
from payments.gateway.connect import _instance
from payments.gateway.connect_fake import FakeConnectGateway
from payments.ledger.services import account_for, balance_of, escrow_account
from payments.models import (
    AccountKind,
    Dispute,
    Donation,
    DonationStatus,
    LedgerEntry,
    Refund,
    RefundStatus,
    WebhookEvent,
    WebhookStatus,
)
from payments.reconciliation.services import reconciliation_run
from payments.refunds.services import outbox_execute, refund_request
from payments.webhooks.services import webhook_process
from tests.payments.conftest import cny, event, post_signed
from tests.payments.factories import charged_but_unheard, give

pytestmark = pytest.mark.django_db
AUTH = ("sk_test_x", "")


def refunds_account():
    return account_for(kind=AccountKind.REFUNDS, currency="CNY")


def deliver(client, capture, *payloads):
    """Post signed events through the real endpoint and run what they queue; returns the codes."""
    with capture(execute=True):
        return [post_signed(client, p).status_code for p in payloads]


def inbox(event_id: str) -> WebhookEvent:
    return WebhookEvent.objects.get(event_id=event_id)


def refund_object(refund_id: str, gift: Donation, amount: int, status: str = "succeeded") -> dict:
    return {"id": refund_id, "object": "refund", "amount": amount, "currency": "cny", "status": status,
            "charge": gift.provider_charge_id, "payment_intent": gift.provider_payment_intent_id}  # fmt: skip


def reconcile(gateway=None):
    return reconciliation_run(since=timezone.now() - timedelta(hours=1), gateway=gateway)


@pytest.fixture
def localstripe_connect(stripe_api, settings):
    settings.CLEARFUND_CONNECT_GATEWAY = "payments.gateway.connect.StripeConnectGateway"
    settings.RECONCILIATION_GRACE = timedelta(0)
    _instance.cache_clear()
    yield stripe_api
    _instance.cache_clear()


@pytest.fixture
def provider_history(settings):
    """The provider's balance history for tests on the in-memory gateway."""
    settings.RECONCILIATION_GRACE = timedelta(0)
    return FakeConnectGateway()


# --- charge.refunded / refund.*: refunds made at the provider -------------------------------------
def test_a_refund_made_in_the_dashboard_reaches_the_ledger_once(localstripe_connect, client, campaign,
                                                                django_capture_on_commit_callbacks):  # fmt: skip
    # given a captured ¥300 gift, paid through localstripe
    gift = give(campaign, "300")
    assert balance_of(escrow_account(campaign)) == cny("300")

    # when someone refunds it in the provider's dashboard, and the provider sends charge.refunded
    # (twice, as it may) and refund.created, with the objects as localstripe holds them
    refund = requests.post(f"{localstripe_connect}/v1/refunds", data={"charge": gift.provider_charge_id},
                           auth=AUTH, timeout=10).json()  # fmt: skip
    charge = requests.get(
        f"{localstripe_connect}/v1/charges/{gift.provider_charge_id}", auth=AUTH, timeout=10
    ).json()
    codes = deliver(client, django_capture_on_commit_callbacks,
                    event("evt_dash_1", "charge.refunded", charge), event("evt_dash_1", "charge.refunded", charge),
                    event("evt_dash_2", "refund.created", refund))  # fmt: skip

    # then the refund is ours to account for: one row marked as made at the provider, posted once
    assert codes == [200, 200, 200]
    assert [inbox("evt_dash_1").status, inbox("evt_dash_2").status] == [WebhookStatus.PROCESSED] * 2
    row = Refund.objects.get()
    assert (row.key, row.provider_refund_id, row.status, row.amount, row.requested_by) == (
        f"refund:provider:{refund['id']}", refund["id"], RefundStatus.SUCCEEDED, cny("300"), None)  # fmt: skip
    assert LedgerEntry.objects.filter(kind="refund.issued").count() == 1
    assert (balance_of(escrow_account(campaign)), balance_of(refunds_account())) == (cny("0"), cny("300"))
    gift.refresh_from_db()
    assert (gift.refunded_minor, gift.status) == (30_000, DonationStatus.REFUNDED)
    totals = campaign_totals_uncached(campaign=campaign)
    assert (totals.raised, totals.refunded, totals.held, totals.donors) == (
        cny("300"),
        cny("300"),
        cny("0"),
        0,
    )
    assert AuditEvent.objects.filter(action="refund.provider", subject_id=str(row.pk)).count() == 1

    # and reconciliation against localstripe matches the charge and the refund, nothing left over
    run = reconcile()
    assert (run.error, run.matched, run.unmatched_provider, run.unmatched_ledger) == ("", 2, 0, 0)


def test_our_own_refund_seen_in_events_is_recognised_and_not_posted_twice(
    localstripe_connect, client, campaign, finance_officer, django_capture_on_commit_callbacks
):
    # given a ¥300 gift and a ¥100 refund asked for by finance, made through localstripe
    gift = give(campaign, "300")
    with django_capture_on_commit_callbacks(execute=True):
        ours = refund_request(donation=gift, amount=cny("100"), reason="donor asked", actor=finance_officer)
    ours.refresh_from_db()
    assert ours.status == RefundStatus.SUCCEEDED and ours.provider_refund_id.startswith("re_")

    # when the provider tells us about it
    refund = requests.get(
        f"{localstripe_connect}/v1/refunds/{ours.provider_refund_id}", auth=AUTH, timeout=10
    ).json()
    charge = requests.get(
        f"{localstripe_connect}/v1/charges/{gift.provider_charge_id}", auth=AUTH, timeout=10
    ).json()
    deliver(client, django_capture_on_commit_callbacks,
            event("evt_own_1", "refund.created", refund), event("evt_own_2", "charge.refunded", charge))  # fmt: skip

    # then it is recognised by its provider id: one refund, posted once
    assert {inbox("evt_own_1").status, inbox("evt_own_2").status} == {WebhookStatus.PROCESSED}
    assert Refund.objects.count() == 1
    assert LedgerEntry.objects.filter(kind="refund.issued").count() == 1
    assert (balance_of(escrow_account(campaign)), balance_of(refunds_account())) == (cny("200"), cny("100"))
    gift.refresh_from_db()
    assert (gift.refunded_minor, gift.status) == (10_000, DonationStatus.PARTIALLY_REFUNDED)
    run = reconcile()
    assert (run.matched, run.unmatched_provider, run.unmatched_ledger) == (2, 0, 0)


def test_an_event_about_our_refund_still_in_flight_waits_for_it(client, fake_gateway, campaign, finance_officer,
                                                                 django_capture_on_commit_callbacks):  # fmt: skip
    # given a ¥100 refund of ours that the provider made, but whose answer we never recorded
    gift = give(campaign, "300")
    with django_capture_on_commit_callbacks(execute=False):
        ours = refund_request(donation=gift, amount=cny("100"), reason="donor asked", actor=finance_officer)
    command_id = (
        ours.pk and __import__("payments.models", fromlist=["OutboxCommand"]).OutboxCommand.objects.get().pk
    )
    fake_gateway.crash_after_next("refund_create", RuntimeError("worker killed after the provider refunded"))
    with pytest.raises(RuntimeError):
        outbox_execute(command_id=command_id)
    (provider_id,) = fake_gateway.refunds

    # when the provider's charge.refunded arrives first
    deliver(
        client,
        django_capture_on_commit_callbacks,
        event("evt_race", "charge.refunded", {"id": gift.provider_charge_id}),
    )

    # then it waits (guessing could post the same money twice), and nothing more is posted
    waiting = inbox("evt_race")
    assert (waiting.status, waiting.error) == (
        WebhookStatus.WAITING, f"a refund of gift {gift.pk} we asked for has no provider id yet")  # fmt: skip
    assert LedgerEntry.objects.filter(kind="refund.issued").count() == 1

    # when our outbox retries (same key: the provider replays) and then the event is retried
    outbox_execute(command_id=command_id)
    assert webhook_process(event_pk=waiting.pk) == WebhookStatus.PROCESSED

    # then it is the same refund, posted once
    assert list(Refund.objects.values_list("provider_refund_id", flat=True)) == [provider_id]
    assert LedgerEntry.objects.filter(kind="refund.issued").count() == 1
    assert balance_of(escrow_account(campaign)) == cny("200")


def test_refund_failed_for_one_of_ours_reverses_it_once(client, fake_gateway, campaign, finance_officer,
                                                        provider_history, django_capture_on_commit_callbacks):  # fmt: skip
    # given a ¥100 refund of a ¥300 gift that succeeded
    gift = give(campaign, "300")
    with django_capture_on_commit_callbacks(execute=True):
        ours = refund_request(donation=gift, amount=cny("100"), reason="donor asked", actor=finance_officer)
    ours.refresh_from_db()
    assert balance_of(escrow_account(campaign)) == cny("200")

    # when the provider later reports it failed (refund.failed, then a late refund.updated)
    fake_gateway.refund_fails_later(ours.provider_refund_id)
    obj = refund_object(ours.provider_refund_id, gift, 10_000, status="failed")
    deliver(client, django_capture_on_commit_callbacks,
            event("evt_rf_1", "refund.failed", obj), event("evt_rf_2", "refund.updated", obj))  # fmt: skip

    # then it is reversed as our own terminal failure is: escrow whole, gift not refunded
    ours.refresh_from_db()
    assert (ours.status, ours.failure_message) == (RefundStatus.FAILED, "expired_or_canceled_card")
    assert LedgerEntry.objects.filter(key=f"{ours.key}:failed").count() == 1
    assert (balance_of(escrow_account(campaign)), balance_of(refunds_account())) == (cny("300"), cny("0"))
    gift.refresh_from_db()
    assert (gift.refunded_minor, gift.status) == (0, DonationStatus.SUCCEEDED)
    assert campaign_totals_uncached(campaign=campaign).refunded == cny("0")

    # and the provider's history (charge, refund, refund failure) reconciles
    provider_history.record("charge", gift.provider_charge_id, cny("300"))
    provider_history.record("refund", ours.provider_refund_id, -cny("100"))
    provider_history.record("refund_failure", ours.provider_refund_id, cny("100"))
    run = reconcile(provider_history)
    assert (run.matched, run.unmatched_provider, run.unmatched_ledger) == (3, 0, 0)


def test_a_dashboard_refund_that_failed_before_we_heard_of_it_nets_to_nothing(
    client, fake_gateway, campaign, provider_history, django_capture_on_commit_callbacks
):
    # given a ¥300 gift refunded in the dashboard, and that refund failing, before any event arrives
    gift = give(campaign, "300")
    refund_id = fake_gateway.dashboard_refund(cny("300"), payment_intent_id=gift.provider_payment_intent_id)
    fake_gateway.refund_fails_later(refund_id)

    # when the events arrive failure first
    deliver(client, django_capture_on_commit_callbacks,
            event("evt_late_2", "refund.failed", refund_object(refund_id, gift, 30_000, "failed")),
            event("evt_late_1", "charge.refunded", {"id": gift.provider_charge_id}),
            event("evt_late_0", "refund.created", refund_object(refund_id, gift, 30_000)))  # fmt: skip

    # then the refund is recorded, then reversed, once each: the gift keeps its money
    row = Refund.objects.get()
    assert (row.status, row.key) == (RefundStatus.FAILED, f"refund:provider:{refund_id}")
    assert LedgerEntry.objects.filter(key__startswith=row.key).count() == 2
    assert balance_of(escrow_account(campaign)) == cny("300")
    gift.refresh_from_db()
    assert (gift.refunded_minor, gift.status) == (0, DonationStatus.SUCCEEDED)
    provider_history.record("charge", gift.provider_charge_id, cny("300"))
    provider_history.record("refund", refund_id, -cny("300"))
    provider_history.record("refund_failure", refund_id, cny("300"))
    run = reconcile(provider_history)
    assert (run.matched, run.unmatched_provider, run.unmatched_ledger) == (3, 0, 0)


def test_a_refund_for_a_charge_we_do_not_know_waits(client, fake_gateway, campaign,
                                                    django_capture_on_commit_callbacks):  # fmt: skip
    fake_gateway.dashboard_refund(cny("50"), charge_id="ch_not_ours_yet")

    deliver(
        client,
        django_capture_on_commit_callbacks,
        event("evt_unknown", "charge.refunded", {"id": "ch_not_ours_yet"}),
    )

    stored = inbox("evt_unknown")
    assert (stored.status, stored.error, stored.processed_at) == (
        WebhookStatus.WAITING, "no gift for this refund's charge yet", None)  # fmt: skip
    assert not Refund.objects.exists()
    assert not LedgerEntry.objects.filter(kind="refund.issued").exists()


def test_a_dashboard_refund_after_release_is_fronted_by_the_platform_and_alerts_finance(
    client, fake_gateway, verifier, finance_officer, provider_history, django_capture_on_commit_callbacks
):
    from payments.releases.services import release_approve
    from tests.builders import verified_milestone
    from tests.verification.factories import BeneficiaryFactory, captured_donation

    # given a ¥500 gift of which ¥300 was released to the hospital (¥200 still held)
    beneficiary = BeneficiaryFactory(verified_by=verifier)
    campaign = beneficiary.campaign
    gift = captured_donation(campaign, 50_000)
    milestone = verified_milestone(beneficiary=beneficiary, verifier=verifier, minor=30_000)
    release_approve(release=milestone.release, actor=finance_officer)
    escrow = escrow_account(campaign)
    assert balance_of(escrow) == cny("200")

    # when the whole ¥500 is refunded in the provider's dashboard
    refund_id = fake_gateway.dashboard_refund(cny("500"), charge_id=gift.provider_charge_id)
    codes = deliver(client, django_capture_on_commit_callbacks,
                    event("evt_after_release", "charge.refunded", {"id": gift.provider_charge_id}))  # fmt: skip

    # then escrow gives the gift's ¥200 and goes no lower; the platform fronts ¥300 to recover
    assert codes == [200]
    assert inbox("evt_after_release").status == WebhookStatus.PROCESSED
    receivable = account_for(kind=AccountKind.PLATFORM_RECEIVABLE, currency="CNY", campaign=campaign)
    assert (balance_of(escrow), balance_of(receivable), balance_of(refunds_account())) == (
        cny("0"), cny("-300"), cny("500"))  # fmt: skip
    row = Refund.objects.get()
    assert (row.provider_refund_id, row.status) == (refund_id, RefundStatus.SUCCEEDED)
    alert = AuditEvent.objects.get(action="refund.uncovered")
    assert (alert.subject_id, alert.data["uncovered_minor"], alert.data["campaign"]) == (
        str(row.pk), 30_000, campaign.pk)  # fmt: skip
    gift.refresh_from_db()
    # the donor got it all back: refunded in full
    assert (gift.refunded_minor, gift.status) == (50_000, DonationStatus.REFUNDED)

    # and the figures say so: refunded in full, ¥300 to recover, paid stays paid, nothing held
    from payments.allocation.services import breakdown_of

    parts = breakdown_of(gift)
    assert (parts.held, parts.released, parts.refunded, parts.to_recover) == (
        cny("0"), cny("300"), cny("500"), cny("300"))  # fmt: skip
    totals = campaign_totals_uncached(campaign=campaign)
    assert (totals.refunded, totals.to_recover, totals.held, totals.donors) == (
        cny("500"),
        cny("300"),
        cny("0"),
        0,
    )

    # and reconciliation sees the whole ¥500 refund in the ledger
    provider_history.record("charge", gift.provider_charge_id, cny("500"))
    provider_history.record("refund", refund_id, -cny("500"))
    run = reconcile(provider_history)
    assert (run.matched, run.unmatched_provider, run.unmatched_ledger) == (2, 0, 0)

    # when that refund fails at the provider after all, everything goes back where it was
    fake_gateway.refund_fails_later(refund_id)
    deliver(client, django_capture_on_commit_callbacks, event("evt_after_release_failed", "refund.failed",
            {"id": refund_id, "object": "refund", "status": "failed"}))  # fmt: skip
    assert (balance_of(escrow), balance_of(receivable), balance_of(refunds_account())) == (
        cny("200"), cny("0"), cny("0"))  # fmt: skip
    gift.refresh_from_db()
    assert (gift.refunded_minor, gift.status) == (0, DonationStatus.SUCCEEDED)


def test_finance_sees_refunds_to_recover_in_the_admin(client, fake_gateway, verifier, finance_officer,
                                                      django_capture_on_commit_callbacks):  # fmt: skip
    from django.contrib.auth.models import Permission
    from django.urls import reverse

    from payments.releases.services import release_approve
    from tests.builders import verified_milestone
    from tests.verification.factories import BeneficiaryFactory, captured_donation

    beneficiary = BeneficiaryFactory(verified_by=verifier)
    gift = captured_donation(beneficiary.campaign, 30_000)
    release_approve(release=verified_milestone(beneficiary=beneficiary, verifier=verifier, minor=30_000).release,
                    actor=finance_officer)  # fmt: skip
    fake_gateway.dashboard_refund(cny("300"), charge_id=gift.provider_charge_id)
    deliver(
        client,
        django_capture_on_commit_callbacks,
        event("evt_adm", "charge.refunded", {"id": gift.provider_charge_id}),
    )
    finance_officer.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(finance_officer)

    page = client.get(reverse("refunds_to_recover:index"))

    assert page.status_code == 200
    body = page.content.decode()
    table = body[body.find('<table class="listing') :]
    table = table[: table.find("</table>")]
    assert "Refunded at the payment provider" in table
    assert table.count("<td >\n    ¥300\n</td>") == 2  # the amount, and as much to recover


# --- disputes --------------------------------------------------------------------------------------
def dispute(gift, status: str, n: int, type_: str) -> dict:
    return event(f"evt_dp_{gift.pk}_{n}", type_, {
        "id": f"dp_{gift.pk}", "object": "dispute", "amount": gift.amount_minor, "currency": "cny",
        "charge": gift.provider_charge_id, "payment_intent": gift.provider_payment_intent_id,
        "reason": "fraudulent", "status": status})  # fmt: skip


def dispute_accounts(campaign):
    return tuple(balance_of(a) for a in (
        escrow_account(campaign),
        account_for(kind=AccountKind.DISPUTED, currency="CNY", campaign=campaign),
        account_for(kind=AccountKind.DISPUTE_LOSSES, currency="CNY", campaign=campaign)))  # fmt: skip


def test_a_won_dispute_in_any_order_holds_then_returns_the_money_once(client, fake_gateway, campaign,
                                                                      provider_history,
                                                                      django_capture_on_commit_callbacks):  # fmt: skip
    gift = give(campaign, "500")
    # the provider's events, delivered out of order and with a repeat
    codes = deliver(client, django_capture_on_commit_callbacks,
                    dispute(gift, "under_review", 3, "charge.dispute.updated"),
                    dispute(gift, "won", 5, "charge.dispute.funds_reinstated"),
                    dispute(gift, "needs_response", 1, "charge.dispute.created"),
                    dispute(gift, "needs_response", 2, "charge.dispute.funds_withdrawn"),
                    dispute(gift, "won", 4, "charge.dispute.closed"),
                    dispute(gift, "won", 4, "charge.dispute.closed"))  # fmt: skip

    assert codes == [200] * 6
    assert set(WebhookEvent.objects.values_list("status", flat=True)) == {WebhookStatus.PROCESSED}
    assert Dispute.objects.get().status == "won"
    assert dispute_accounts(campaign) == (cny("500"), cny("0"), cny("0"))
    assert LedgerEntry.objects.filter(kind__startswith="dispute.").count() == 2  # opened, won: once each
    gift.refresh_from_db()
    assert gift.status == DonationStatus.SUCCEEDED
    provider_history.record("charge", gift.provider_charge_id, cny("500"))
    provider_history.record("adjustment", f"dp_{gift.pk}", -cny("500"))
    provider_history.record("adjustment", f"dp_{gift.pk}", cny("500"))
    run = reconcile(provider_history)
    assert (run.matched, run.unmatched_provider, run.unmatched_ledger) == (3, 0, 0)


def test_a_lost_dispute_stays_lost_whatever_arrives_after(client, fake_gateway, campaign, provider_history,
                                                          django_capture_on_commit_callbacks):  # fmt: skip
    gift = give(campaign, "500")

    deliver(client, django_capture_on_commit_callbacks,
            dispute(gift, "needs_response", 1, "charge.dispute.created"),
            dispute(gift, "lost", 3, "charge.dispute.closed"),
            dispute(gift, "under_review", 2, "charge.dispute.updated"))  # fmt: skip

    assert Dispute.objects.get().status == "lost"
    assert dispute_accounts(campaign) == (cny("0"), cny("0"), cny("500"))
    gift.refresh_from_db()
    assert gift.status == DonationStatus.CHARGED_BACK
    provider_history.record("charge", gift.provider_charge_id, cny("500"))
    provider_history.record("adjustment", f"dp_{gift.pk}", -cny("500"))
    run = reconcile(provider_history)
    assert (run.matched, run.unmatched_provider, run.unmatched_ledger) == (2, 0, 0)


def test_a_chargeback_after_release_is_fronted_by_the_platform_and_reconciles(
    client, fake_gateway, verifier, finance_officer, provider_history, django_capture_on_commit_callbacks
):
    from django.contrib.auth.models import Permission
    from django.urls import reverse

    from payments.allocation.services import breakdown_of
    from payments.releases.services import release_approve
    from tests.builders import verified_milestone
    from tests.verification.factories import BeneficiaryFactory, captured_donation

    # given a ¥500 gift of which ¥300 was released to the hospital (¥200 still held), and another
    # donor's ¥400 still in escrow
    beneficiary = BeneficiaryFactory(verified_by=verifier)
    campaign = beneficiary.campaign
    gift = captured_donation(campaign, 50_000)
    other = captured_donation(campaign, 40_000, email="other@example.com")
    release_approve(release=verified_milestone(beneficiary=beneficiary, verifier=verifier, minor=30_000).release,
                    actor=finance_officer)  # fmt: skip
    escrow = escrow_account(campaign)
    receivable = account_for(kind=AccountKind.PLATFORM_RECEIVABLE, currency="CNY", campaign=campaign)
    assert balance_of(escrow) == cny("600")

    # when the card-holder's bank disputes the whole ¥500 (events out of order)
    codes = deliver(client, django_capture_on_commit_callbacks,
                    dispute(gift, "needs_response", 2, "charge.dispute.funds_withdrawn"),
                    dispute(gift, "needs_response", 1, "charge.dispute.created"))  # fmt: skip

    # then the gift's own ¥200 comes from escrow, the platform fronts the released ¥300, the other
    # donor's ¥400 stays in escrow, and finance is alerted
    assert codes == [200, 200]
    assert dispute_accounts(campaign) == (cny("400"), cny("500"), cny("0"))
    assert balance_of(receivable) == cny("-300")
    assert AuditEvent.objects.get(action="dispute.uncovered").data["uncovered_minor"] == 30_000
    parts = breakdown_of(gift)
    assert (parts.held, parts.released, parts.disputed, parts.to_recover) == (
        cny("0"), cny("300"), cny("500"), cny("300"))  # fmt: skip
    totals = campaign_totals_uncached(campaign=campaign)
    assert (totals.held, totals.disputed, totals.to_recover, totals.donors) == (
        cny("400"),
        cny("500"),
        cny("300"),
        1,
    )

    # and finance sees what to recover in the disputes list
    finance_officer.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(finance_officer)
    page = client.get(reverse("disputes:index"))
    assert page.status_code == 200
    table = page.content.decode().split('<table class="listing', 1)[1].split("</table>", 1)[0]
    assert "¥500" in table and "¥300" in table

    # when the bank decides for the card-holder
    deliver(client, django_capture_on_commit_callbacks, dispute(gift, "lost", 3, "charge.dispute.closed"))

    # then the ¥500 is lost, the fronted ¥300 stays to recover, and escrow is untouched
    assert dispute_accounts(campaign) == (cny("400"), cny("0"), cny("500"))
    assert balance_of(receivable) == cny("-300")
    gift.refresh_from_db()
    assert gift.status == DonationStatus.CHARGED_BACK

    # and reconciliation matches the withdrawal with the whole dispute entry: nothing unmatched
    provider_history.record("charge", gift.provider_charge_id, cny("500"))
    provider_history.record("charge", other.provider_charge_id, cny("400"))
    provider_history.record("adjustment", f"dp_{gift.pk}", -cny("500"))
    run = reconcile(provider_history)
    assert (run.matched, run.unmatched_provider, run.unmatched_ledger) == (3, 0, 0)


def test_a_chargeback_after_release_won_gives_the_platform_back_what_it_fronted(
    client, fake_gateway, verifier, finance_officer, provider_history, django_capture_on_commit_callbacks
):
    from payments.releases.services import release_approve
    from tests.builders import verified_milestone
    from tests.verification.factories import BeneficiaryFactory, captured_donation

    beneficiary = BeneficiaryFactory(verified_by=verifier)
    campaign = beneficiary.campaign
    gift = captured_donation(campaign, 50_000)
    release_approve(release=verified_milestone(beneficiary=beneficiary, verifier=verifier, minor=30_000).release,
                    actor=finance_officer)  # fmt: skip

    deliver(client, django_capture_on_commit_callbacks,
            dispute(gift, "needs_response", 1, "charge.dispute.created"),
            dispute(gift, "won", 2, "charge.dispute.closed"),
            dispute(gift, "won", 2, "charge.dispute.closed"))  # fmt: skip

    receivable = account_for(kind=AccountKind.PLATFORM_RECEIVABLE, currency="CNY", campaign=campaign)
    assert dispute_accounts(campaign) == (cny("200"), cny("0"), cny("0"))
    assert balance_of(receivable) == cny("0")
    assert campaign_totals_uncached(campaign=campaign).to_recover == cny("0")
    provider_history.record("charge", gift.provider_charge_id, cny("500"))
    provider_history.record("adjustment", f"dp_{gift.pk}", -cny("500"))
    provider_history.record("adjustment", f"dp_{gift.pk}", cny("500"))
    run = reconcile(provider_history)
    assert (run.matched, run.unmatched_provider, run.unmatched_ledger) == (3, 0, 0)


def test_an_inquiry_closed_without_chargeback_returns_the_hold(client, fake_gateway, campaign,
                                                               django_capture_on_commit_callbacks):  # fmt: skip
    gift = give(campaign, "500")

    deliver(client, django_capture_on_commit_callbacks,
            dispute(gift, "warning_needs_response", 1, "charge.dispute.created"))  # fmt: skip
    assert dispute_accounts(campaign) == (cny("0"), cny("500"), cny("0"))
    deliver(
        client,
        django_capture_on_commit_callbacks,
        dispute(gift, "warning_closed", 2, "charge.dispute.closed"),
    )

    assert dispute_accounts(campaign) == (cny("500"), cny("0"), cny("0"))
    gift.refresh_from_db()
    assert gift.status == DonationStatus.SUCCEEDED


# --- payment intents and card setups ---------------------------------------------------------------
def test_a_payment_cancelled_at_the_provider_fails_the_gift_and_the_donor_can_give_again(
    client, fake_gateway, campaign, provider_history, django_capture_on_commit_callbacks
):
    # given a gift whose payment the provider cancelled (we never heard back)
    gift = give(campaign, "80", payment_method="pm_card_authenticationRequired")
    assert gift.status == DonationStatus.REQUIRES_ACTION
    intent_id = gift.provider_payment_intent_id
    fake_gateway.intents[intent_id]["status"] = "canceled"

    deliver(client, django_capture_on_commit_callbacks,
            event("evt_cancel", "payment_intent.canceled", {"id": intent_id, "status": "canceled"}))  # fmt: skip

    gift.refresh_from_db()
    assert (gift.status, gift.failure_message) == (
        DonationStatus.FAILED,
        gettext("The payment did not go through."),
    )
    assert inbox("evt_cancel").status == WebhookStatus.PROCESSED
    assert not LedgerEntry.objects.exists()

    # when the donor tries again, the gift goes through once
    donation_start_card(donation=gift)
    gift.refresh_from_db()
    get_gateway().setup_intent_confirm(gift.provider_setup_intent_id, "pm_card_visa")
    assert donation_charge(donation=gift).status == "succeeded"
    assert balance_of(escrow_account(campaign)) == cny("80")
    # the cancelled payment moved nothing; the new one reconciles with its charge
    gift.refresh_from_db()
    provider_history.record("charge", gift.provider_charge_id, cny("80"))
    run = reconcile(provider_history)
    assert (run.matched, run.unmatched_provider, run.unmatched_ledger) == (1, 0, 0)


def test_processing_then_succeeded_captures_the_gift_once(client, fake_gateway, campaign, provider_history,
                                                          django_capture_on_commit_callbacks):  # fmt: skip
    gift = charged_but_unheard(campaign, "90", email="a@example.cn")
    intent = fake_gateway.intents[gift._intent_id]
    intent["status"], charge = "processing", intent["charge"]
    obj = {"id": gift._intent_id, "metadata": {"donation_id": str(gift.public_id)}}

    deliver(client, django_capture_on_commit_callbacks, event("evt_proc", "payment_intent.processing", obj))
    gift.refresh_from_db()
    assert (gift.status, gift.captured_at) == (DonationStatus.PROCESSING, None)
    assert inbox("evt_proc").status == WebhookStatus.PROCESSED

    intent["status"], intent["charge"] = "succeeded", charge
    deliver(client, django_capture_on_commit_callbacks, event("evt_ok", "payment_intent.succeeded", obj),
            event("evt_proc_late", "payment_intent.processing", obj))  # fmt: skip

    gift.refresh_from_db()
    assert gift.status == DonationStatus.SUCCEEDED
    assert LedgerEntry.objects.filter(kind="donation.captured").count() == 1
    assert balance_of(escrow_account(campaign)) == cny("90")
    provider_history.record("charge", charge, cny("90"))
    run = reconcile(provider_history)
    assert (run.matched, run.unmatched_provider, run.unmatched_ledger) == (1, 0, 0)


def test_a_failed_card_setup_shows_on_the_gift_and_the_donor_can_retry(client, fake_gateway, campaign,
                                                                       django_capture_on_commit_callbacks):  # fmt: skip
    # given a gift waiting for its card
    gift = donation_create(campaign=campaign, amount=cny("120"), email="a@example.cn", attempt=uuid.uuid4())
    donation_start_card(donation=gift)
    gift.refresh_from_db()
    setup_id = gift.provider_setup_intent_id

    # when the provider reports the card setup failed
    deliver(client, django_capture_on_commit_callbacks, event("evt_setup_fail", "setup_intent.setup_failed", {
        "id": setup_id, "object": "setup_intent", "status": "requires_payment_method",
        "last_setup_error": {"code": "card_declined", "message": "Your card was declined."}}))  # fmt: skip

    # then the gift shows the failure
    gift.refresh_from_db()
    assert (gift.status, gift.failure_message) == (DonationStatus.FAILED, "Your card was declined.")
    assert gift.events.last().note == f"card setup {setup_id} failed"

    # and the donor can try again with another card
    donation_start_card(donation=gift)
    gift.refresh_from_db()
    assert gift.provider_setup_intent_id != setup_id
    get_gateway().setup_intent_confirm(gift.provider_setup_intent_id, "pm_card_visa")
    assert donation_charge(donation=gift).status == "succeeded"
    gift.refresh_from_db()
    assert (gift.status, gift.failure_message) == (DonationStatus.SUCCEEDED, "")


def test_a_late_setup_failure_after_the_donor_saved_a_card_changes_nothing(client, fake_gateway, campaign,
                                                                           django_capture_on_commit_callbacks):  # fmt: skip
    gift = donation_create(campaign=campaign, amount=cny("120"), email="a@example.cn", attempt=uuid.uuid4())
    donation_start_card(donation=gift)
    gift.refresh_from_db()
    get_gateway().setup_intent_confirm(gift.provider_setup_intent_id, "pm_card_visa")  # the retry in the page

    deliver(client, django_capture_on_commit_callbacks, event("evt_setup_late", "setup_intent.setup_failed", {
        "id": gift.provider_setup_intent_id, "last_setup_error": {"message": "Your card was declined."}}))  # fmt: skip

    gift.refresh_from_db()
    assert (gift.status, gift.failure_message) == (DonationStatus.AWAITING_CARD, "")
    assert donation_charge(donation=gift).status == "succeeded"
