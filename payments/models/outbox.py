"""The outbox: provider calls that move money, written before they are made.

A command is written in the same transaction as the ledger reservation it belongs to, with a
deterministic ``key`` that is also the provider idempotency key. A sweeper retries pending
commands with backoff until they are done or fail for good.
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from campaigns.money import CURRENCY_CHOICES, Money


class OutboxStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed for good")


class OutboxCommand(models.Model):
    kind = models.CharField(max_length=32, db_index=True)
    key = models.CharField(max_length=200, unique=True)
    payload = models.JSONField(default=dict)
    status = models.CharField(
        max_length=16, choices=OutboxStatus.choices, default=OutboxStatus.PENDING, db_index=True
    )
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(db_index=True)
    last_error = models.TextField(blank=True)
    result = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("outbox command")
        verbose_name_plural = _("outbox")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.kind} {self.key} ({self.status})"


class RefundStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    SUCCEEDED = "succeeded", _("Refunded")
    FAILED = "failed", _("Failed")


class Refund(models.Model):
    """Money going back to a donor: asked for by a finance officer or by the all-or-nothing job."""

    donation = models.ForeignKey("payments.Donation", on_delete=models.PROTECT, related_name="refunds")
    amount_minor = models.BigIntegerField(_("amount (minor units)"))
    currency = models.CharField(_("currency"), max_length=3, choices=CURRENCY_CHOICES)
    reason = models.TextField(_("reason"))
    requested_by = models.ForeignKey(
        "auth.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    key = models.CharField(max_length=200, unique=True)
    status = models.CharField(
        max_length=16, choices=RefundStatus.choices, default=RefundStatus.PENDING, db_index=True
    )
    provider_refund_id = models.CharField(max_length=64, blank=True)
    failure_message = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("refund")
        verbose_name_plural = _("refunds")
        constraints = [
            models.CheckConstraint(condition=Q(amount_minor__gt=0), name="refund_amount_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.amount} ← {self.donation_id} ({self.status})"

    @property
    def amount(self) -> Money:
        return Money.from_minor(self.amount_minor, self.currency)


class DisputeStatus(models.TextChoices):
    OPEN = "open", _("Open")
    WON = "won", _("Won")
    LOST = "lost", _("Lost")


class Dispute(models.Model):
    """A card-holder's chargeback. While open, the amount sits in the campaign's disputed account."""

    provider_dispute_id = models.CharField(max_length=64, unique=True)
    donation = models.ForeignKey("payments.Donation", on_delete=models.PROTECT, related_name="disputes")
    amount_minor = models.BigIntegerField()
    currency = models.CharField(max_length=3, choices=CURRENCY_CHOICES)
    status = models.CharField(max_length=16, choices=DisputeStatus.choices, default=DisputeStatus.OPEN)
    reason = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(amount_minor__gt=0), name="dispute_amount_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.provider_dispute_id} ({self.status})"

    @property
    def amount(self) -> Money:
        return Money.from_minor(self.amount_minor, self.currency)
