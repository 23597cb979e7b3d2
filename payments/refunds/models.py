"""Refunds: money going back to a donor, through the outbox."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from campaigns.money import CURRENCY_CHOICES, Money
from campaigns.templatetags.labels import bracketed_text


class RefundStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    # An automatic refund (all-or-nothing) the provider refused: retried with backoff until it
    # succeeds or a finance officer takes it over.
    RETRYING = "retrying", _("Refused by the provider, retrying")
    SUCCEEDED = "succeeded", _("Refunded")
    FAILED = "failed", _("Failed")


class Refund(models.Model):
    """Money going back to a donor: asked for by a finance officer or by the all-or-nothing job."""

    donation = models.ForeignKey(
        "payments.Donation", on_delete=models.PROTECT, related_name="refunds", verbose_name=_("gift")
    )
    amount_minor = models.BigIntegerField(_("amount (minor units)"))
    currency = models.CharField(_("currency"), max_length=3, choices=CURRENCY_CHOICES)
    reason = models.TextField(_("reason"))
    requested_by = models.ForeignKey(
        "auth.User",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("asked by"),
    )
    key = models.CharField(_("idempotency key"), max_length=200, unique=True)
    status = models.CharField(
        _("status"), max_length=16, choices=RefundStatus.choices, default=RefundStatus.PENDING, db_index=True
    )
    provider_refund_id = models.CharField(_("provider's refund id"), max_length=64, blank=True)
    failure_message = models.CharField(_("provider's reason"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("asked at"), auto_now_add=True)
    completed_at = models.DateTimeField(_("done at"), null=True, blank=True)

    class Meta:
        verbose_name = _("refund")
        verbose_name_plural = _("refunds")
        constraints = [
            models.CheckConstraint(condition=Q(amount_minor__gt=0), name="refund_amount_positive"),
        ]

    def __str__(self) -> str:
        return bracketed_text(f"{self.amount} ← {self.donation_id}", self.get_status_display())

    @property
    def amount(self) -> Money:
        return Money.from_minor(self.amount_minor, self.currency)

    @property
    def credit_note_number(self) -> str:
        """The credit note's number (``payments.donations.receipts``); "" until the refund succeeded."""
        from payments.donations.receipts import NoReceipt
        from payments.refunds.credit_notes import credit_note_number

        try:
            return credit_note_number(self)
        except NoReceipt:
            return ""

    @property
    def is_automatic(self) -> bool:
        """Asked for by the system (all-or-nothing), not by a finance officer."""
        return self.requested_by_id is None
