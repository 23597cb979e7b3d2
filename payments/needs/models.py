"""Gifts started to pay for a need of the needs board (ADR 0307)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class NeedGift(models.Model):
    """A gift a donor started while holding a need (``hold_token``). When it reaches escrow it
    funds the need (``campaigns.verification.needs.need_fund``); its capture entry in the ledger is
    the need's funding link. Several may exist per need (a declined card, a retry); one funds it."""

    need = models.ForeignKey("campaigns.Need", on_delete=models.PROTECT, related_name="gifts")
    donation = models.OneToOneField(
        "payments.Donation", on_delete=models.PROTECT, related_name="need_gift", verbose_name=_("gift")
    )
    hold_token = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("gift for a need")
        verbose_name_plural = _("gifts for needs")

    def __str__(self) -> str:
        return f"{self.donation_id} → need {self.need_id}"
