"""Regenerate a campaign's impact report when its outcomes or disbursements change.

Listens to the audit log, which every area appends to on each state change, so no other area has
to call us: a verified outcome (``milestone.verified``) or a paid release (``release.paid``)
queues a new report once the change commits. Other areas may also call
``reports.services.request_campaign_report`` directly inside ``transaction.on_commit``.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver

from campaigns.models import AuditEvent
from campaigns.public_cache import bump_campaign_panels
from reports.models import ReportKind, ReportRun, ReportStatus

logger = logging.getLogger(__name__)

REGENERATING_ACTIONS = frozenset({"milestone.verified", "release.paid"})


def campaign_of(event: AuditEvent) -> int | None:
    from campaigns.models import Milestone
    from payments.models import Release

    if not event.subject_id.isdigit():
        return None
    if event.subject_type == "campaigns.Milestone":
        rows = Milestone.objects.filter(pk=int(event.subject_id)).values_list(
            "beneficiary__campaign_id", flat=True
        )
    elif event.subject_type == "payments.Release":
        rows = Release.objects.filter(pk=int(event.subject_id)).values_list("campaign_id", flat=True)
    else:
        return None
    return rows.first()


def regenerate_after_commit(campaign_id: int) -> None:
    """Queue one regeneration per campaign per quiet window, however many changes arrive.

    A verifier signing off fifty surgeries in a row makes one report after the burst, not fifty.
    """
    from config.celery import app, enqueue
    from reports.tasks import regenerate_campaign_report

    if app.conf.task_always_eager:
        # Eager Celery would render the PDF inside the caller's web request; reports never do.
        logger.info("campaign %s changed; eager Celery, report not regenerated", campaign_id)
        return
    delay = settings.REPORTS_REGENERATE_DELAY_SECONDS
    queued = cache.add(pending_key(campaign_id), 1, timeout=delay + 60)
    if queued and not enqueue(regenerate_campaign_report, campaign_id, countdown=delay):
        cache.delete(pending_key(campaign_id))  # broker down: the next change tries again


def pending_key(campaign_id: int) -> str:
    return f"reports:regenerate-pending:{campaign_id}"


@receiver(post_save, sender=AuditEvent, dispatch_uid="reports.regenerate_on_outcome_or_payment")
def regenerate_campaign_report(sender, instance: AuditEvent, created: bool, **kwargs) -> None:
    if not created or instance.action not in REGENERATING_ACTIONS:
        return
    campaign_id = campaign_of(instance)
    if campaign_id is not None:
        transaction.on_commit(lambda: regenerate_after_commit(campaign_id))


@receiver(post_save, sender=ReportRun, dispatch_uid="reports.panels_on_campaign_report")
def refresh_campaign_panels_when_a_report_is_published(sender, instance: ReportRun, **kwargs) -> None:
    """The campaign page links the latest finished impact report."""
    if instance.kind == ReportKind.CAMPAIGN_IMPACT and instance.status == ReportStatus.DONE:
        bump_campaign_panels(campaign_id=instance.campaign_id)
