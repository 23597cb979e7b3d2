"""The needs board: small individual needs of verified households, and their funnel.

A need is proposed (by a field officer or a verifier), vetted by a verifier who is not its poster
(only then is it public), held for a donor who claims it while they pay, funded by the paid gift,
delivered (confirmed by the partner or the field officer) and verified by a verifier with
evidence. The allowed moves are ``NEED_STATES`` (``campaigns.verification.needs``).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from campaigns.money import CURRENCY_CHOICES, Money
from campaigns.reader_language import reader_str


class NeedKind(models.TextChoices):
    SCHOOL = "school", _("School supplies and uniforms")
    MOBILITY = "mobility", _("Mobility aid (wheelchair, crutches)")
    MEDICAL = "medical", _("Medicine and medical supplies")
    HOUSEHOLD = "household", _("Household goods (bedding, stove)")
    LIVELIHOOD = "livelihood", _("Tools, seeds, livestock")


class NeedStatus(models.TextChoices):
    # Before the board: waiting for a second person to vet it, or refused by them.
    PROPOSED = "proposed", _("Waiting to be vetted")
    REJECTED = "rejected", _("Not published")
    # The funnel, in order.
    POSTED = "posted", _("Posted")
    MATCHED = "matched", _("Matched with a donor")
    FUNDED = "funded", _("Funded")
    DELIVERED = "delivered", _("Delivered")
    VERIFIED = "verified", _("Delivery verified")


# The public funnel (transparency page and report): the stages a vetted need goes through.
NEED_FUNNEL = [
    NeedStatus.POSTED.value,
    NeedStatus.MATCHED.value,
    NeedStatus.FUNDED.value,
    NeedStatus.DELIVERED.value,
    NeedStatus.VERIFIED.value,
]
PUBLIC_NEED_STATUSES = tuple(NEED_FUNNEL)
# A donor paid for it: only these count as matched (a claim held while its donor pays may lapse).
PAID_NEED_STATUSES = tuple(NEED_FUNNEL[2:])


class Need(models.Model):
    beneficiary = models.ForeignKey(
        "campaigns.Beneficiary", verbose_name=_("beneficiary"), on_delete=models.PROTECT, related_name="needs"
    )
    title = models.CharField(_("what is needed"), max_length=200, help_text=_("e.g. “A wheelchair”."))
    title_en = models.CharField(_("what is needed (English)"), max_length=200, blank=True)
    description = models.TextField(
        _("description"),
        blank=True,
        help_text=_("Why it is needed and how it will be used. No names, ID numbers, addresses or phones."),
    )
    description_en = models.TextField(_("description (English)"), blank=True)
    kind = models.CharField(_("kind"), max_length=16, choices=NeedKind.choices)
    amount_minor = models.BigIntegerField(_("cost (minor units)"))
    currency = models.CharField(_("currency"), max_length=3, choices=CURRENCY_CHOICES, default="CNY")
    province = models.CharField(_("province"), max_length=50, db_index=True)
    county = models.CharField(_("county"), max_length=50)
    partner = models.ForeignKey(
        "campaigns.Partner",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="needs",
        verbose_name=_("partner who delivers"),
    )
    county_en = models.CharField(_("county (English)"), max_length=50, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=NeedStatus.choices, default=NeedStatus.PROPOSED
    )
    posted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("posted by")
    )
    posted_at = models.DateTimeField(_("posted at"), auto_now_add=True)
    vetted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("vetted by"),
    )
    vetted_at = models.DateTimeField(_("vetted at"), null=True, blank=True)
    vetting_note = models.TextField(_("vetting note"), blank=True)
    matched_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("matched by"),
    )
    donor_alias = models.CharField(_("donor's public name"), max_length=100, blank=True)
    matched_at = models.DateTimeField(_("matched at"), null=True, blank=True)
    # A claim holds the need for one donor while they pay; unpaid, it lapses at ``held_until``
    # (``NEEDS_HOLD_MINUTES``). ``held_for`` is a digest of the claiming client (never its address),
    # so holds per client can be counted.
    held_until = models.DateTimeField(_("held until"), null=True, blank=True, db_index=True)
    held_for = models.CharField(_("held for"), max_length=64, blank=True, db_index=True)
    hold_token = models.CharField(_("hold token"), max_length=64, blank=True)
    # The gift that paid for it (``payments.Donation`` id, an integer so campaigns does not depend
    # on payments, as ``Donation.earmark_beneficiary_id``): its ledger entry is the funding link.
    funded_by_gift_id = models.BigIntegerField(_("paid by gift no."), null=True, blank=True, unique=True)
    funded_at = models.DateTimeField(_("funded at"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    delivered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("delivered by"),
    )
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("verified by"),
    )

    class Meta:
        verbose_name = _("need")
        verbose_name_plural = _("needs")
        ordering = ["-posted_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount_minor__gt=0), name="need_amount_positive"),
            models.CheckConstraint(condition=Q(status__in=NeedStatus.values), name="need_status_valid"),
            models.CheckConstraint(
                condition=~Q(status="matched") | Q(held_until__isnull=False), name="need_matched_is_held"
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["funded", "delivered", "verified"]) | Q(funded_at__isnull=False),
                name="need_funded_has_date",
            ),
            models.CheckConstraint(
                condition=~Q(status="verified") | Q(verified_by__isnull=False),
                name="need_verified_has_verifier",
            ),
        ]

    def __str__(self) -> str:
        return f"{reader_str(self, 'title')} · {reader_str(self.beneficiary, 'pseudonym')}"

    @property
    def amount(self) -> Money:
        return Money.from_minor(self.amount_minor, self.currency)

    def is_open(self, *, now=None) -> bool:
        """On the board for a donor to claim: posted, or held by a claim whose time has run out
        (the beat task puts it back; until then this read-time check does)."""
        now = now or timezone.now()
        if self.status == NeedStatus.POSTED:
            return True
        return self.status == NeedStatus.MATCHED and self.held_until is not None and self.held_until <= now
