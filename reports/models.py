"""One record per generated (or attempted) report: what, for whom, in which language, from which data."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from campaigns.site_time import site_date
from reports.storage import private_report_storage


class ReportKind(models.TextChoices):
    CAMPAIGN_IMPACT = "campaign_impact", _("Campaign impact report")
    DONOR_STATEMENT = "donor_statement", _("Donor statement")
    PLATFORM_TRANSPARENCY = "platform_transparency", _("Platform transparency report")
    MATCHER_STATEMENT = "matcher_statement", _("Matcher statement")
    # A parent run that fans out one donor statement per donor and tracks their progress.
    DONOR_STATEMENT_BATCH = "donor_statement_batch", _("Donor statements for every donor")


class ReportStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


PUBLIC_KINDS = frozenset({ReportKind.CAMPAIGN_IMPACT, ReportKind.PLATFORM_TRANSPARENCY})


def report_upload_to(run: ReportRun, filename: str) -> str:
    return f"{run.kind}/{run.pk}-{run.language}.pdf"


class ReportRun(models.Model):
    """A report requested for one subject, period, language and version of the data.

    The tuple (kind, subject, period, language, data_version) is unique, so asking twice for the
    same report while nothing changed returns the first run, and a retried task works on that
    same row instead of producing a second PDF. ``data_version`` is the ledger and audit-log
    high-water mark at request time: any new posting or state change makes a new version.
    """

    kind = models.CharField(_("kind"), max_length=32, choices=ReportKind.choices, db_index=True)
    subject = models.CharField(
        _("subject"),
        max_length=120,
        help_text=_('"campaign:<id>", "donor:<keyed hash of the email>" or "platform".'),
    )
    campaign = models.ForeignKey(
        "campaigns.Campaign",
        verbose_name=_("campaign"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="report_runs",
    )
    period = models.CharField(
        _("period"), max_length=32, blank=True, help_text=_('A year ("2026"); empty means "to date".')
    )
    language = models.CharField(_("language"), max_length=8)
    data_version = models.CharField(_("data version"), max_length=64)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )
    status = models.CharField(
        _("status"), max_length=16, choices=ReportStatus.choices, default=ReportStatus.QUEUED, db_index=True
    )
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    file = models.FileField(
        _("file"), storage=private_report_storage, upload_to=report_upload_to, blank=True, max_length=200
    )
    checksum = models.CharField(_("SHA-256 of the PDF"), max_length=64, blank=True)
    data_checksum = models.CharField(_("SHA-256 of the report data"), max_length=64, blank=True)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    worker = models.CharField(_("last worker"), max_length=200, blank=True)
    error = models.TextField(_("error"), blank=True)
    send_email = models.BooleanField(
        _("email the donor when done"), default=False, help_text=_("Donor statements only.")
    )
    emailed_at = models.DateTimeField(_("emailed at"), null=True, blank=True)
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True, db_index=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    generated_at = models.DateTimeField(_("generated at"), null=True, blank=True)

    class Meta:
        verbose_name = _("report run")
        verbose_name_plural = _("report runs")
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "subject", "period", "language", "data_version"],
                name="report_run_one_per_data_version",
            ),
            models.CheckConstraint(condition=Q(progress__lte=100), name="report_run_progress_percent"),
            models.CheckConstraint(condition=Q(kind__in=ReportKind.values), name="report_run_kind_valid"),
            models.CheckConstraint(
                condition=Q(status__in=ReportStatus.values), name="report_run_status_valid"
            ),
            models.CheckConstraint(
                condition=~Q(status=ReportStatus.DONE) | Q(progress=100), name="report_run_done_is_complete"
            ),
        ]
        indexes = [models.Index(fields=["campaign", "kind", "status"], name="report_run_campaign_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.subject} {self.period} {self.language} #{self.pk}"

    @property
    def subject_display(self) -> str:
        """Who or what the report is about, as staff read it ("donor:7" is "Donor no. 7"; issue 13)."""
        kind, _colon, number = self.subject.partition(":")
        if kind == "campaign" and self.campaign_id:
            return str(self.campaign)
        labels = {
            "campaign": _("Campaign no. %(number)s"),
            "donor": _("Donor no. %(number)s"),
            "matcher": _("Matcher no. %(number)s"),
        }
        if kind in labels and number:
            return str(labels[kind]) % {"number": number}
        return str(
            {"platform": _("The whole platform"), "donors": _("Every donor")}.get(self.subject, self.subject)
        )

    @property
    def language_display(self) -> str:
        """The report's language by its name in the reader's language ("英文", "Simplified Chinese"), not its code."""
        from django.conf import settings

        return str(dict(settings.WAGTAIL_CONTENT_LANGUAGES).get(self.language, self.language))

    @property
    def is_public(self) -> bool:
        return self.kind in PUBLIC_KINDS

    @property
    def filename(self) -> str:
        name = {"campaign_impact": "campaign", "donor_statement": "statement"}.get(self.kind, "report")
        date = site_date(self.generated_at).strftime("%Y%m%d") if self.generated_at else "draft"
        return f"clearfund-{name}-{self.pk}-{self.language}-{date}.pdf"
