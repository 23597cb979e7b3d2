"""Outcomes a beneficiary reaches, each with an amount payable to a partner once verified."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from campaigns.money import CURRENCY_CHOICES, Money
from campaigns.reader_language import reader_str


class MilestoneKind(models.TextChoices):
    SURGERY_PERFORMED = "surgery_performed", _("Surgery performed")
    TERM_ENROLLED = "term_enrolled", _("Term enrolled, fees due")
    MODULE_COMPLETED = "module_completed", _("Training module completed")
    BUSINESS_PLAN_APPROVED = "business_plan_approved", _("Business plan approved")
    # A need of the needs board delivered and verified (ADR 0307): pays its partner.
    NEED_DELIVERED = "need_delivered", _("Need delivered")


class MilestoneStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    REPORTED = "reported", _("Evidence reported")
    VERIFIED = "verified", _("Verified")
    REJECTED = "rejected", _("Rejected")


class Milestone(models.Model):
    beneficiary = models.ForeignKey(
        "campaigns.Beneficiary",
        verbose_name=_("beneficiary"),
        on_delete=models.PROTECT,
        related_name="milestones",
    )
    kind = models.CharField(_("kind of outcome"), max_length=32, choices=MilestoneKind.choices)
    title = models.CharField(_("title"), max_length=200, blank=True, help_text=_("e.g. “Term 1, 2026–27”."))
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    amount_minor = models.BigIntegerField(_("amount (minor units)"))
    currency = models.CharField(_("currency"), max_length=3, choices=CURRENCY_CHOICES, default="CNY")
    partner = models.ForeignKey(
        "campaigns.Partner", verbose_name=_("partner"), on_delete=models.PROTECT, related_name="milestones"
    )
    due_date = models.DateField(_("evidence due by"))
    status = models.CharField(
        _("status"), max_length=16, choices=MilestoneStatus.choices, default=MilestoneStatus.PLANNED
    )
    reported_at = models.DateTimeField(_("evidence reported at"), null=True, blank=True)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("evidence reported by"),
    )
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("verified by"),
    )
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    verification_note = models.TextField(_("verifier's note"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    # A stage of a staged grant (``campaigns.models.grant``): its place in the schedule, and the
    # schedule's length kept beside it so the public "stage n of m" needs no join.
    grant = models.ForeignKey(
        "campaigns.Grant", null=True, blank=True, on_delete=models.PROTECT, related_name="stages",
        verbose_name=_("staged grant"),
    )  # fmt: skip
    stage = models.PositiveSmallIntegerField(_("stage"), null=True, blank=True)
    stage_count = models.PositiveSmallIntegerField(_("of stages"), null=True, blank=True)
    # The need whose verified delivery this outcome is (kind "need delivered"): its release pays
    # the need's partner from the gift that funded it (``campaigns.verification.needs.need_verify``).
    need = models.OneToOneField(
        "campaigns.Need", null=True, blank=True, on_delete=models.PROTECT, related_name="payment_outcome",
        verbose_name=_("need"),
    )  # fmt: skip

    class Meta:
        # People call it an outcome everywhere (menu, headings, pages, PDFs; issue 13): the code
        # keeps the name ``Milestone``.
        verbose_name = _("outcome")
        verbose_name_plural = _("outcomes")
        ordering = ["due_date", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount_minor__gt=0), name="milestone_amount_positive"),
            models.CheckConstraint(
                condition=Q(status__in=MilestoneStatus.values), name="milestone_status_valid"
            ),
            models.CheckConstraint(
                condition=~Q(status="verified")
                | (Q(verified_at__isnull=False) & Q(verified_by__isnull=False)),
                name="milestone_verified_has_verifier",
            ),
            models.CheckConstraint(
                condition=(Q(grant__isnull=True) & Q(stage__isnull=True) & Q(stage_count__isnull=True))
                | (Q(grant__isnull=False) & Q(stage__gte=1) & Q(stage__lte=models.F("stage_count"))),
                name="milestone_stage_of_its_grant",
            ),
            models.UniqueConstraint(fields=["grant", "stage"], name="milestone_one_per_grant_stage"),
            models.CheckConstraint(
                condition=Q(need__isnull=True) | Q(kind="need_delivered"),
                name="milestone_of_a_need_is_its_delivery",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {reader_str(self.beneficiary, 'pseudonym')}"

    @property
    def amount(self) -> Money:
        return Money.from_minor(self.amount_minor, self.currency)

    @property
    def stage_label(self) -> str:
        """ "Stage 2 of 3" for a stage of a staged grant, else empty."""
        if self.stage is None:
            return ""
        return _("Stage %(n)d of %(m)d") % {"n": self.stage, "m": self.stage_count}
