"""Reconciliation runs: provider balance transactions matched to ledger entries, and what is not."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from campaigns.money import Money
from campaigns.site_time import site_datetime_text


class ReconciliationRun(models.Model):
    started_at = models.DateTimeField(_("started"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    since = models.DateTimeField(_("covers provider activity since"))
    provider_transactions = models.PositiveIntegerField(_("provider transactions"), default=0)
    matched = models.PositiveIntegerField(_("matched"), default=0)
    unmatched_provider = models.PositiveIntegerField(_("only at the provider"), default=0)
    unmatched_ledger = models.PositiveIntegerField(_("only in the ledger"), default=0)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        verbose_name = _("reconciliation run")
        verbose_name_plural = _("reconciliation runs")
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return _("Reconciliation of %(when)s") % {"when": site_datetime_text(self.started_at)}


class UnmatchedSide(models.TextChoices):
    PROVIDER = "provider", _("At the provider, not in the ledger")
    LEDGER = "ledger", _("In the ledger, not at the provider")


class UnmatchedItem(models.Model):
    run = models.ForeignKey(ReconciliationRun, on_delete=models.CASCADE, related_name="unmatched")
    side = models.CharField(_("side"), max_length=16, choices=UnmatchedSide.choices)
    reference = models.CharField(_("reference"), max_length=200)
    kind = models.CharField(_("kind"), max_length=64)
    amount_minor = models.BigIntegerField(_("amount (minor units)"))
    currency = models.CharField(_("currency"), max_length=3)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("unmatched item")
        verbose_name_plural = _("unmatched items")
        ordering = ["run", "side", "id"]

    def __str__(self) -> str:
        return f"{self.get_side_display()}: {self.reference}"

    @property
    def amount(self) -> Money:
        """The amount as people read it (``amount_minor`` is in the currency's minor units)."""
        return Money.from_minor(self.amount_minor, self.currency)
