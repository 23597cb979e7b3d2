"""Writes for reports: requesting runs and carrying a run from queued to done or failed.

Rules enforced here:
- one run per (kind, subject, period, language, data version): asking again while nothing changed
  returns the existing run; a failed run asked for again is queued again;
- a run is stored at most once: the final write locks the row and does nothing if another attempt
  already finished it (a worker killed mid-render and redelivered cannot produce a second PDF);
- nothing here renders in a web request: requests only write rows and enqueue after commit.
"""

from __future__ import annotations

import hashlib
import logging
import os
import socket
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from campaigns.models import Campaign
from payments.outbox.queueing import enqueue_on_commit
from reports.models import ReportKind, ReportRun, ReportStatus
from reports.selectors.common import data_version

logger = logging.getLogger(__name__)
S = ReportStatus

# A batch's statements go to the workers this many per task (``tasks.generate_reports``): Celery's
# cost per task and the batch's progress update are paid once per task, not once per statement
# (ADR 0419). 20 one-gift statements take a worker 2-4 s.
STATEMENTS_PER_TASK = 20
# Set while a task renders several runs: their parents' progress is recomputed once, at the end.
_progress_later: ContextVar[bool] = ContextVar("reports_progress_later", default=False)


def _enqueue(run_id: int) -> None:
    from reports.tasks import generate_report

    enqueue_on_commit(generate_report, run_id)


def _enqueue_batched(run_ids: list[int]) -> None:
    from reports.tasks import generate_reports

    for start in range(0, len(run_ids), STATEMENTS_PER_TASK):
        enqueue_on_commit(generate_reports, run_ids[start : start + STATEMENTS_PER_TASK])


def _request(
    *,
    kind: str,
    subject: str,
    period: str,
    language: str,
    campaign_id: int | None = None,
    parent: ReportRun | None = None,
    send_email: bool = False,
    version: str | None = None,
    enqueue: bool = True,
) -> ReportRun:
    with transaction.atomic():
        run, created = ReportRun.objects.get_or_create(
            kind=kind,
            subject=subject,
            period=period,
            language=language,
            data_version=version or data_version(),
            defaults={"campaign_id": campaign_id, "parent": parent, "send_email": send_email},
        )
        if not created and run.status == S.FAILED:
            ReportRun.objects.filter(pk=run.pk).update(status=S.QUEUED, progress=0, error="")
            run.refresh_from_db()
            created = True
        if created and enqueue:
            _enqueue(run.pk)
    return run


def request_campaign_report(campaign_id: int, *, languages: Iterable[str] | None = None) -> list[ReportRun]:
    """Queue the campaign impact report in every site language (or ``languages``).

    Safe to call from any area inside ``transaction.on_commit`` after an outcome is verified or
    a release is paid: if the data did not change since the last request, nothing new is queued.
    """
    codes = list(languages) if languages is not None else [code for code, _name in settings.LANGUAGES]
    # An unknown id still gets a run, which fails with a readable error instead of vanishing.
    known = Campaign.objects.filter(pk=campaign_id).exists()
    return [
        _request(
            kind=ReportKind.CAMPAIGN_IMPACT,
            subject=f"campaign:{campaign_id}",
            period="",
            language=code,
            campaign_id=campaign_id if known else None,
        )
        for code in codes
    ]


def request_donor_statement(
    *, donor_id: int, period: str, language: str = "zh-hans", send_email: bool = False
) -> ReportRun:
    """Queue one donor's statement for ``period`` (a year, ``campaign-<id>`` or "" for all)."""
    return _request(
        kind=ReportKind.DONOR_STATEMENT,
        subject=f"donor:{donor_id}",
        period=period,
        language=language,
        send_email=send_email,
    )


def request_matcher_statement(*, matcher_id: int, language: str = "zh-hans") -> ReportRun:
    """Queue a matcher's statement to date (its pools, pay-ins and matches; ADR 0227)."""
    return _request(
        kind=ReportKind.MATCHER_STATEMENT, subject=f"matcher:{matcher_id}", period="", language=language
    )


def request_transparency_report(*, period: str = "", language: str = "zh-hans") -> ReportRun:
    return _request(
        kind=ReportKind.PLATFORM_TRANSPARENCY, subject="platform", period=period, language=language
    )


def request_donor_statements(*, period: str, language: str = "zh-hans", send_email: bool = True) -> ReportRun:
    """Queue a parent run that fans out one statement per donor with gifts in ``period``."""
    from reports.tasks import fan_out_donor_statements

    with transaction.atomic():
        parent = _request(
            kind=ReportKind.DONOR_STATEMENT_BATCH,
            subject="donors",
            period=period,
            language=language,
            send_email=send_email,
            enqueue=False,
        )
        if parent.status == S.QUEUED:
            enqueue_on_commit(fan_out_donor_statements, parent.pk)
    return parent


def fan_out(*, parent_id: int, donor_ids: list[int]) -> int:
    """Create (or find) one child statement per donor and queue the unfinished ones,
    ``STATEMENTS_PER_TASK`` to a task.

    Idempotent: a repeated fan-out after a crash creates no duplicates. Returns the child count.
    """
    with transaction.atomic():
        parent = ReportRun.objects.select_for_update().get(pk=parent_id)
        if parent.status in (S.DONE, S.FAILED):
            return parent.children.count()
        ReportRun.objects.bulk_create(
            [
                ReportRun(
                    kind=ReportKind.DONOR_STATEMENT,
                    subject=f"donor:{donor_id}",
                    period=parent.period,
                    language=parent.language,
                    data_version=parent.data_version,
                    parent=parent,
                    send_email=parent.send_email,
                )
                for donor_id in donor_ids
            ],
            ignore_conflicts=True,
            batch_size=1000,
        )
        # A statement requested on its own with the same data version joins this batch.
        ReportRun.objects.filter(
            kind=ReportKind.DONOR_STATEMENT,
            period=parent.period,
            language=parent.language,
            data_version=parent.data_version,
            parent__isnull=True,
            subject__in=[f"donor:{d}" for d in donor_ids],
        ).update(parent=parent)
        parent.status = S.RUNNING
        parent.started_at = parent.started_at or timezone.now()
        parent.save(update_fields=["status", "started_at"])
        pending = list(parent.children.filter(status__in=(S.QUEUED, S.FAILED)).values_list("pk", flat=True))
        parent.children.filter(status=S.FAILED).update(status=S.QUEUED, error="", progress=0)
        _enqueue_batched(pending)
    if not donor_ids:
        parent_progress(parent_id=parent_id)
    return len(donor_ids)


def _set_progress(run_id: int, percent: int) -> None:
    if _progress_later.get():
        return  # a statement among many takes a fraction of a second: its run goes from 5 to 100
    ReportRun.objects.filter(pk=run_id, status=S.RUNNING).update(progress=percent)


@contextmanager
def progress_once(*, run_ids: list[int]) -> Iterator[None]:
    """Render several runs with one progress update: inside, a run's own intermediate progress
    and its batch's recount are skipped; on leaving normally, each batch the runs belong to is
    recounted once (``parent_progress``), whether or not this attempt finished them, so a
    redelivered task whose runs were all finished still completes their batch. Raises what
    ``parent_progress`` raises."""
    token = _progress_later.set(True)
    try:
        yield
    finally:
        _progress_later.reset(token)
    parents = set(
        ReportRun.objects.filter(pk__in=run_ids, parent__isnull=False).values_list("parent_id", flat=True)
    )
    for parent_id in sorted(parents):
        parent_progress(parent_id=parent_id)


def run_start(*, run_id: int) -> ReportRun | None:
    """Mark an attempt as started; None when the run is already finished (nothing to do)."""
    with transaction.atomic():
        run = ReportRun.objects.select_for_update().filter(pk=run_id).first()
        if run is None or run.status in (S.DONE, S.FAILED):
            return None
        run.status = S.RUNNING
        run.attempts += 1
        run.progress = 5
        run.started_at = timezone.now()
        run.worker = f"{socket.gethostname()}:{os.getpid()}"
        run.save(update_fields=["status", "attempts", "progress", "started_at", "worker"])
    return run


def run_generate(*, run_id: int) -> ReportRun | None:
    """Render and store one run. Raises ``ReportDataError`` for bad data (the caller fails the run)."""
    from reports.documents import build_document
    from reports.rendering.pdf import html_parts_to_pdf

    run = run_start(run_id=run_id)
    if run is None:
        return None
    document = build_document(run)
    _set_progress(run_id, 40)
    pdf = html_parts_to_pdf(document.parts)
    _set_progress(run_id, 90)
    return run_store(run_id=run_id, pdf=pdf, data_checksum=document.data_checksum)


def run_store(*, run_id: int, pdf: bytes, data_checksum: str) -> ReportRun | None:
    """Store the PDF once. A second attempt that finishes later changes nothing."""
    with transaction.atomic():
        run = ReportRun.objects.select_for_update().get(pk=run_id)
        if run.status == S.DONE:
            return None
        run.file.save(f"{run.pk}.pdf", ContentFile(pdf), save=False)
        run.checksum = hashlib.sha256(pdf).hexdigest()
        run.data_checksum = data_checksum
        run.generated_at = timezone.now()
        run.status = S.DONE
        run.progress = 100
        run.error = ""
        run.save()
        _after_finish(run)
    return run


def run_fail(*, run_id: int, error: str) -> None:
    """Mark a run failed with a readable error (unless another attempt already finished it)."""
    with transaction.atomic():
        run = ReportRun.objects.select_for_update().filter(pk=run_id).first()
        if run is None or run.status == S.DONE:
            return
        run.status = S.FAILED
        run.error = error[:2000]
        run.save(update_fields=["status", "error"])
        _after_finish(run)
    logger.warning("report run %s failed: %s", run_id, error[:200])


def run_retrying(*, run_id: int, error: str) -> None:
    ReportRun.objects.filter(pk=run_id).exclude(status=S.DONE).update(
        status=S.QUEUED, error=f"retrying: {error[:1000]}"
    )


def _after_finish(run: ReportRun) -> None:
    if run.parent_id is not None and not _progress_later.get():
        parent_id = run.parent_id
        transaction.on_commit(lambda: parent_progress(parent_id=parent_id))
    if run.status == S.DONE and run.send_email and run.emailed_at is None:
        from reports.tasks import email_donor_statement

        enqueue_on_commit(email_donor_statement, run.pk)


def parent_progress(*, parent_id: int) -> None:
    """Recompute a batch's progress from its children; finish it when every child has finished."""
    with transaction.atomic():
        parent = ReportRun.objects.select_for_update().get(pk=parent_id)
        if parent.status in (S.DONE, S.FAILED):
            return
        counts = parent.children.aggregate(
            total=Count("id"),
            done=Count("id", filter=Q(status=S.DONE)),
            failed=Count("id", filter=Q(status=S.FAILED)),
        )
        finished = counts["done"] + counts["failed"]
        total = counts["total"]
        parent.progress = 100 if total == 0 else min(100, finished * 100 // total)
        if finished == total:
            parent.progress = 100
            parent.generated_at = timezone.now()
            if counts["failed"]:
                parent.status = S.FAILED
                first = parent.children.filter(status=S.FAILED).order_by("pk").first()
                parent.error = f"{counts['failed']} of {total} statements failed; first: {first.error}"
            else:
                parent.status = S.DONE
        parent.save(update_fields=["progress", "status", "generated_at", "error"])


def mark_emailed(*, run_id: int) -> bool:
    """True if this call claimed the email (so it is sent at most once per run)."""
    return bool(
        ReportRun.objects.filter(pk=run_id, status=S.DONE, emailed_at__isnull=True).update(
            emailed_at=timezone.now()
        )
    )


def unmark_emailed(*, run_id: int) -> None:
    ReportRun.objects.filter(pk=run_id).update(emailed_at=None)


def requeue_stale(*, older_than: timedelta | None = None) -> int:
    """Send runs whose message may be lost to the broker again.

    Queued runs older than ``REPORTS_REQUEUE_AFTER``, and running runs started longer ago than the
    hard time limit: no worker can still be running those (the limit would have killed it), so their
    worker died with the whole process, and the broker would only redeliver after its visibility
    timeout.
    """
    now = timezone.now()
    queued_before = now - (older_than or settings.REPORTS_REQUEUE_AFTER)
    running_before = now - timedelta(seconds=settings.REPORTS_TASK_TIME_LIMIT + 300)
    stale = ReportRun.objects.exclude(kind=ReportKind.DONOR_STATEMENT_BATCH).filter(
        Q(status=S.QUEUED, requested_at__lt=queued_before)
        | Q(status=S.RUNNING, started_at__lt=running_before)
    )
    ids = list(stale.values_list("pk", flat=True)[:5000])
    ReportRun.objects.filter(pk__in=ids, status=S.RUNNING).update(status=S.QUEUED)
    for run_id in ids:
        _enqueue(run_id)
    return len(ids)
