"""A batch's statements rendered several to a task (``tasks.generate_reports``, ADR 0419): each run
ends as it would alone, the batch's progress is recounted once per task, a redelivered task
stores nothing twice and still finishes its batch."""

import pytest
from celery.exceptions import SoftTimeLimitExceeded
from django.db import OperationalError

from campaigns.models import CampaignStatus
from reports import services, tasks
from reports.models import ReportKind, ReportRun, ReportStatus
from tests.factories import CampaignFactory
from tests.reports.conftest import pdf_text
from tests.reports.factories import captured_donation

pytestmark = pytest.mark.django_db


@pytest.fixture
def batch(private_root):
    """A batch run with three queued statements: two donors with a gift, one unknown donor."""
    campaign = CampaignFactory(title="Cataract surgery", status=CampaignStatus.LIVE)
    gifts = [captured_donation(campaign, email=f"d{i}@example.com", minor=10_000 * (i + 1)) for i in range(2)]
    parent = services.request_donor_statements(period="", language="en", send_email=False)
    ReportRun.objects.filter(pk=parent.pk).update(status=ReportStatus.RUNNING)
    children = [
        ReportRun.objects.create(
            kind=ReportKind.DONOR_STATEMENT, subject=f"donor:{donor}", period="", language="en",
            data_version=parent.data_version, parent=parent,
        )
        for donor in (gifts[0].donor_id, 424242, gifts[1].donor_id)
    ]  # fmt: skip
    return parent, children


def _statuses(runs):
    return [ReportRun.objects.get(pk=r.pk).status for r in runs]


def test_a_fan_out_queues_the_statements_twenty_to_a_task(private_root, django_capture_on_commit_callbacks):
    # given a batch over 45 donors
    parent = services.request_donor_statements(period="2026", send_email=False)
    # when it fans out (callbacks captured, not executed)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.fan_out(parent_id=parent.pk, donor_ids=list(range(1, 46)))
    # then three tasks are queued, of 20, 20 and 5 statements
    assert services.STATEMENTS_PER_TASK == 20
    assert len(callbacks) == 3


def test_each_run_of_a_task_ends_as_it_would_alone_and_the_batch_is_recounted_once(batch, monkeypatch):
    parent, children = batch
    recounts = []
    real = services.parent_progress
    monkeypatch.setattr(
        services,
        "parent_progress",
        lambda *, parent_id: recounts.append(parent_id) or real(parent_id=parent_id),
    )
    # when one task renders the three statements
    outcome = tasks.generate_reports.apply(args=[[c.pk for c in children]]).result
    # then the two real donors' statements are stored, the unknown donor's run fails readably ...
    assert outcome == {"done": 2, "failed": 1}
    assert _statuses(children) == [ReportStatus.DONE, ReportStatus.FAILED, ReportStatus.DONE]
    assert ReportRun.objects.get(pk=children[1].pk).error == "donor 424242 does not exist"
    assert "¥100" in pdf_text(ReportRun.objects.get(pk=children[0].pk).file.read())
    assert ReportRun.objects.get(pk=children[0].pk).progress == 100
    # ... and the batch is recounted once, not once per statement, and finished
    assert recounts == [parent.pk]
    parent.refresh_from_db()
    assert (parent.status, parent.progress) == (ReportStatus.FAILED, 100)
    assert parent.error == "1 of 3 statements failed; first: donor 424242 does not exist"


def test_a_redelivered_task_stores_nothing_twice_and_still_finishes_its_batch(batch, monkeypatch):
    # given a task whose worker died after storing every statement, before the batch's recount
    parent, children = batch
    ReportRun.objects.filter(pk=children[1].pk).delete()
    runs = [children[0], children[2]]
    monkeypatch.setattr(services, "parent_progress", lambda *, parent_id: None)
    tasks.generate_reports.apply(args=[[r.pk for r in runs]])
    monkeypatch.undo()
    checksums = [ReportRun.objects.get(pk=r.pk).checksum for r in runs]
    assert ReportRun.objects.get(pk=parent.pk).status == ReportStatus.RUNNING

    def must_not_render(run):
        raise AssertionError("rendered twice")

    monkeypatch.setattr("reports.documents.build_document", must_not_render)
    # when the broker hands the task out again
    outcome = tasks.generate_reports.apply(args=[[r.pk for r in runs]]).result
    # then nothing is rendered or stored again, and the batch is finished
    assert outcome == {"skipped": 2}
    assert [ReportRun.objects.get(pk=r.pk).checksum for r in runs] == checksums
    parent.refresh_from_db()
    assert (parent.status, parent.progress) == (ReportStatus.DONE, 100)


def test_a_transient_failure_hands_that_run_to_its_own_retried_task(batch, monkeypatch):
    parent, children = batch
    real = services.run_generate

    def flaky(*, run_id):
        if run_id == children[0].pk:
            raise OperationalError("server closed the connection unexpectedly")
        return real(run_id=run_id)

    sent = []
    monkeypatch.setattr(services, "run_generate", flaky)
    monkeypatch.setattr(
        tasks, "enqueue", lambda task, *args, countdown=None: sent.append((task.name, args, countdown))
    )
    # when the task meets a dropped connection on its first statement
    outcome = tasks.generate_reports.apply(args=[[c.pk for c in children]]).result
    # then that run is queued again on its own, with backoff, and the others go on
    assert outcome == {"retrying": 1, "failed": 1, "done": 1}
    assert sent == [("reports.tasks.generate_report", (children[0].pk,), 10)]
    run = ReportRun.objects.get(pk=children[0].pk)
    assert (run.status, run.error, bool(run.file)) == (
        ReportStatus.QUEUED,
        "retrying: OperationalError: server closed the connection unexpectedly",
        False,
    )
    assert ReportRun.objects.get(pk=parent.pk).status == ReportStatus.RUNNING  # not all finished


def test_a_task_out_of_time_fails_its_current_run_and_sends_the_rest_on_alone(batch, monkeypatch, settings):
    _parent, children = batch

    def slow(*, run_id):
        raise SoftTimeLimitExceeded()

    sent = []
    monkeypatch.setattr(services, "run_generate", slow)
    monkeypatch.setattr(tasks, "enqueue", lambda task, *args, countdown=None: sent.append((task.name, args)))
    outcome = tasks.generate_reports.apply(args=[[c.pk for c in children]]).result
    assert outcome == {"failed": 1, "requeued": 2}
    first = ReportRun.objects.get(pk=children[0].pk)
    assert (first.status, first.error) == (
        ReportStatus.FAILED,
        f"stopped: rendering took longer than {settings.REPORTS_TASK_SOFT_TIME_LIMIT} seconds",
    )
    assert sent == [("reports.tasks.generate_report", (c.pk,)) for c in children[1:]]
    assert _statuses(children[1:]) == [ReportStatus.QUEUED, ReportStatus.QUEUED]
