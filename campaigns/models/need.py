"""The needs board: small individual needs of verified households, and their funnel."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from campaigns.money import CURRENCY_CHOICES, Money


class NeedKind(models.TextChoices):
    SCHOOL = "school", _("School supplies and uniforms")
    MOBILITY = "mobility", _("Mobility aid (wheelchair, crutches)")
    MEDICAL = "medical", _("Medicine and medical supplies")
    HOUSEHOLD = "household", _("Household goods (bedding, stove)")
    LIVELIHOOD = "livelihood", _("Tools, seeds, livestock")


class NeedStatus(models.TextChoices):
    # The funnel, in order. A need moves forward only.
    POSTED = "posted", _("Posted")
    MATCHED = "matched", _("Matched with a donor")
    FUNDED = "funded", _("Funded")
    DELIVERED = "delivered", _("Delivered")
    VERIFIED = "verified", _("Delivery verified")


NEED_FUNNEL = list(NeedStatus.values)


class Need(models.Model):
    beneficiary = models.ForeignKey("campaigns.Beneficiary", on_delete=models.PROTECT, related_name="needs")
    title = models.CharField(_("what is needed"), max_length=200, help_text=_("e.g. “A wheelchair”."))
    title_en = models.CharField(_("what is needed (English)"), max_length=200, blank=True)
    kind = models.CharField(_("kind"), max_length=16, choices=NeedKind.choices)
    amount_minor = models.BigIntegerField(_("cost (minor units)"))
    currency = models.CharField(_("currency"), max_length=3, choices=CURRENCY_CHOICES, default="CNY")
    province = models.CharField(_("province"), max_length=50, db_index=True)
    county = models.CharField(_("county"), max_length=50)
    county_en = models.CharField(_("county (English)"), max_length=50, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=NeedStatus.choices, default=NeedStatus.POSTED
    )
    posted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    posted_at = models.DateTimeField(auto_now_add=True)
    matched_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    donor_alias = models.CharField(_("donor's public name"), max_length=100, blank=True)
    matched_at = models.DateTimeField(null=True, blank=True)
    funded_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    verified_at = models.DateTimeField(null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("need")
        verbose_name_plural = _("needs board")
        ordering = ["-posted_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount_minor__gt=0), name="need_amount_positive"),
            models.CheckConstraint(condition=Q(status__in=NeedStatus.values), name="need_status_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.title} · {self.beneficiary.pseudonym}"

    @property
    def amount(self) -> Money:
        return Money.from_minor(self.amount_minor, self.currency)
