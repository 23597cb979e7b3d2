"""The donor count, kept as gifts change instead of counted over every gift.

``CampaignDonor`` says whether a donor has at least one gift that still counts in a campaign (the
rule of ``payments.figures.selectors.donors_count``); ``DonorCount`` holds the number of such
donors, spread over slots like ledger balances. Both are written only by the database triggers of
migration ``ledger_balances_and_donor_counts``, at commit of the transaction that changed a gift
or one of its disputes. ADR 0211.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class CampaignDonor(models.Model):
    campaign = models.ForeignKey("campaigns.Campaign", on_delete=models.CASCADE, related_name="+")
    donor = models.ForeignKey("payments.DonorProfile", on_delete=models.CASCADE, related_name="+")
    counts = models.BooleanField(_("counts"), default=False)

    class Meta:
        verbose_name = _("campaign donor")
        verbose_name_plural = _("campaign donors")
        constraints = [
            models.UniqueConstraint(fields=["campaign", "donor"], name="campaign_donor_once"),
        ]

    def __str__(self) -> str:
        return f"{self.donor_id} in {self.campaign_id}: {self.counts}"


class DonorCount(models.Model):
    campaign = models.ForeignKey("campaigns.Campaign", on_delete=models.CASCADE, related_name="+")
    slot = models.SmallIntegerField(_("slot"))
    donors = models.IntegerField(_("donors"), default=0)

    class Meta:
        verbose_name = _("donor count")
        verbose_name_plural = _("donor counts")
        constraints = [
            models.UniqueConstraint(fields=["campaign", "slot"], name="donor_count_one_row_per_slot"),
        ]

    def __str__(self) -> str:
        return f"{self.campaign_id}/{self.slot}: {self.donors}"
