"""Staged grants for entrepreneur leaders: one grant for one beneficiary of a livelihood campaign,
paid in an ordered schedule of stages (training modules, business-plan approval).

Each stage is a ``Milestone`` (``grant`` and ``stage`` set), released on its own verified outcome.
The rules (``campaigns.verification.grants``, ADR 0310):

- the stages' amounts add up to the grant exactly: checked by the service with a clear error, and
  by the database at commit (a deferred constraint trigger, migration
  ``campaigns.0013_staged_grants``), so no path leaves a schedule that does not add up;
- a stage is released only once every earlier stage is verified (``stage_release_refusal``,
  asked by ``payments.releases.services.release_approve``);
- a verified stage's amount never changes (its release was requested for that amount): refused by
  the service and by a trigger.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from campaigns.money import CURRENCY_CHOICES, Money
from campaigns.reader_language import reader_str


class Grant(models.Model):
    beneficiary = models.ForeignKey(
        "campaigns.Beneficiary",
        on_delete=models.PROTECT,
        related_name="grants",
        verbose_name=_("beneficiary"),
    )
    title = models.CharField(_("title"), max_length=200, help_text=_("e.g. “Start-up grant, 2026 cohort”."))
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    amount_minor = models.BigIntegerField(_("grant (minor units)"))
    currency = models.CharField(_("currency"), max_length=3, choices=CURRENCY_CHOICES, default="CNY")
    stage_count = models.PositiveSmallIntegerField(_("stages"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("staged grant")
        verbose_name_plural = _("staged grants")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount_minor__gt=0), name="grant_amount_positive"),
            models.CheckConstraint(condition=Q(stage_count__gte=1), name="grant_has_stages"),
        ]

    def __str__(self) -> str:
        return f"{reader_str(self, 'title')} · {reader_str(self.beneficiary, 'pseudonym')}"

    @property
    def amount(self) -> Money:
        return Money.from_minor(self.amount_minor, self.currency)
