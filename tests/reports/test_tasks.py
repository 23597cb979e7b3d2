import pytest
from celery.exceptions import Retry, SoftTimeLimitExceeded
from django.core.checks import run_checks
from django.db import OperationalError

from campaigns.models import CampaignStatus
from reports import checks, services, tasks
from reports.models import ReportRun, ReportStatus
from tests.factories import CampaignFactory
from tests.reports.factories import gift

pytestmark = pytest.mark.django_db


@pytest.fixture
def queued_run(private_root):
    campaign = CampaignFactory(status=CampaignStatus.LIVE)
    gift(campaign, 100_000)
    (run,) = services.request_campaign_report(campaign.pk, languages=["en"])  # callbacks not run
    return run


def test_task_options_survive_a_lost_worker(settings):
    visibility_timeout = settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]
    assert visibility_timeout == 2 * 60 * 60
    for task in (
        tasks.generate_report,
        tasks.generate_reports,
        tasks.fan_out_donor_statements,
        tasks.email_donor_statement,
    ):
        assert task.acks_late is True
        assert task.reject_on_worker_lost is True
        assert task.soft_time_limit < task.time_limit
        assert task.time_limit * 2 <= visibility_timeout  # never handed to a second worker mid-run
    assert checks.time_limits_below_visibility_timeout() == []


def test_a_visibility_timeout_too_close_to_a_time_limit_is_warned_about(settings):
    # given a broker that hands unacknowledged tasks on after 30 min, as long as the global limit
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 30 * 60}
    # when the system checks run
    warnings = [m for m in run_checks() if m.id == "reports.W001"]
    # then both hard limits (30 and 20 min) are named: each is more than half of it
    assert [(w.id, w.msg) for w in warnings] == [
        (
            "reports.W001",
            "CELERY_TASK_TIME_LIMIT (1800 s) is more than half the broker's visibility timeout (1800 s): "
            "a slow task can be handed to a second worker while the first still runs it.",
        ),
        (
            "reports.W001",
            "REPORTS_TASK_TIME_LIMIT (1200 s) is more than half the broker's visibility timeout (1800 s): "
            "a slow task can be handed to a second worker while the first still runs it.",
        ),
    ]
    assert warnings[0].hint == "Raise CLEARFUND_BROKER_VISIBILITY_TIMEOUT or lower the time limit."


def test_a_transient_database_error_is_retried_with_backoff_and_the_run_stays_queued(queued_run, monkeypatch):
    def flaky(*, run_id):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(services, "run_generate", flaky)
    retries = []
    monkeypatch.setattr(
        tasks.generate_report, "retry", lambda exc, countdown: retries.append(countdown) or Retry(exc=exc)
    )
    with pytest.raises(Retry):
        tasks.generate_report.run(queued_run.pk)
    queued_run.refresh_from_db()
    assert retries == [10]
    assert queued_run.status == ReportStatus.QUEUED
    assert queued_run.error == "retrying: OperationalError: server closed the connection unexpectedly"
    assert [tasks.backoff(n) for n in range(8)] == [10, 20, 40, 80, 160, 320, 600, 600]


def test_retries_exhausted_fail_the_run_with_the_cause(queued_run, monkeypatch):
    def flaky(*, run_id):
        raise OperationalError("could not connect to server")

    monkeypatch.setattr(services, "run_generate", flaky)
    tasks.generate_report.apply(args=[queued_run.pk], retries=tasks.generate_report.max_retries)
    queued_run.refresh_from_db()
    assert queued_run.status == ReportStatus.FAILED
    assert queued_run.error == "gave up after 6 attempts: OperationalError: could not connect to server"


def test_a_report_over_its_time_limit_fails_readably_instead_of_hanging(queued_run, monkeypatch, settings):
    def slow(*, run_id):
        services.run_start(run_id=run_id)
        raise SoftTimeLimitExceeded()

    monkeypatch.setattr(services, "run_generate", slow)
    assert tasks.generate_report.apply(args=[queued_run.pk]).result == "failed"
    queued_run.refresh_from_db()
    assert queued_run.status == ReportStatus.FAILED
    assert (
        queued_run.error
        == f"stopped: rendering took longer than {settings.REPORTS_TASK_SOFT_TIME_LIMIT} seconds"
    )
    assert not queued_run.file


def test_a_finished_run_is_not_rendered_again(queued_run, monkeypatch):
    tasks.generate_report.apply(args=[queued_run.pk])
    queued_run.refresh_from_db()
    checksum = queued_run.checksum

    def must_not_render(run):
        raise AssertionError("rendered twice")

    monkeypatch.setattr("reports.documents.build_document", must_not_render)
    assert tasks.generate_report.apply(args=[queued_run.pk]).result == "skipped"
    queued_run.refresh_from_db()
    assert (queued_run.status, queued_run.checksum, queued_run.attempts) == (ReportStatus.DONE, checksum, 1)


def test_stale_queued_runs_are_sent_again(queued_run, django_capture_on_commit_callbacks):
    ReportRun.objects.filter(pk=queued_run.pk).update(requested_at=queued_run.requested_at.replace(year=2000))
    with django_capture_on_commit_callbacks(execute=True):
        assert services.requeue_stale() == 1
    queued_run.refresh_from_db()
    assert queued_run.status == ReportStatus.DONE


def test_monthly_schedule_requests_reports_for_live_campaigns_only(private_root):
    live = CampaignFactory(status=CampaignStatus.LIVE)
    CampaignFactory(status=CampaignStatus.DRAFT)
    assert tasks.request_monthly_campaign_reports.apply().result == 1
    assert sorted(ReportRun.objects.filter(campaign=live).values_list("language", flat=True)) == [
        "en",
        "zh-hans",
    ]
    assert ReportRun.objects.filter(kind="platform_transparency").count() == 1


def test_a_run_left_running_past_the_hard_time_limit_is_sent_again(
    queued_run, django_capture_on_commit_callbacks
):
    # given a run whose worker process died with it (still "running" long after the hard limit)
    services.run_start(run_id=queued_run.pk)
    ReportRun.objects.filter(pk=queued_run.pk).update(started_at=queued_run.requested_at.replace(year=2000))
    # when the sweeper runs
    with django_capture_on_commit_callbacks(execute=True):
        assert services.requeue_stale() == 1
    # then it is rendered and stored by a new attempt
    queued_run.refresh_from_db()
    assert (queued_run.status, queued_run.attempts) == (ReportStatus.DONE, 2)


def test_a_recent_running_run_is_left_alone(queued_run):
    services.run_start(run_id=queued_run.pk)
    assert services.requeue_stale() == 0


def test_beat_schedules_monthly_reports_and_yearly_statements(settings):
    schedule = settings.CELERY_BEAT_SCHEDULE
    monthly = schedule["reports-monthly-campaign-reports"]
    yearly = schedule["reports-yearly-donor-statements"]
    assert monthly["task"] == "reports.tasks.request_monthly_campaign_reports"
    assert (monthly["schedule"].day_of_month, yearly["schedule"].month_of_year) == ({1}, {1})
    assert yearly["task"] == "reports.tasks.request_yearly_donor_statements"
