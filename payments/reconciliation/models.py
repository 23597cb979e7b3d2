"""Reconciliation runs: provider balance transactions matched to ledger entries, and what is not."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ReconciliationRun(models.Model):
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    since = models.DateTimeField(_("covers provider activity since"))
    provider_transactions = models.PositiveIntegerField(default=0)
    matched = models.PositiveIntegerField(default=0)
    unmatched_provider = models.PositiveIntegerField(default=0)
    unmatched_ledger = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)

    class Meta:
        verbose_name = _("reconciliation run")
        verbose_name_plural = _("reconciliation runs")
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return f"reconciliation {self.started_at:%Y-%m-%d %H:%M}"


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
        return f"{self.side}: {self.reference}"
