from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from campaigns.reader_language import reader_str


class PartnerKind(models.TextChoices):
    HOSPITAL = "hospital", _("Hospital")
    SCHOOL = "school", _("School")
    TRAINING_CENTRE = "training_centre", _("Training centre")


class Partner(models.Model):
    """An organisation that delivers outcomes and receives releases from escrow."""

    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    kind = models.CharField(_("kind"), max_length=32, choices=PartnerKind.choices)
    region = models.CharField(
        _("region"),
        max_length=200,
        help_text=_("Province, city and county, e.g. 湖南省永州市江华瑶族自治县."),
    )
    region_en = models.CharField(_("region (English)"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    website = models.URLField(_("website"), blank=True)
    # Payout: a Stripe Connect account when the partner has one, otherwise bank transfer details
    # that finance officers use to record a manual transfer.
    stripe_account_id = models.CharField(_("Stripe connected account"), max_length=64, blank=True)
    bank_account_name = models.CharField(_("bank account name"), max_length=200, blank=True)
    bank_account_reference = models.CharField(
        _("bank account (restricted)"),
        max_length=200,
        blank=True,
        help_text=_("Bank and account number. Visible to finance officers only."),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("partner")
        verbose_name_plural = _("partners")
        ordering = ["name"]

    def __str__(self) -> str:
        return reader_str(self, "name")  # the admin in the staff member's language (issue 13)


class PartnerMember(models.Model):
    """A user who acts for one partner (the partner role): they see that partner's cases only."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="partner_membership"
    )
    partner = models.ForeignKey(
        Partner, verbose_name=_("partner"), on_delete=models.PROTECT, related_name="members"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("partner member")
        verbose_name_plural = _("partner members")

    def __str__(self) -> str:
        return f"{self.user} · {self.partner}"
