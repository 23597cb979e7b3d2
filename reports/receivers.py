"""Signal receivers of reports, connected in ``ReportsConfig.ready``.

A campaign's impact report is regenerated when its outcomes or disbursements change: the named
domain signals ``campaigns.verification.signals.outcome_verified`` and
``payments.releases.signals.release_paid`` (both sent after the change commits) queue a new report,
so no other area has to call us and nothing here reads the audit log. The campaign page's cached
panels start a new version when an impact report is published.

Celery is reached through ``celery.current_app`` (the task's app), never through ``config``.
"""

from __future__ import annotations

import logging

from celery import current_app
from django.conf import settings
from django.core.cache import cache
from django.db.models.signals import post_save
from django.dispatch import receiver

from campaigns.models import Milestone
from campaigns.public_cache import bump_campaign_panels
from campaigns.verification.signals import outcome_verified
from payments.outbox.queueing import enqueue
from payments.releases.models import Release
from payments.releases.signals import release_paid
from reports.models import ReportKind, ReportRun, ReportStatus

logger = logging.getLogger(__name__)


def pending_key(campaign_id: int) -> str:
    return f"reports:regenerate-pending:{campaign_id}"


def schedule_regeneration(campaign_id: int) -> None:
    """Queue one regeneration per campaign per quiet window, however many changes arrive.

    A verifier signing off fifty surgeries in a row makes one report after the burst, not fifty:
    the first change schedules ``regenerate_campaign_report`` ``REPORTS_REGENERATE_DELAY_SECONDS``
    ahead, and the task clears the pending mark when it runs.
    """
    from reports.tasks import regenerate_campaign_report

    if current_app.conf.task_always_eager:
        # Eager Celery would render the PDF inside the caller's web request; reports never do.
        logger.info("campaign %s changed; eager Celery, report not regenerated", campaign_id)
        return
    delay = settings.REPORTS_REGENERATE_DELAY_SECONDS
    queued = cache.add(pending_key(campaign_id), 1, timeout=delay + 60)
    if queued and not enqueue(regenerate_campaign_report, campaign_id, countdown=delay):
        cache.delete(pending_key(campaign_id))  # broker down: the next change tries again


@receiver(outcome_verified, sender=Milestone, dispatch_uid="reports.regenerate_on_outcome_verified")
def regenerate_when_an_outcome_is_verified(sender, campaign_id: int, **kwargs) -> None:
    schedule_regeneration(campaign_id)


@receiver(release_paid, sender=Release, dispatch_uid="reports.regenerate_on_release_paid")
def regenerate_when_a_release_is_paid(sender, campaign_id: int, **kwargs) -> None:
    schedule_regeneration(campaign_id)


@receiver(post_save, sender=ReportRun, dispatch_uid="reports.panels_on_campaign_report")
def refresh_campaign_panels_when_a_report_is_published(sender, instance: ReportRun, **kwargs) -> None:
    """The campaign page links the latest finished impact report."""
    if instance.kind == ReportKind.CAMPAIGN_IMPACT and instance.status == ReportStatus.DONE:
        bump_campaign_panels(campaign_id=instance.campaign_id)
