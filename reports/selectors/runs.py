"""Which report runs exist: the latest published report of a campaign, runs for the admin."""

from __future__ import annotations

from django.db.models import Case, QuerySet, Value, When

from reports.models import ReportKind, ReportRun, ReportStatus


def latest_campaign_report(*, campaign_id: int, language: str) -> ReportRun | None:
    """The newest finished impact report, in ``language`` if there is one, else in any language."""
    in_language = Case(When(language=language, then=Value(0)), default=Value(1))
    return (
        ReportRun.objects.filter(
            kind=ReportKind.CAMPAIGN_IMPACT, campaign_id=campaign_id, status=ReportStatus.DONE
        )
        .order_by(in_language, "-generated_at", "-pk")
        .first()
    )


def runs_for_admin() -> QuerySet[ReportRun]:
    return ReportRun.objects.select_related("campaign").filter(parent__isnull=True)
