"""Celery tasks for reports. Thin: they take ids and call ``reports.services``.

Every task is idempotent, acknowledged late and rejected back to the queue if its worker dies, so
a killed worker's report is picked up by another worker and still stored exactly once.
"""

from __future__ import annotations

import logging
import smtplib
from collections import Counter

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core import signing
from django.db import InterfaceError, OperationalError
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from campaigns.site_mail import send_site_mail
from campaigns.site_name import from_address, site_name
from payments.outbox.queueing import enqueue
from reports import services
from reports.selectors.common import ReportDataError

logger = logging.getLogger(__name__)

# Failures worth trying again: the database or broker blinked, a socket timed out.
TRANSIENT = (OperationalError, InterfaceError, ConnectionError, TimeoutError)

RELIABLE = {
    "acks_late": True,
    "reject_on_worker_lost": True,
    "soft_time_limit": settings.REPORTS_TASK_SOFT_TIME_LIMIT,
    "time_limit": settings.REPORTS_TASK_TIME_LIMIT,
}


def backoff(retries: int) -> int:
    return min(10 * 2**retries, 600)


@shared_task(bind=True, max_retries=settings.REPORTS_TASK_MAX_RETRIES, **RELIABLE)
def generate_report(self, run_id: int) -> str:
    try:
        run = services.run_generate(run_id=run_id)
    except ReportDataError as exc:
        services.run_fail(run_id=run_id, error=str(exc))
        return "failed"
    except SoftTimeLimitExceeded:
        limit = settings.REPORTS_TASK_SOFT_TIME_LIMIT
        services.run_fail(run_id=run_id, error=f"stopped: rendering took longer than {limit} seconds")
        return "failed"
    except TRANSIENT as exc:
        message = f"{type(exc).__name__}: {exc}"
        if self.request.retries >= self.max_retries:
            services.run_fail(
                run_id=run_id, error=f"gave up after {self.request.retries + 1} attempts: {message}"
            )
            return "failed"
        services.run_retrying(run_id=run_id, error=message)
        raise self.retry(exc=exc, countdown=backoff(self.request.retries)) from exc
    except Exception as exc:
        # A bug, not bad data: record it readably on the run instead of leaving it "running".
        logger.exception("report run %s crashed", run_id)
        services.run_fail(run_id=run_id, error=f"internal error: {type(exc).__name__}: {exc}")
        return "failed"
    return "done" if run is not None else "skipped"


@shared_task(**RELIABLE)
def generate_reports(run_ids: list[int]) -> dict[str, int]:
    """Render several runs in one task: a batch's statements, ``services.STATEMENTS_PER_TASK`` at
    a time (ADR 0419). Each run ends as ``generate_report`` would end it (done, failed with a
    readable error, skipped when already finished); one that meets a transient failure is handed
    to ``generate_report`` alone, which retries it with backoff. Redelivered after its worker
    died, the finished runs are skipped and none is stored twice. Returns the count per outcome.
    """
    outcomes: Counter[str] = Counter()
    with services.progress_once(run_ids=run_ids):
        for index, run_id in enumerate(run_ids):
            try:
                outcomes[_generate_among_many(run_id)] += 1
            except SoftTimeLimitExceeded:
                limit = settings.REPORTS_TASK_SOFT_TIME_LIMIT
                services.run_fail(run_id=run_id, error=f"stopped: rendering took longer than {limit} seconds")
                outcomes["failed"] += 1
                for later in run_ids[index + 1 :]:  # a fresh task each, with the whole limit
                    services.run_retrying(run_id=later, error="the task it shared ran out of time")
                    enqueue(generate_report, later)
                    outcomes["requeued"] += 1
                break
    return dict(outcomes)


def _generate_among_many(run_id: int) -> str:
    try:
        run = services.run_generate(run_id=run_id)
    except ReportDataError as exc:
        services.run_fail(run_id=run_id, error=str(exc))
        return "failed"
    except TRANSIENT as exc:
        services.run_retrying(run_id=run_id, error=f"{type(exc).__name__}: {exc}")
        enqueue(generate_report, run_id, countdown=backoff(0))
        return "retrying"
    except SoftTimeLimitExceeded:
        raise
    except Exception as exc:
        logger.exception("report run %s crashed", run_id)
        services.run_fail(run_id=run_id, error=f"internal error: {type(exc).__name__}: {exc}")
        return "failed"
    return "done" if run is not None else "skipped"


@shared_task(bind=True, max_retries=settings.REPORTS_TASK_MAX_RETRIES, **RELIABLE)
def fan_out_donor_statements(self, parent_id: int) -> int:
    from reports.models import ReportRun
    from reports.selectors.donor_statement import donors_with_gifts

    parent = ReportRun.objects.get(pk=parent_id)
    try:
        donor_ids = donors_with_gifts(period=parent.period)
        return services.fan_out(parent_id=parent_id, donor_ids=donor_ids)
    except ReportDataError as exc:
        services.run_fail(run_id=parent_id, error=str(exc))
        return 0
    except TRANSIENT as exc:
        raise self.retry(exc=exc, countdown=backoff(self.request.retries)) from exc


def statement_link(run_id: int) -> str:
    token = signing.dumps({"run": run_id}, salt="reports.donor-statement")
    return settings.SITE_URL.rstrip("/") + reverse("reports:statement", kwargs={"token": token})


@shared_task(bind=True, max_retries=settings.REPORTS_TASK_MAX_RETRIES, **RELIABLE)
def email_donor_statement(self, run_id: int) -> bool:
    from reports.models import ReportRun
    from reports.selectors.donor_statement import donor_email

    run = ReportRun.objects.get(pk=run_id)
    email = donor_email(subject=run.subject)
    if not email or not services.mark_emailed(run_id=run_id):
        return False
    link = statement_link(run_id)
    with translation.override(run.language):
        subject = _("Your %(site)s donor statement") % {"site": site_name()}
        sender = from_address()
        body = _(
            "Thank you for your gifts. Your statement for %(period)s, with where each cent went, "
            "is ready: %(link)s\n\nThe link is personal; please do not share it."
        ) % {"period": run.period or _("all time"), "link": link}
    try:
        send_site_mail(subject, body, sender, [email])
    except (smtplib.SMTPException, OSError) as exc:
        services.unmark_emailed(run_id=run_id)  # claimed but not sent: let the retry send it
        raise self.retry(exc=exc, countdown=backoff(self.request.retries)) from exc
    return True


@shared_task(**RELIABLE)
def regenerate_campaign_report(campaign_id: int) -> int:
    """After a verified outcome or paid release (debounced by ``reports.receivers``)."""
    from django.core.cache import cache

    from reports.receivers import pending_key

    cache.delete(pending_key(campaign_id))  # later changes schedule another regeneration
    return len(services.request_campaign_report(campaign_id))


@shared_task(**RELIABLE)
def request_monthly_campaign_reports() -> int:
    from campaigns.models import Campaign, CampaignStatus

    ids = Campaign.objects.filter(status__in=(CampaignStatus.LIVE, CampaignStatus.FUNDED)).values_list(
        "pk", flat=True
    )
    for campaign_id in ids:
        services.request_campaign_report(campaign_id)
    services.request_transparency_report(period=str(timezone.localdate().year))
    return len(ids)


@shared_task(**RELIABLE)
def request_yearly_donor_statements() -> int:
    last_year = str(timezone.localdate().year - 1)
    return services.request_donor_statements(period=last_year).pk


@shared_task(**RELIABLE)
def requeue_stale_runs() -> int:
    return services.requeue_stale()
