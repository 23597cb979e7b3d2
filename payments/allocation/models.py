"""Which donations' cents each release consumed: what the donor's trace reads.

Refunds and disputes are already tied to one donation (``Refund``/``Dispute``); a release is
not, so approving one writes allocation rows: earmarked gifts for the beneficiary first, then
unearmarked gifts first in, first out. Rows are never edited.
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from campaigns.money import CURRENCY_CHOICES, Money
from campaigns.templatetags.labels import bracketed_text


class Allocation(models.Model):
    donation = models.ForeignKey("payments.Donation", on_delete=models.PROTECT, related_name="allocations")
    release = models.ForeignKey("payments.Release", on_delete=models.PROTECT, related_name="allocations")
    amount_minor = models.BigIntegerField(_("amount (minor units)"))
    currency = models.CharField(_("currency"), max_length=3, choices=CURRENCY_CHOICES)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("allocation")
        verbose_name_plural = _("allocations")
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount_minor__gt=0), name="allocation_amount_positive"),
            models.UniqueConstraint(fields=["release", "donation"], name="allocation_once_per_release"),
        ]

    def __str__(self) -> str:
        return f"{self.amount} of gift {self.donation_id} → release {self.release_id}"

    @property
    def amount(self) -> Money:
        return Money.from_minor(self.amount_minor, self.currency)


class AllocationCursor(models.Model):
    """Where first-in, first-out allocation of a campaign's unearmarked gifts resumes (ADR 0213).

    Every unearmarked gift of the campaign ordered before (``captured_at``, ``donation_id``) held
    nothing when the row was written, except gifts whose held cents can come back (a refund that
    failed, a dispute won, a gift moved in), which ``allocate_release`` reads whatever the cursor
    says. Written only by ``allocate_release``, under this row's lock, which also serialises two
    approvals of one campaign.
    """

    campaign = models.OneToOneField("campaigns.Campaign", on_delete=models.PROTECT, primary_key=True,
                                    related_name="+")  # fmt: skip
    captured_at = models.DateTimeField(null=True, blank=True)
    donation_id = models.BigIntegerField(null=True, blank=True)

    class Meta:
        verbose_name = _("allocation cursor")
        verbose_name_plural = _("allocation cursors")

    def __str__(self) -> str:
        return bracketed_text(f"campaign {self.campaign_id}: from gift {self.donation_id}", self.captured_at)
