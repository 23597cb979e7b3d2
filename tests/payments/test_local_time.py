"""Time is local (issue #9 §6, ADR 0004): every date a person sees and every schedule is in the
site's time zone (Asia/Shanghai, UTC+8), and rules that depend on time are checked at the moment
of action. The clock is set at the midnight boundaries: 23:30 UTC is 07:30 the next day in
Beijing, 16:30 UTC is 00:30 the next day in Beijing."""

import os
import subprocess
import sys
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from django.utils import timezone, translation

from campaigns.models import CampaignStatus, FundingModel
from campaigns.site_time import site_date, site_today, site_year_bounds
from campaigns.verification.selectors import campaign_accepts_donations, campaign_gift_refusal
from payments.donations.monthly import monthly_renewals_run
from payments.donations.selectors import wall_of_support
from payments.donations.services import DonationNotPossible, donation_charge, donation_create
from payments.ledger.services import balance_of, escrow_account
from payments.models import Donation, DonationStatus, MonthlyPlan
from tests.factories import CampaignFactory
from tests.payments.conftest import cny
from tests.payments.factories import give

pytestmark = pytest.mark.django_db


class Clock:
    """``timezone.now()`` (and so ``auto_now``, ``localdate``, ``site_today``) at a fixed instant."""

    def __init__(self, monkeypatch) -> None:
        self.now = datetime(2026, 1, 1, tzinfo=UTC)
        monkeypatch.setattr(timezone, "now", lambda: self.now)

    def set(self, iso_utc: str) -> None:
        self.now = datetime.fromisoformat(iso_utc).replace(tzinfo=UTC)


@pytest.fixture
def clock(monkeypatch):
    return Clock(monkeypatch)


def aon_campaign(*, deadline: date):
    return CampaignFactory(status=CampaignStatus.LIVE, funding_model=FundingModel.ALL_OR_NOTHING,
                           goal_minor=100_000, min_donation_minor=1000, deadline=deadline)  # fmt: skip


# --- the site's zone ------------------------------------------------------------------------------


def test_site_dates_at_the_midnight_boundary(clock):
    clock.set("2026-01-14T15:30:00")  # 23:30 in Beijing
    assert site_today() == date(2026, 1, 14)
    clock.set("2026-01-14T16:30:00")  # 00:30 in Beijing, still the 14th in UTC
    assert site_today() == date(2026, 1, 15)
    assert site_date(datetime(2025, 12, 31, 16, 30, tzinfo=UTC)) == date(2026, 1, 1)
    start, end = site_year_bounds(2026)
    assert (start, end) == (datetime(2025, 12, 31, 16, tzinfo=UTC), datetime(2026, 12, 31, 16, tzinfo=UTC))


def test_time_zone_is_a_setting_read_from_the_environment():
    # given CLEARFUND_TIME_ZONE in the environment, when the settings load, then it is the site's zone
    root = Path(__file__).resolve().parents[2]
    code = "import django; django.setup(); from django.conf import settings as s; print(s.TIME_ZONE, s.CELERY_TIMEZONE)"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "CLEARFUND_TIME_ZONE": "Asia/Urumqi",
    }
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=root, env=env, capture_output=True, text=True, check=True
    )
    assert out.stdout.split() == ["Asia/Urumqi", "Asia/Urumqi"]
    del env["CLEARFUND_TIME_ZONE"]
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=root, env=env, capture_output=True, text=True, check=True
    )
    assert out.stdout.split() == ["Asia/Shanghai", "Asia/Shanghai"]


# --- monthly renewal day --------------------------------------------------------------------------


def test_monthly_gift_started_15_january_0700_beijing_renews_on_the_15th(fake_gateway, campaign, clock):
    # given a monthly gift captured on 15 January at 07:00 Beijing time (14 January 23:00 UTC)
    clock.set("2026-01-14T23:00:00")
    give(campaign, "50", frequency="monthly")
    plan = MonthlyPlan.objects.get()
    assert plan.next_charge_on == date(2026, 2, 15)

    # when the renewals run on 15 February and 15 March (the job's site-time date)
    clock.set("2026-02-15T01:00:00")
    assert monthly_renewals_run() == {"succeeded": 1}
    plan.refresh_from_db()
    first_renewal = plan.next_charge_on
    clock.set("2026-03-15T01:00:00")
    assert monthly_renewals_run() == {"succeeded": 1}
    plan.refresh_from_db()

    # then it renews on the 15th of each month, never the 14th (the UTC day of the first gift)
    assert (first_renewal, plan.next_charge_on) == (date(2026, 3, 15), date(2026, 4, 15))
    assert Donation.objects.filter(monthly_plan=plan, status=DonationStatus.SUCCEEDED).count() == 3
    assert balance_of(escrow_account(campaign)) == cny("150")


def test_monthly_gift_on_the_31st_keeps_its_day_through_short_months(fake_gateway, campaign, clock):
    # given a monthly gift captured on 31 January at 07:00 Beijing time (30 January 23:00 UTC)
    clock.set("2026-01-30T23:00:00")
    give(campaign, "50", frequency="monthly")
    plan = MonthlyPlan.objects.get()

    # when each renewal is charged on its day
    days = [plan.next_charge_on]
    for _ in range(3):
        assert monthly_renewals_run(today=days[-1]) == {"succeeded": 1}
        plan.refresh_from_db()
        days.append(plan.next_charge_on)

    # then the short months clamp and the day comes back: 28 Feb → 31 Mar → 30 Apr → 31 May
    assert days == [date(2026, 2, 28), date(2026, 3, 31), date(2026, 4, 30), date(2026, 5, 31)]


def test_renewal_is_due_from_midnight_site_time(fake_gateway, campaign, clock):
    # given a plan due on 15 February
    clock.set("2026-01-14T23:00:00")
    give(campaign, "50", frequency="monthly")
    assert MonthlyPlan.objects.get().next_charge_on == date(2026, 2, 15)

    # when the scheduled job runs at 23:30 on 14 February in Beijing: nothing is due
    clock.set("2026-02-14T15:30:00")
    assert monthly_renewals_run() == {}
    # and at 00:30 on 15 February in Beijing (still the 14th in UTC): it is charged
    clock.set("2026-02-14T16:30:00")
    assert monthly_renewals_run() == {"succeeded": 1}


# --- the deadline, checked at the moment of action ------------------------------------------------


def test_gifts_close_after_the_end_of_the_deadline_day_in_site_time(clock):
    campaign = aon_campaign(deadline=date(2026, 11, 29))
    clock.set("2026-11-29T15:30:00")  # 29 Nov 23:30 in Beijing: the deadline day
    assert campaign_accepts_donations(campaign=campaign) is True and campaign.accepts_donations is True
    clock.set("2026-11-29T16:30:00")  # 30 Nov 00:30 in Beijing, still 29 Nov in UTC
    assert campaign_accepts_donations(campaign=campaign) is False and campaign.accepts_donations is False
    with translation.override("en"):
        assert campaign_gift_refusal(campaign=campaign) == (
            "Gifts to this campaign closed at the end of its deadline day, 2026-11-29."
        )


def test_all_or_nothing_past_its_deadline_refuses_a_gift_before_the_hourly_job(fake_gateway, clock):
    # given an all-or-nothing campaign whose deadline was yesterday, still "live" (the job has not run)
    clock.set("2026-11-30T02:00:00")  # 30 Nov 10:00 in Beijing
    campaign = aon_campaign(deadline=date(2026, 11, 29))

    # when a donor gives ¥1,000
    with pytest.raises(DonationNotPossible, match="截止日 2026-11-29 结束后停止接受捐赠"):
        donation_create(
            campaign=campaign, amount=cny("1000"), email="qian.wei@example.cn", attempt=uuid.uuid4()
        )

    # then nothing is written and nothing reaches the provider
    assert not Donation.objects.exists()
    assert fake_gateway.calls == []
    assert campaign.status == CampaignStatus.LIVE


def test_donate_start_view_answers_400_past_the_deadline(client, fake_gateway, clock):
    clock.set("2026-11-29T16:30:00")  # 30 Nov 00:30 in Beijing
    campaign = aon_campaign(deadline=date(2026, 11, 29))
    form = {
        "amount": "1000",
        "frequency": "one_off",
        "email": "qian.wei@example.cn",
        "attempt": str(uuid.uuid4()),
    }

    response = client.post(f"/en/payments/donate/{campaign.slug}/start/", form)

    assert response.status_code == 400
    assert (
        response.json()["message"]
        == "Gifts to this campaign closed at the end of its deadline day, 2026-11-29."
    )
    assert not Donation.objects.exists() and fake_gateway.calls == []


def test_donate_page_offers_no_form_past_the_deadline(client, fake_gateway, clock):
    clock.set("2026-11-29T15:30:00")  # the deadline day, 23:30 in Beijing
    campaign = aon_campaign(deadline=date(2026, 11, 29))
    assert 'id="donate-form"' in client.get(f"/payments/donate/{campaign.slug}/").content.decode()

    clock.set("2026-11-29T16:30:00")  # 00:30 the next day
    from django.core.cache import cache

    cache.clear()  # the page is cached a few seconds
    html = client.get(f"/payments/donate/{campaign.slug}/").content.decode()

    assert 'id="donate-form"' not in html
    assert "本项目已于截止日 2026-11-29 结束后停止接受捐赠。" in html  # "Gifts ... closed at the end of ..."


def test_card_charge_is_refused_once_the_deadline_day_has_ended(fake_gateway, clock):
    # given a gift started at 23:50 on the deadline day, its card confirmed after midnight
    clock.set("2026-11-29T15:50:00")
    campaign = aon_campaign(deadline=date(2026, 11, 29))
    donation = donation_create(campaign=campaign, amount=cny("1000"), email="qian.wei@example.cn",
                               attempt=uuid.uuid4())  # fmt: skip
    from payments.donations.services import donation_start_card

    donation_start_card(donation=donation)
    donation.refresh_from_db()
    fake_gateway.setup_intent_confirm(donation.provider_setup_intent_id, "pm_card_visa")
    clock.set("2026-11-29T16:10:00")  # 00:10 on 30 Nov in Beijing

    # when the browser asks for the charge
    with pytest.raises(DonationNotPossible, match="2026-11-29"):
        donation_charge(donation=donation)

    # then nothing is charged and nothing is posted
    assert "payment_charge_saved" not in fake_gateway.calls
    donation.refresh_from_db()
    assert (donation.status, donation.captured_at) == (DonationStatus.AWAITING_CARD, None)
    assert balance_of(escrow_account(campaign)) == cny("0")


def test_monthly_renewal_past_the_deadline_charges_nothing(fake_gateway, clock):
    clock.set("2026-01-14T23:00:00")
    campaign = aon_campaign(deadline=date(2026, 2, 10))
    give(campaign, "50", frequency="monthly")
    plan = MonthlyPlan.objects.get()

    clock.set("2026-02-15T01:00:00")
    assert monthly_renewals_run() == {"ended": 1}  # the plan ends with its campaign (test_monthly)

    assert Donation.objects.filter(monthly_plan=plan).count() == 1
    assert fake_gateway.calls.count("payment_charge_saved") == 1  # the first gift only
    assert balance_of(escrow_account(campaign)) == cny("50")


# --- dates people see -----------------------------------------------------------------------------


def test_wall_of_support_shows_the_site_date_of_a_gift(fake_gateway, campaign, clock):
    clock.set("2026-01-14T23:30:00")  # 15 Jan 07:30 in Beijing
    give(campaign, "100", display_name="王芳")

    (entry,) = wall_of_support(campaign=campaign)

    assert (entry.name, entry.day) == ("王芳", date(2026, 1, 15))


def test_donor_page_shows_site_dates_for_gifts_and_the_next_charge(client, fake_gateway, campaign, clock):
    from payments.donations.donor_links import donor_page_url

    clock.set("2026-01-14T23:30:00")  # 15 Jan 07:30 in Beijing
    gift = give(campaign, "50", frequency="monthly", email="zhao.lei@example.cn")

    html = client.get(donor_page_url(gift.donor, absolute=False)).content.decode()

    assert "2026-01-15 ·" in html  # the gift's day
    assert "2026-02-15" in html  # next charge
    assert "2026-01-14" not in html


def test_donor_statement_year_follows_site_time(fake_gateway, campaign, clock):
    from reports.selectors.donor_statement import donor_statement

    # given a gift at 2026-01-01 00:30 Beijing time (2025-12-31 16:30 UTC) and one at 23:30 on 31 Dec
    clock.set("2025-12-31T16:30:00")
    new_year = give(campaign, "100")
    clock.set("2025-12-31T15:30:00")
    old_year = give(campaign, "200")

    # when the statements for 2025 and 2026 are read
    s2025 = donor_statement(donor_id=new_year.donor_id, period="2025")
    s2026 = donor_statement(donor_id=new_year.donor_id, period="2026")

    # then each gift is in its site-time year, with that year in its receipt number
    assert [(g.day, g.amount, g.receipt_number) for g in s2025.gifts] == [
        (date(2025, 12, 31), cny("200"), f"CF-2025-{old_year.pk:08d}")
    ]
    assert [(g.day, g.amount, g.receipt_number) for g in s2026.gifts] == [
        (date(2026, 1, 1), cny("100"), f"CF-2026-{new_year.pk:08d}")
    ]


def test_donor_statement_year_does_not_follow_an_activated_zone(fake_gateway, campaign, clock):
    from reports.selectors.donor_statement import donor_statement

    clock.set("2025-12-31T16:30:00")  # 2026-01-01 00:30 in Beijing
    gift = give(campaign, "100")

    with timezone.override("UTC"):  # a request or worker that switched its current zone
        s2026 = donor_statement(donor_id=gift.donor_id, period="2026")

    assert [g.day for g in s2026.gifts] == [date(2026, 1, 1)]


def test_impact_report_counts_gifts_in_their_site_time_month(fake_gateway, campaign, clock):
    from reports.selectors.campaign_impact import _gifts_by_month

    clock.set("2026-01-31T16:30:00")  # 1 Feb 00:30 in Beijing
    give(campaign, "100")
    clock.set("2026-01-31T15:30:00")  # 31 Jan 23:30 in Beijing
    give(campaign, "200")

    with timezone.override("UTC"):
        months = [(m.month, m.gifts, m.amount) for m in _gifts_by_month(campaign)]

    assert months == [("2026-01", 1, cny("200")), ("2026-02", 1, cny("100"))]


def test_renewal_date_in_the_failure_notice_is_the_site_date(fake_gateway, campaign, clock, settings):
    clock.set("2026-01-14T23:00:00")
    give(campaign, "50", frequency="monthly")
    plan = MonthlyPlan.objects.get()
    MonthlyPlan.objects.filter(pk=plan.pk).update(provider_payment_method_id="pm_card_chargeCustomerFail")

    clock.set("2026-02-14T16:30:00")  # 15 Feb 00:30 in Beijing
    assert monthly_renewals_run() == {"failed": 1}

    plan.refresh_from_db()
    assert plan.next_charge_on == date(2026, 2, 15) + timedelta(days=settings.PAYMENTS_MONTHLY_RETRY_DAYS)


def test_dates_in_admin_labels_and_file_names_are_site_dates(clock):
    from campaigns.models import AuditEvent
    from cms.templatetags.cms_tags import days_until
    from reports.models import ReportRun

    at = datetime(2026, 1, 14, 16, 30, tzinfo=UTC)  # 15 Jan 00:30 in Beijing
    event = AuditEvent(at=at, action="campaign.approved", subject_type="campaigns.Campaign", subject_id="7")
    run = ReportRun(pk=12, kind="campaign_impact", language="en", generated_at=at)

    with translation.override("zh-hans"):  # the site date in the admin's one format, then the action's label
        assert str(event).startswith("2026年1月15日 00:30 ")
    assert run.filename == "clearfund-campaign-12-en-20260115.pdf"
    clock.set("2026-01-14T15:30:00")  # 14 Jan 23:30 in Beijing
    assert days_until(date(2026, 1, 15)) == 1
    clock.set("2026-01-14T16:30:00")  # 15 Jan 00:30: the deadline day
    assert days_until(date(2026, 1, 15)) == 0


def test_receipt_is_dated_on_the_site_date(fake_gateway, campaign, clock, mailoutbox,
                                           django_capture_on_commit_callbacks):  # fmt: skip
    clock.set("2026-01-14T23:30:00")  # 15 Jan 07:30 in Beijing

    with django_capture_on_commit_callbacks(execute=True):
        give(campaign, "100")

    (mail,) = mailoutbox
    assert "2026-01-15" in mail.body and "2026-01-14" not in mail.body
