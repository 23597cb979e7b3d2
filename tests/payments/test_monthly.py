"""Monthly gifts: the plan, renewals off-session, failures told to the donor, cancel."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from payments.donations.donor_links import donor_page_url
from payments.donations.monthly import monthly_renewals_run, next_month
from payments.ledger.services import balance_of, escrow_account
from payments.models import Donation, MonthlyPlan, MonthlyPlanStatus
from tests.payments.conftest import cny
from tests.payments.factories import give
from tests.verification.factories import BeneficiaryFactory, MilestoneFactory

pytestmark = pytest.mark.django_db


def test_next_month_clamps_to_the_month_length():
    assert next_month(date(2027, 1, 31), 31) == date(2027, 2, 28)
    assert next_month(date(2027, 2, 28), 31) == date(2027, 3, 31)
    assert next_month(date(2027, 12, 15), 15) == date(2028, 1, 15)


def test_first_monthly_gift_starts_a_plan_and_renewal_charges_once(fake_gateway, campaign, mailoutbox,
                                                                   django_capture_on_commit_callbacks):  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        give(campaign, "50", frequency="monthly")
    plan = MonthlyPlan.objects.get()
    assert (plan.amount, plan.status) == (cny("50"), MonthlyPlanStatus.ACTIVE)
    due = plan.next_charge_on

    with django_capture_on_commit_callbacks(execute=True):
        assert monthly_renewals_run(today=due) == {"succeeded": 1}
        assert monthly_renewals_run(today=due) == {}  # already moved on: nothing twice

    plan.refresh_from_db()
    assert plan.next_charge_on > due
    assert Donation.objects.filter(monthly_plan=plan).count() == 2
    assert balance_of(escrow_account(campaign)) == cny("100")
    assert len(mailoutbox) == 2  # two receipts


def test_failed_renewals_are_retried_told_and_lapse(fake_gateway, campaign, mailoutbox, settings,
                                                    django_capture_on_commit_callbacks):  # fmt: skip
    give(campaign, "50", frequency="monthly")
    plan = MonthlyPlan.objects.get()
    MonthlyPlan.objects.filter(pk=plan.pk).update(provider_payment_method_id="pm_card_chargeCustomerFail")
    day = plan.next_charge_on
    mailoutbox.clear()

    for _ in range(settings.PAYMENTS_MONTHLY_MAX_FAILURES):
        with django_capture_on_commit_callbacks(execute=True):
            assert monthly_renewals_run(today=day) == {"failed": 1}
        plan.refresh_from_db()
        assert plan.next_charge_on == day + timedelta(days=settings.PAYMENTS_MONTHLY_RETRY_DAYS)
        day = plan.next_charge_on

    assert (plan.status, plan.failures) == (MonthlyPlanStatus.LAPSED, 3)
    # donor e-mails go out in the site's default language (Chinese): "Your monthly gift has stopped"
    assert [m.subject for m in mailoutbox][-1] == "您的月捐已停止"
    assert len(mailoutbox) == 3
    assert monthly_renewals_run(today=day + timedelta(days=40)) == {}
    assert balance_of(escrow_account(campaign)) == cny("50")


def test_donor_cancels_from_the_signed_page_in_one_click(client, fake_gateway, campaign,
                                                         django_capture_on_commit_callbacks):  # fmt: skip
    gift = give(campaign, "50", frequency="monthly", email="zhao.lei@example.cn")
    plan = MonthlyPlan.objects.get()
    url = donor_page_url(gift.donor, absolute=False)  # the default-language link the e-mails carry
    assert url.startswith("/payments/donor/")

    page = client.get(url)
    assert page.status_code == 200
    assert "停止这笔月捐" in page.content.decode()  # "Stop this monthly gift"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"{url}monthly/{plan.pk}/cancel/")

    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.status == MonthlyPlanStatus.CANCELLED
    assert monthly_renewals_run(today=timezone.localdate() + timedelta(days=40)) == {}


def test_a_monthly_gift_ends_with_its_campaign_and_the_donor_is_told_once(
    fake_gateway, campaign, mailoutbox, django_capture_on_commit_callbacks
):
    # given a running monthly gift to a campaign whose deadline passes before the next renewal
    give(campaign, "50", frequency="monthly")
    plan = MonthlyPlan.objects.get()
    campaign.deadline = plan.next_charge_on - timedelta(days=1)
    campaign.save(update_fields=["deadline"])
    mailoutbox.clear()

    # when renewals run on the due day, twice
    with django_capture_on_commit_callbacks(execute=True):
        assert monthly_renewals_run(today=plan.next_charge_on) == {"ended": 1}
    with django_capture_on_commit_callbacks(execute=True):
        assert monthly_renewals_run(today=plan.next_charge_on) == {}

    # then the plan has ended, nothing was charged, and the donor got one notice
    plan.refresh_from_db()
    assert plan.status == MonthlyPlanStatus.ENDED
    assert Donation.objects.filter(monthly_plan=plan).count() == 1
    assert balance_of(escrow_account(campaign)) == cny("50")
    assert [m.subject for m in mailoutbox] == ["您的月捐已随项目结束"]


def test_a_monthly_gift_to_a_paused_campaign_waits_instead_of_ending(fake_gateway, campaign, settings):
    # given a running plan, and a campaign whose outcome evidence is overdue (gifts paused, not closed)
    give(campaign, "50", frequency="monthly")
    plan = MonthlyPlan.objects.get()
    MilestoneFactory(
        beneficiary=BeneficiaryFactory(campaign=campaign),
        due_date=plan.next_charge_on - timedelta(days=settings.EVIDENCE_OVERDUE_DAYS + 1),
    )

    # when the renewal is due, it is skipped and the plan keeps running for when gifts resume
    assert monthly_renewals_run(today=plan.next_charge_on) == {"skipped": 1}
    plan.refresh_from_db()
    assert plan.status == MonthlyPlanStatus.ACTIVE
    assert Donation.objects.filter(monthly_plan=plan).count() == 1
