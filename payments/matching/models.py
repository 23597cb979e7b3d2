"""Matching pools (配捐): a matcher pledges to match eligible gifts, pays the pledge in, and each
eligible gift is matched once, from the pool's ledger account to the campaign's escrow.

The money itself is in the ledger (ADR 0227): a pool's paid-in money sits in its ``match_pool``
account (``pledge.*`` entries bring it in from ``matcher_funds``), a match moves some of it into
escrow (``match.gift``), and a refund or lost dispute moves it back (``match.reduced``). These rows
record who pledged what, the pay-ins a finance officer recorded and a second one confirmed, and
which gift each match belongs to.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from campaigns.models.constraints import money_constraints
from campaigns.models.four_eyes import FourEyesRecord
from campaigns.money import CURRENCY_CHOICES, Money


class MatcherKind(models.TextChoices):
    COMPANY = "company", _("Company")
    FOUNDATION = "foundation", _("Foundation")


class Matcher(models.Model):
    """A company or foundation that matches gifts; its public page lists what it matched."""

    name = models.CharField(_("public name (Chinese)"), max_length=120)
    name_en = models.CharField(_("public name (English)"), max_length=120, blank=True,
                               help_text=_("Shown on the English site; the Chinese name is used if empty."))  # fmt: skip
    slug = models.SlugField(_("slug"), max_length=80, unique=True,
                            help_text=_("The matcher's page address: /matchers/<slug>/."))  # fmt: skip
    kind = models.CharField(
        _("kind"), max_length=16, choices=MatcherKind.choices, default=MatcherKind.COMPANY
    )
    about = models.TextField(_("about (Chinese)"), blank=True)
    about_en = models.TextField(_("about (English)"), blank=True)
    website = models.URLField(_("website"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("matcher")
        verbose_name_plural = _("matchers")
        ordering = ["name", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=MatcherKind.values), name="matcher_kind_valid")
        ]

    def __str__(self) -> str:
        return self.public_name

    def get_absolute_url(self) -> str:
        return reverse("payments:matcher_page", kwargs={"slug": self.slug})

    @property
    def public_name(self) -> str:
        """The name in the reader's language (English twin when the page is English and it has one)."""
        if self.name_en and (get_language() or "").startswith("en"):
            return self.name_en
        return self.name

    @property
    def public_about(self) -> str:
        if self.about_en and (get_language() or "").startswith("en"):
            return self.about_en
        return self.about


class PoolStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class MatchPool(models.Model):
    """A pledge to match gifts: ``ratio`` yuan per yuan given (1 = 1:1), up to ``cap`` in all and
    ``per_donor_cap`` per donor, for gifts captured in [``starts_at``, ``ends_at``) to the eligible
    campaigns. Only money paid in is matched (ADR 0227)."""

    matcher = models.ForeignKey(
        Matcher, on_delete=models.PROTECT, related_name="pools", verbose_name=_("matcher")
    )
    title = models.CharField(_("title (Chinese)"), max_length=160,
                             help_text=_("For example: 99 giving day, 1:1 matching."))  # fmt: skip
    title_en = models.CharField(_("title (English)"), max_length=160, blank=True)
    currency = models.CharField(_("currency"), max_length=3, choices=CURRENCY_CHOICES, default="CNY")
    ratio = models.DecimalField(_("ratio"), max_digits=6, decimal_places=2, default=Decimal("1"),
                                help_text=_("Yuan matched per yuan given: 1 is 1:1, 2 is 2:1, 0.5 is 1:2."))  # fmt: skip
    cap_minor = models.BigIntegerField(_("total cap (minor units)"),
                                       help_text=_("The most the pool matches in all: the pledge."))  # fmt: skip
    per_donor_cap_minor = models.BigIntegerField(_("per-donor cap (minor units)"), null=True, blank=True,
                                                 help_text=_("The most one donor's gifts are matched; empty for no limit."))  # fmt: skip
    starts_at = models.DateTimeField(_("matches gifts from"), help_text=_("In the site's time zone."))
    ends_at = models.DateTimeField(_("matches gifts until"), help_text=_("In the site's time zone; gifts from this moment on are not matched."))  # fmt: skip
    campaigns = models.ManyToManyField("campaigns.Campaign", related_name="match_pools",
                                       verbose_name=_("eligible campaigns"))  # fmt: skip
    status = models.CharField(_("status"), max_length=16, choices=PoolStatus.choices, default=PoolStatus.OPEN)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("matching pool")
        verbose_name_plural = _("matching pools")
        ordering = ["-starts_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(ratio__gte=0), name="match_pool_ratio_not_negative"),
            *money_constraints(
                "match_pool", positive={"cap": "cap_minor"}, choices={"status": PoolStatus.values}
            ),
            models.CheckConstraint(
                condition=Q(per_donor_cap_minor__isnull=True) | Q(per_donor_cap_minor__gt=0),
                name="match_pool_per_donor_cap_positive",
            ),
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="match_pool_window_ordered"),
        ]
        indexes = [models.Index(fields=["status", "ends_at"], name="match_pool_open_idx")]

    def __str__(self) -> str:
        # An admin heading and tab title: no ASCII colon between Chinese names (issue 13).
        return f"{self.matcher.public_name} · {self.public_title}"

    @property
    def public_title(self) -> str:
        if self.title_en and (get_language() or "").startswith("en"):
            return self.title_en
        return self.title

    @property
    def cap(self) -> Money:
        return Money.from_minor(self.cap_minor, self.currency)

    @property
    def per_donor_cap(self) -> Money | None:
        return (
            None
            if self.per_donor_cap_minor is None
            else Money.from_minor(self.per_donor_cap_minor, self.currency)
        )

    @property
    def ratio_label(self) -> str:
        """``1:1``, ``2:1``, ``0.5:1``: yuan matched to yuan given."""
        return f"{self.ratio.normalize():f}:1"

    @property
    def account_code(self) -> str:
        return f"match_pool:{self.currency}:pool-{self.pk}"


class PayInMethod(models.TextChoices):
    CARD = "card", _("Card (through the payment provider)")
    BANK_TRANSFER = "bank_transfer", _("Bank transfer")
    OFFLINE = "offline", _("Offline record (cheque, cash at the office)")


# The reference of a pay-in the matcher makes on its card payment page: ``checkout-<random>``.
CARD_CHECKOUT_PREFIX = "checkout-"


class PayInStatus(models.TextChoices):
    RECORDED = "recorded", _("Recorded, awaiting confirmation")
    CONFIRMED = "confirmed", _("Confirmed")
    REJECTED = "rejected", _("Rejected")


class PoolPayIn(FourEyesRecord):
    """Money a matcher paid towards its pledge, recorded by one finance officer and confirmed by
    another (four eyes); only a confirmed pay-in reaches the pool's ledger account."""

    pool = models.ForeignKey(
        MatchPool, on_delete=models.PROTECT, related_name="pay_ins", verbose_name=_("pool")
    )
    amount_minor = models.BigIntegerField(_("amount (minor units)"))
    currency = models.CharField(_("currency"), max_length=3, choices=CURRENCY_CHOICES)
    method = models.CharField(_("paid by"), max_length=16, choices=PayInMethod.choices)
    reference = models.CharField(_("reference"), max_length=120,
                                 help_text=_("Bank reference, provider payment id or receipt number."))  # fmt: skip
    status = models.CharField(
        _("status"), max_length=16, choices=PayInStatus.choices, default=PayInStatus.RECORDED
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    # A card pay-in the matcher makes on its payment page (ADR 0238 §card): the card setup and the
    # payment at the provider, and when the provider said it was paid (webhook or the page's own
    # answer). Empty for pay-ins recorded after the fact.
    provider_setup_intent_id = models.CharField(_("provider's card setup id"), max_length=64, blank=True)
    provider_payment_intent_id = models.CharField(_("provider's payment id"), max_length=64, blank=True)
    card_paid_at = models.DateTimeField(_("paid by card at"), null=True, blank=True)

    class Meta:
        verbose_name = _("pledge pay-in")
        verbose_name_plural = _("pledge pay-ins")
        ordering = ["-recorded_at", "-pk"]
        constraints = [
            *money_constraints(
                "pool_pay_in", choices={"status": PayInStatus.values, "method": PayInMethod.values}
            ),
            models.UniqueConstraint(fields=["method", "reference"], name="pool_pay_in_reference_once"),
        ]

    def __str__(self) -> str:
        return f"{self.pool} {self.amount}"

    @property
    def amount(self) -> Money:
        return Money.from_minor(self.amount_minor, self.currency)

    @property
    def entry_key(self) -> str:
        return f"pledge:{self.pk}:paid_in"

    @property
    def is_card_checkout(self) -> bool:
        """Paid by the matcher on its card payment page (not recorded after the fact)."""
        return self.method == PayInMethod.CARD and self.reference.startswith(CARD_CHECKOUT_PREFIX)


class ReturnStatus(models.TextChoices):
    RECORDED = "recorded", _("Recorded, awaiting confirmation")
    CONFIRMED = "confirmed", _("Confirmed")
    REJECTED = "rejected", _("Rejected")


class PoolReturn(FourEyesRecord):
    """A closed pool's paid-in but unmatched money returned to its matcher (ADR 0238): recorded by
    one finance officer, confirmed by another (money leaving, like releases), posted once as
    ``pool_return.to_matcher`` (the pool's account → returned to matchers, key
    ``pool:<pool>:returned:<id>``)."""

    pool = models.ForeignKey(
        MatchPool, on_delete=models.PROTECT, related_name="returns", verbose_name=_("pool")
    )
    amount_minor = models.BigIntegerField(_("amount (minor units)"))
    currency = models.CharField(_("currency"), max_length=3, choices=CURRENCY_CHOICES)
    reference = models.CharField(_("bank reference of the transfer back"), max_length=120, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=ReturnStatus.choices, default=ReturnStatus.RECORDED
    )

    class Meta:
        verbose_name = _("leftover returned to the matcher")
        verbose_name_plural = _("leftovers returned to matchers")
        ordering = ["-recorded_at", "-pk"]
        constraints = [
            *money_constraints("pool_return", choices={"status": ReturnStatus.values}),
            # One return awaiting its second officer per pool: two cannot promise the same money.
            models.UniqueConstraint(
                fields=["pool"], condition=Q(status="recorded"), name="pool_return_one_awaiting"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.pool} → {self.amount}"

    @property
    def amount(self) -> Money:
        return Money.from_minor(self.amount_minor, self.currency)

    @property
    def entry_key(self) -> str:
        return f"pool:{self.pool_id}:returned:{self.pk}"


class PoolMatch(models.Model):
    """The one match of one gift by one pool: ``amount_minor`` moved into escrow when it was
    matched, ``reduced_minor`` of it moved back since (refunds, lost disputes), ``released_minor``
    of it consumed by releases (``MatchAllocation``; kept here in the approving transaction so a
    release finds matches that still hold cents without reading the others). Held: the rest."""

    pool = models.ForeignKey(MatchPool, on_delete=models.PROTECT, related_name="matches")
    donation = models.ForeignKey("payments.Donation", on_delete=models.PROTECT, related_name="matches")
    donor = models.ForeignKey("payments.DonorProfile", on_delete=models.PROTECT, related_name="+")
    campaign = models.ForeignKey("campaigns.Campaign", on_delete=models.PROTECT, related_name="+")
    amount_minor = models.BigIntegerField(_("matched (minor units)"))
    reduced_minor = models.BigIntegerField(_("given back to the pool (minor units)"), default=0)
    released_minor = models.BigIntegerField(_("released to partners (minor units)"), default=0)
    currency = models.CharField(_("currency"), max_length=3, choices=CURRENCY_CHOICES)
    created_at = models.DateTimeField(_("matched at"), auto_now_add=True)

    class Meta:
        verbose_name = _("match")
        verbose_name_plural = _("matches")
        constraints = [
            models.UniqueConstraint(fields=["pool", "donation"], name="pool_match_once_per_gift"),
            *money_constraints("pool_match"),
            models.CheckConstraint(
                condition=Q(reduced_minor__gte=0) & Q(reduced_minor__lte=F("amount_minor")),
                name="pool_match_reduced_within_amount",
            ),
            models.CheckConstraint(
                condition=Q(released_minor__gte=0)
                & Q(released_minor__lte=F("amount_minor") - F("reduced_minor")),
                name="pool_match_released_within_net",
            ),
        ]
        indexes = [
            models.Index(fields=["pool", "donor"], name="pool_match_donor_idx"),
            # Matches of a campaign that still hold cents, oldest first: what a release reads.
            models.Index(
                fields=["campaign", "id"],
                condition=Q(amount_minor__gt=F("reduced_minor") + F("released_minor")),
                name="pool_match_holding_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.pool_id}/{self.donation_id}: {self.net}"

    @property
    def net(self) -> Money:
        """What of this match the campaign has now (held or released)."""
        return Money.from_minor(self.amount_minor - self.reduced_minor, self.currency)

    @property
    def held_minor(self) -> int:
        """What of this match is still in escrow, not released."""
        return self.amount_minor - self.reduced_minor - self.released_minor

    @property
    def entry_key(self) -> str:
        return f"match:{self.pool_id}:{self.donation_id}"


class MatchAllocation(models.Model):
    """Which match's cents a release consumed, after the gifts' own (``allocate_release``): what
    a matcher's page reads as approved and paid to partners. Rows are never edited."""

    match = models.ForeignKey(PoolMatch, on_delete=models.PROTECT, related_name="allocations")
    release = models.ForeignKey(
        "payments.Release", on_delete=models.PROTECT, related_name="match_allocations"
    )
    amount_minor = models.BigIntegerField(_("amount (minor units)"))
    currency = models.CharField(_("currency"), max_length=3, choices=CURRENCY_CHOICES)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("matched funds allocation")
        verbose_name_plural = _("matched funds allocations")
        constraints = [
            *money_constraints("match_allocation"),
            models.UniqueConstraint(fields=["release", "match"], name="match_allocation_once_per_release"),
        ]

    def __str__(self) -> str:
        return f"{self.amount_minor} of match {self.match_id} → release {self.release_id}"
