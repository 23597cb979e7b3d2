"""Disputes (chargebacks) raised by a card-holder's bank against a gift."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from campaigns.money import CURRENCY_CHOICES, Money
from campaigns.templatetags.labels import bracketed_text


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

    # A dispute in these states keeps the gift's cents out of escrow (open: frozen; lost: gone).
    # Per-gift accounting reads them from the class (``payments.allocation``), not by importing it.
    OPEN_STATUSES = (DisputeStatus.OPEN,)
    LOST_STATUSES = (DisputeStatus.LOST,)
    HOLDING_STATUSES = OPEN_STATUSES + LOST_STATUSES

    class Meta:
        verbose_name = _("dispute")
        verbose_name_plural = _("disputes")
        constraints = [
            models.CheckConstraint(condition=Q(amount_minor__gt=0), name="dispute_amount_positive"),
        ]

    def __str__(self) -> str:
        return bracketed_text(self.provider_dispute_id, self.get_status_display())

    @property
    def amount(self) -> Money:
        return Money.from_minor(self.amount_minor, self.currency)
