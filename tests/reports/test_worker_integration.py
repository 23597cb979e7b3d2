"""Reports produced by a real Celery worker over Redis (not eager), including a worker killed mid-task."""

import hashlib
import os
import re
import signal
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.utils import timezone

from campaigns.models import Beneficiary, CampaignStatus
from config.celery import app
from reports import services
from reports.models import ReportRun, ReportStatus
from tests.builders import approved_release
from tests.factories import CampaignFactory, PartnerFactory
from tests.reports.conftest import pdf_text
from tests.reports.factories import gift
from tests.reports.worker import celery_worker, wait_for
from tests.verification.factories import BeneficiaryFactory

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def real_broker(settings, tmp_path):
    """Send tasks to Redis instead of running them in the test process; share the private root."""
    eager = app.conf.task_always_eager
    app.conf.task_always_eager = False
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.PRIVATE_STORAGE_ROOT = tmp_path / "private"
    app.control.purge()
    yield settings.PRIVATE_STORAGE_ROOT
    app.control.purge()
    app.conf.task_always_eager = eager


def campaign_with_stories(beneficiaries: int, *, key: str):
    """A live campaign with ¥250,000 given and ``beneficiaries`` verified people with stories: a
    report that takes long enough to render to be caught mid-render."""
    campaign = CampaignFactory(status=CampaignStatus.LIVE)
    gift(campaign, 2_500 * 10_000)
    verifier = User.objects.create(username=f"{key}-verifier")
    Beneficiary.objects.bulk_create(
        Beneficiary(
            campaign=campaign, pseudonym=f"受助人{i}", county="丹寨县", status="verified",
            story="术后恢复良好，已能独立生活。" * 3, story_consent=True,
            verified_by=verifier, verified_at=timezone.now(),
        )
        for i in range(beneficiaries)
    )  # fmt: skip
    return campaign


def wait_mid_render(run: ReportRun) -> ReportRun:
    """The run once its data is selected and WeasyPrint is rendering (progress 40)."""
    return wait_for(
        lambda: ReportRun.objects.filter(pk=run.pk, status="running", progress__gte=40).first(),
        interval=0.05,
        timeout=120,
        what="the render to start",
    )


def stored_once(private_root: Path, run: ReportRun) -> bytes:
    """Asserts one run for the subject and one stored file, matching the run's checksum."""
    assert ReportRun.objects.filter(kind=run.kind, subject=run.subject).count() == 1
    stored = list((private_root / "reports" / run.kind).iterdir())
    assert stored == [private_root / "reports" / run.kind / f"{run.pk}-en.pdf"]
    data = stored[0].read_bytes()
    assert hashlib.sha256(data).hexdigest() == run.checksum
    return data


def test_a_real_worker_produces_the_campaign_report(real_broker, verifier, finance_officer):
    # given a campaign with money in the ledger and a worker listening on Redis
    campaign = CampaignFactory(title="白内障复明手术 丹寨", status=CampaignStatus.LIVE)
    gift(campaign, 450_000)
    gift(campaign, 150_000)
    approved_release(
        beneficiary=BeneficiaryFactory(campaign=campaign), partner=PartnerFactory(name="丹寨县医院"),
        verifier=verifier, finance_officer=finance_officer, minor=300_000,
    )  # fmt: skip
    with celery_worker(real_broker):
        # when the report is requested (outside any transaction: enqueued at once)
        runs = services.request_campaign_report(campaign.pk)
        # then the worker renders both languages
        for run in runs:
            wait_for(
                lambda run=run: ReportRun.objects.get(pk=run.pk).status in ("done", "failed"),
                timeout=120,
                what=f"run {run.pk}",
            )
    for run in runs:
        run.refresh_from_db()
        assert run.status == ReportStatus.DONE, run.error
        data = run.file.read()
        assert hashlib.sha256(data).hexdigest() == run.checksum
        text = pdf_text(data)
        assert "¥6,000" in text  # raised
        assert "¥3,000" in text  # held and released
        assert "白内障复明手术 丹寨" in text
        assert run.attempts == 1


def test_killing_the_worker_process_mid_render_still_stores_the_report_exactly_once(real_broker):
    # given a report slow enough to catch mid-render (1,500 beneficiaries with stories)
    campaign = campaign_with_stories(1_500, key="k")
    with celery_worker(real_broker, concurrency=2) as (_proc, log):
        (run,) = services.request_campaign_report(campaign.pk, languages=["en"])
        # when the pool process rendering it is killed with SIGKILL (as the OOM killer would)
        running = wait_mid_render(run)
        pid = int(running.worker.rsplit(":", 1)[1])
        os.kill(pid, signal.SIGKILL)
        # then the task is redelivered (acks_late + reject_on_worker_lost) and completes
        wait_for(
            lambda: ReportRun.objects.get(pk=run.pk).status in ("done", "failed"),
            timeout=180,
            what="the redelivered task",
        )
        worker_log = log.read_text()
    run.refresh_from_db()
    assert run.status == ReportStatus.DONE, run.error
    assert run.attempts == 2
    assert "WorkerLostError" in worker_log
    stored_once(real_broker, run)


VISIBILITY_TIMEOUT = 15  # seconds; 2 h in production


def received_tasks(log: Path) -> list[tuple[str, str]]:
    """(task name, task id) of every report task a worker's log says it received, in order (not
    the sweeps every worker queues when it connects to the broker, config.celery.SweepOnConnect)."""
    found = re.findall(r"Task ([\w.]+)\[([\w-]+)\] received", log.read_text())
    return [(name, task_id) for name, task_id in found if name.startswith("reports.")]


def process_gone(pid: int) -> bool:
    """True when ``pid`` no longer runs (exited, or a zombie nobody has reaped yet)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return True
    return state in ("Z", "X")


def test_killing_the_whole_worker_mid_render_redelivers_the_task_after_the_visibility_timeout(real_broker):
    # given a report that renders for a few seconds (300 beneficiaries), and workers whose broker
    # gives an unacknowledged task to another worker after 15 s instead of 2 h
    short_timeout = {"CLEARFUND_BROKER_VISIBILITY_TIMEOUT": str(VISIBILITY_TIMEOUT)}
    campaign = campaign_with_stories(300, key="kw")
    with celery_worker(real_broker, env=short_timeout) as (worker_a, log_a):
        (run,) = services.request_campaign_report(campaign.pk, languages=["en"])
        running = wait_mid_render(run)
        # when the whole worker, main process and pool, is killed (its machine or container died)
        os.killpg(worker_a.pid, signal.SIGKILL)
        worker_a.wait(timeout=10)
    pool_pid = int(running.worker.rsplit(":", 1)[1])
    wait_for(lambda: process_gone(pool_pid), timeout=10, what=f"pool process {pool_pid} to die")
    # (the gift made the campaign's receipt task too; only the report's task matters here)
    [(name, task_id)] = [task for task in received_tasks(log_a) if task[0].startswith("reports.")]
    assert name == "reports.tasks.generate_report"
    # then nothing rejected the task: the run stays running, and no one takes it over before the
    # visibility timeout has passed since the delivery (which came before the run started)
    run.refresh_from_db()
    assert (run.status, run.attempts, run.progress) == (ReportStatus.RUNNING, 1, 40)
    restorable_at = run.started_at + timedelta(seconds=VISIBILITY_TIMEOUT + 1)
    time.sleep(max(0.0, (restorable_at - timezone.now()).total_seconds()))
    run.refresh_from_db()
    assert (run.status, run.attempts) == (ReportStatus.RUNNING, 1)
    # and a worker started after that puts the same message back on the queue and completes it.
    # (A worker's consumer sweeps for such messages when it starts and then about every 100 s, so
    # one started after the timeout restores it at once. Its own attempt takes about 7 s here,
    # inside the 15 s, so it is not handed on again while it runs.)
    with celery_worker(real_broker, env=short_timeout) as (_worker_b, log_b):
        wait_for(
            lambda: ReportRun.objects.get(pk=run.pk).status in ("done", "failed"),
            timeout=120,
            what="the redelivered task",
        )
        wait_for(lambda: f"[{task_id}] succeeded" in log_b.read_text(), timeout=30, what="the task's end")
    worker_b_log = log_b.read_text()
    run.refresh_from_db()
    assert run.status == ReportStatus.DONE, run.error
    assert run.attempts == 2
    # the same task id: redelivered by the broker, not sent again by the requeue_stale_runs sweeper
    # (which would send a new task, and is not even run: no beat here)
    assert [task for task in received_tasks(log_b) if task[0].startswith("reports.")] == [
        ("reports.tasks.generate_report", task_id)
    ]
    assert re.search(rf"generate_report\[{task_id}\] succeeded in [\d.]+s: 'done'", worker_b_log)
    data = stored_once(real_broker, run)
    assert "¥250,000" in pdf_text(data)  # raised, from the ledger


def test_yearly_statements_fan_out_over_real_workers_and_report_progress(real_broker):
    # given three donors with gifts this year and two worker processes
    from reports.models import ReportKind
    from tests.reports.factories import captured_donation

    campaign = CampaignFactory(status=CampaignStatus.LIVE)
    gifts = [
        captured_donation(campaign, email=f"donor{i}@example.com", minor=10_000 * (i + 1)) for i in range(3)
    ]
    year = str(gifts[0].captured_at.year)
    with celery_worker(real_broker, concurrency=2):
        # when the batch is requested
        parent = services.request_donor_statements(period=year, send_email=False)
        # then the fan-out task creates one child per donor and the parent finishes at 100%
        wait_for(
            lambda: ReportRun.objects.get(pk=parent.pk).status in ("done", "failed"),
            timeout=180,
            what="the batch",
        )
    parent.refresh_from_db()
    assert (parent.kind, parent.status, parent.progress) == (ReportKind.DONOR_STATEMENT_BATCH, "done", 100)
    children = list(parent.children.all())
    assert sorted(c.subject for c in children) == sorted(f"donor:{g.donor_id}" for g in gifts)
    for child in children:
        assert child.status == ReportStatus.DONE
        assert hashlib.sha256(child.file.read()).hexdigest() == child.checksum
