"""Signed in, a donor manages their monthly gifts through the plan's state table (issue #12):
change the amount, pause, resume, cancel; never another donor's."""

from __future__ import annotations

from datetime import date

import pytest

from campaigns.models import AuditEvent
from campaigns.state_tables import TransitionNotAllowed
from payments.donations.monthly import monthly_plan_resume, monthly_renewals_run, next_month, plan_anchor_day
from payments.donor_accounts.services import SESSION_KEY
from payments.models import Donation, MonthlyPlan, MonthlyPlanStatus
from tests.builders import gift

pytestmark = pytest.mark.django_db


def _sign_in(client, donor):
    session = client.session
    session[SESSION_KEY] = {"d": donor.pk, "v": donor.link_version}
    session.save()


@pytest.fixture
def plan(campaign):
    first = gift(campaign, 10_000, email="monthly@example.cn", frequency="monthly")
    return MonthlyPlan.objects.get(donor=first.donor)


def _act(client, plan, action, **data):
    return client.post(f"/en/payments/account/monthly/{plan.pk}/{action}/", data)


def test_a_paused_gift_is_not_charged_and_resumes_without_charging_missed_months(client, plan):
    _sign_in(client, plan.donor)

    assert _act(client, plan, "pause").status_code == 302
    plan.refresh_from_db()
    assert plan.status == MonthlyPlanStatus.PAUSED

    # the renewal day passes while paused: nothing is charged
    due = plan.next_charge_on
    assert monthly_renewals_run(today=due) == {}
    assert Donation.objects.filter(monthly_plan=plan).count() == 1

    # resumed a month later: the next renewal is the first anchor day after that, not the missed one
    later = next_month(due, plan_anchor_day(plan))
    monthly_plan_resume(plan=plan, donor=plan.donor, today=later)
    plan.refresh_from_db()
    assert plan.status == MonthlyPlanStatus.ACTIVE
    assert plan.next_charge_on == next_month(later, plan_anchor_day(plan))


def test_resume_through_the_account_makes_the_gift_active_again(client, plan):
    _sign_in(client, plan.donor)
    _act(client, plan, "pause")

    response = _act(client, plan, "resume")

    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.status == MonthlyPlanStatus.ACTIVE
    assert plan.next_charge_on > date.today()


def test_the_new_amount_is_what_the_next_renewal_charges(client, plan, fake_gateway):
    _sign_in(client, plan.donor)

    response = _act(client, plan, "amount", amount="250")

    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.amount_minor == 25_000
    assert AuditEvent.objects.filter(action="monthly.amount_changed").count() == 1
    assert monthly_renewals_run(today=plan.next_charge_on) == {"succeeded": 1}
    renewal = Donation.objects.filter(monthly_plan=plan).order_by("-created_at").first()
    assert renewal.amount_minor == 25_000


@pytest.mark.parametrize("amount", ["1", "abc", ""])
def test_an_amount_under_the_minimum_or_not_an_amount_is_a_400_and_changes_nothing(client, plan, amount):
    _sign_in(client, plan.donor)

    response = _act(client, plan, "amount", amount=amount)

    assert response.status_code == 400
    plan.refresh_from_db()
    assert plan.amount_minor == 10_000
    assert not AuditEvent.objects.filter(action="monthly.amount_changed").exists()


def test_a_cancelled_gift_cannot_be_resumed(client, plan):
    _sign_in(client, plan.donor)
    assert _act(client, plan, "cancel").status_code == 302

    response = _act(client, plan, "resume")

    assert response.status_code == 400
    plan.refresh_from_db()
    assert plan.status == MonthlyPlanStatus.CANCELLED


def test_another_donors_monthly_gift_is_not_found_and_unchanged(client, plan, campaign):
    other = gift(campaign, 10_000, email="other@example.cn")
    _sign_in(client, other.donor)

    for action in ("pause", "cancel", "amount"):
        assert _act(client, plan, action, amount="500").status_code == 404
    plan.refresh_from_db()
    assert (plan.status, plan.amount_minor) == (MonthlyPlanStatus.ACTIVE, 10_000)


def test_without_a_donor_session_nothing_changes(client, plan):
    assert _act(client, plan, "pause").status_code == 404
    plan.refresh_from_db()
    assert plan.status == MonthlyPlanStatus.ACTIVE


def test_a_new_card_confirmed_on_its_setup_becomes_the_card_renewals_charge(client, plan, fake_gateway):
    _sign_in(client, plan.donor)
    old_card = plan.provider_payment_method_id

    # when the page starts a card setup and the browser confirms a new card on it
    started = client.post(f"/en/payments/account/monthly/{plan.pk}/card/start/")
    assert started.status_code == 200
    plan.refresh_from_db()
    assert started.json()["client_secret"] == f"{plan.card_setup_intent_id}_secret_x"
    fake_gateway.setup_intent_confirm(plan.card_setup_intent_id, "pm_card_mastercard")
    finished = client.post(f"/en/payments/account/monthly/{plan.pk}/card/finish/")

    # then the plan charges the new card
    assert finished.status_code == 200
    plan.refresh_from_db()
    assert (plan.provider_payment_method_id, plan.card_setup_intent_id) == ("pm_card_mastercard", "")
    assert old_card != "pm_card_mastercard"
    assert AuditEvent.objects.filter(action="monthly.card_updated").count() == 1


def test_a_card_setup_not_confirmed_leaves_the_old_card(client, plan, fake_gateway):
    _sign_in(client, plan.donor)
    old_card = plan.provider_payment_method_id
    client.post(f"/en/payments/account/monthly/{plan.pk}/card/start/")

    response = client.post(f"/en/payments/account/monthly/{plan.pk}/card/finish/")

    assert response.status_code == 400
    plan.refresh_from_db()
    assert plan.provider_payment_method_id == old_card
    assert not AuditEvent.objects.filter(action="monthly.card_updated").exists()


def test_another_donor_cannot_start_a_card_setup_on_a_plan(client, plan, campaign, fake_gateway):
    other = gift(campaign, 10_000, email="other@example.cn")
    _sign_in(client, other.donor)

    response = client.post(f"/en/payments/account/monthly/{plan.pk}/card/start/")

    assert response.status_code == 404
    plan.refresh_from_db()
    assert plan.card_setup_intent_id == ""


def _past_due(plan, fake_gateway):
    """A renewal the card refuses: the plan is past due with one failure (review finding 11)."""
    MonthlyPlan.objects.filter(pk=plan.pk).update(provider_payment_method_id="pm_card_chargeCustomerFail")
    assert monthly_renewals_run(today=plan.next_charge_on) == {"failed": 1}
    plan.refresh_from_db()
    assert (plan.status, plan.failures) == (MonthlyPlanStatus.PAST_DUE, 1)
    return plan


def test_resume_is_refused_on_a_past_due_gift_and_its_failures_are_kept(client, plan, fake_gateway):
    plan = _past_due(plan, fake_gateway)
    _sign_in(client, plan.donor)

    response = _act(client, plan, "resume")

    assert response.status_code == 400
    plan.refresh_from_db()
    assert (plan.status, plan.failures) == (MonthlyPlanStatus.PAST_DUE, 1)


def test_resume_is_refused_on_a_running_gift_and_its_renewal_day_is_kept(client, plan):
    _sign_in(client, plan.donor)
    due = plan.next_charge_on

    with pytest.raises(TransitionNotAllowed):
        monthly_plan_resume(plan=plan, donor=plan.donor, today=due)
    plan.refresh_from_db()
    assert (plan.status, plan.next_charge_on) == (MonthlyPlanStatus.ACTIVE, due)


def test_pausing_and_resuming_a_past_due_gift_keeps_its_failures(client, plan, fake_gateway, settings):
    plan = _past_due(plan, fake_gateway)
    _sign_in(client, plan.donor)

    assert _act(client, plan, "pause").status_code == 302
    assert _act(client, plan, "resume").status_code == 302

    plan.refresh_from_db()
    # still one failure away from lapsing sooner: the card that keeps failing is not retried forever
    assert (plan.status, plan.failures) == (MonthlyPlanStatus.PAST_DUE, 1)


@pytest.mark.parametrize("amount", ["1000000.01", "999999999999.99"])
def test_an_amount_over_the_largest_gift_is_a_400_and_changes_nothing(client, plan, amount):
    _sign_in(client, plan.donor)

    response = _act(client, plan, "amount", amount=amount)

    assert response.status_code == 400
    assert "For gifts this large, please contact us." in response.content.decode()
    plan.refresh_from_db()
    assert plan.amount_minor == 10_000
    assert not AuditEvent.objects.filter(action="monthly.amount_changed").exists()
