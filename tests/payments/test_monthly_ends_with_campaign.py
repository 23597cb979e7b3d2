"""A campaign that closes (or fails) ends its monthly gifts at once, paused ones too, in one
statement; each donor is told once in their language (issue 12, ADR 0219)."""

from __future__ import annotations

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from campaigns.models import AuditEvent, CampaignStatus
from campaigns.services import campaign_close
from payments.donations.monthly import monthly_plan_pause, monthly_renewals_run
from payments.models import Donation, MonthlyPlan, MonthlyPlanStatus
from tests.builders import gift
from tests.factories import CampaignFactory

pytestmark = pytest.mark.django_db


def _plan(campaign, email: str, language: str = "zh-hans") -> MonthlyPlan:
    first = gift(campaign, 10_000, email=email, frequency="monthly", language=language)
    return MonthlyPlan.objects.get(donor=first.donor, campaign=campaign)


def test_closing_a_campaign_ends_its_paused_and_running_gifts_at_once_and_tells_each_donor_once(
    fake_gateway, campaign, mailoutbox, django_capture_on_commit_callbacks
):
    # given a paused plan (English donor), a running plan, and a plan of another campaign
    paused = _plan(campaign, "paused@example.com", language="en")
    monthly_plan_pause(plan=paused, donor=paused.donor)
    running = _plan(campaign, "running@example.cn")
    elsewhere = _plan(
        CampaignFactory(status=CampaignStatus.LIVE, min_donation_minor=1000), "other@example.cn"
    )
    mailoutbox.clear()

    # when the campaign closes
    with django_capture_on_commit_callbacks(execute=True), CaptureQueriesContext(connection) as queries:
        campaign_close(campaign=campaign, actor=None, reason="Programme finished")

    # then both of its plans ended in one statement, each audited with the status it left
    plan_writes = [q["sql"] for q in queries.captured_queries if "UPDATE payments_monthlyplan" in q["sql"]]
    assert len(plan_writes) == 1
    statuses = dict(MonthlyPlan.objects.values_list("pk", "status"))
    assert statuses == {paused.pk: "ended", running.pk: "ended", elsewhere.pk: "active"}
    events = AuditEvent.objects.filter(action="monthly.ended", subject_type="payments.MonthlyPlan")
    assert {(e.subject_id, e.data["from"], e.actor_id) for e in events} == {
        (str(paused.pk), "paused", None),
        (str(running.pk), "active", None),
    }
    # each donor heard once, in their own language; nothing was charged
    assert sorted((m.to[0], m.subject) for m in mailoutbox) == [
        ("paused@example.com", "Your monthly gift has ended with its campaign"),
        ("running@example.cn", "您的月捐已随项目结束"),
    ]
    assert Donation.objects.filter(monthly_plan__in=[paused, running]).count() == 2

    # and the renewal day ends nothing more and charges neither (only the other campaign's plan)
    with django_capture_on_commit_callbacks(execute=True):
        assert monthly_renewals_run(today=running.next_charge_on) == {"succeeded": 1}
    assert Donation.objects.filter(monthly_plan__in=[paused, running]).count() == 2
    assert [m.to[0] for m in mailoutbox[2:]] == ["other@example.cn"]  # its receipt


def test_a_close_that_rolls_back_leaves_the_gifts_running_and_sends_nothing(
    campaign, mailoutbox, django_capture_on_commit_callbacks
):
    plan = _plan(campaign, "running@example.cn")
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError), transaction.atomic():
        campaign_close(campaign=campaign, actor=None, reason="Programme finished")
        raise RuntimeError("something later in the same transaction failed")

    plan.refresh_from_db()
    campaign.refresh_from_db()
    assert (campaign.status, plan.status) == (CampaignStatus.LIVE, MonthlyPlanStatus.ACTIVE)
    assert not AuditEvent.objects.filter(action="monthly.ended").exists()
    assert mailoutbox == []
