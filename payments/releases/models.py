"""Releases of escrow to partners for verified outcomes, objections to them, and payouts.

requested → (objected ⇄ requested) → approved → paid, or cancelled when an objection is upheld.
A release is approved by a finance officer who did not verify its milestone (four eyes), only
after the public notice period and with no objection open. Approval moves the amount from escrow
to the partner's payable account and allocates it to specific donations; payment moves it on to
the partner, by Stripe Connect transfer or a recorded bank transfer.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from campaigns.money import CURRENCY_CHOICES, Money
from campaigns.storage import private_storage


class ReleaseStatus(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    OBJECTED = "objected", _("Paused by an objection")
    APPROVED = "approved", _("Approved, not yet paid")  # the figure's word (docs/glossary.md)
    PAID = "paid", _("Paid to the partner")
    CANCELLED = "cancelled", _("Cancelled")


class PayoutMethod(models.TextChoices):
    CONNECT = "connect", _("Stripe Connect transfer")
    BANK = "bank", _("Bank transfer")


class Release(models.Model):
    milestone = models.OneToOneField("campaigns.Milestone", on_delete=models.PROTECT, related_name="release")
    campaign = models.ForeignKey(
        "campaigns.Campaign", on_delete=models.PROTECT, related_name="releases", verbose_name=_("campaign")
    )
    partner = models.ForeignKey(
        "campaigns.Partner", on_delete=models.PROTECT, related_name="releases", verbose_name=_("partner")
    )
    amount_minor = models.BigIntegerField(_("amount (minor units)"))
    currency = models.CharField(_("currency"), max_length=3, choices=CURRENCY_CHOICES)
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=ReleaseStatus.choices,
        default=ReleaseStatus.REQUESTED,
        db_index=True,
    )
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    notice_ends_at = models.DateTimeField(_("public notice ends at"))
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    payout_method = models.CharField(
        _("payout method"), max_length=16, choices=PayoutMethod.choices, blank=True
    )
    provider_transfer_id = models.CharField(_("transfer id"), max_length=64, blank=True, db_index=True)
    bank_reference = models.CharField(_("bank transfer reference"), max_length=100, blank=True)
    bank_proof = models.FileField(_("proof of transfer"), storage=private_storage, upload_to="payouts/%Y/%m/",
                                  blank=True)  # fmt: skip
    paid_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)

    class Meta:
        verbose_name = _("release")
        verbose_name_plural = _("releases")
        ordering = ["-requested_at", "-id"]
        permissions = [("approve_release", _("Can approve releases and record payouts"))]
        constraints = [
            models.CheckConstraint(condition=Q(amount_minor__gt=0), name="release_amount_positive"),
            models.CheckConstraint(condition=Q(status__in=ReleaseStatus.values), name="release_status_valid"),
            models.CheckConstraint(
                condition=Q(status__in=["requested", "objected", "cancelled"])
                | (Q(approved_by__isnull=False) & Q(approved_at__isnull=False)),
                name="release_approved_has_approver",
            ),
        ]

    def __str__(self) -> str:
        # An admin heading: no ASCII brackets around a Chinese status (issue 13).
        return f"{self.amount} → {self.partner} · {self.get_status_display()}"

    @property
    def amount(self) -> Money:
        return Money.from_minor(self.amount_minor, self.currency)


class ObjectionResolution(models.TextChoices):
    DISMISSED = "dismissed", _("Dismissed: the release goes ahead")
    UPHELD = "upheld", _("Upheld: the release is cancelled")


class Objection(models.Model):
    """Anyone may object to a release during its notice period; it pauses the release."""

    release = models.ForeignKey(Release, on_delete=models.PROTECT, related_name="objections")
    name = models.CharField(_("your name"), max_length=100)
    contact = models.CharField(_("email or phone (not published)"), max_length=200, blank=True)
    reason = models.TextField(_("what is wrong"))
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    filed_at = models.DateTimeField(auto_now_add=True)
    resolution = models.CharField(max_length=16, choices=ObjectionResolution.choices, blank=True)
    resolution_note = models.TextField(_("finance officer's answer"), blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("objection")
        verbose_name_plural = _("objections")
        ordering = ["-filed_at", "-id"]

    def __str__(self) -> str:
        return _("objection to release %(number)s") % {"number": self.release_id}

    @property
    def is_open(self) -> bool:
        return not self.resolution
