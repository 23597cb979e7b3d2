"""Donations and the donors who make them.

A ``Donation`` row is written before the provider is called; its ``idempotency_key`` is derived
from the donor's form submission (or the monthly plan and period), so a double submit or a retried
job finds the same row, and the same key goes to the provider. Every status change appends a
``DonationEvent`` (``payments.donations.states.donation_transition``, the only writer of ``status``,
checks the move against ``DONATION_STATES``); the row's ``status`` is a cache of the last event.
"""

from __future__ import annotations

import uuid
from datetime import date

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from campaigns.money import CURRENCY_CHOICES, Money
from campaigns.templatetags.labels import bracketed_text


class Frequency(models.TextChoices):
    ONE_OFF = "one_off", _("One-off")
    MONTHLY = "monthly", _("Monthly")


class DonationStatus(models.TextChoices):
    CREATED = "created", _("Created")  # row written, provider not yet called
    AWAITING_CARD = "awaiting_card", _("Awaiting card details")  # SetupIntent made, browser confirms
    PROCESSING = "processing", _("Processing")  # PaymentIntent confirmed, waiting for the provider
    REQUIRES_ACTION = "requires_action", _("Needs card authentication")  # 3-D Secure
    SUCCEEDED = "succeeded", _("Received")
    FAILED = "failed", _("Failed")
    BLOCKED = "blocked", _("Blocked")
    PARTIALLY_REFUNDED = "partially_refunded", _("Partially refunded")
    REFUNDED = "refunded", _("Refunded")
    DISPUTED = "disputed", _("Disputed")
    CHARGED_BACK = "charged_back", _("Returned by the card holder's bank")
    MOVED = "moved", _("Moved to another campaign")


class PaymentMethodType(models.TextChoices):
    """How the donor paid: Stripe's payment method type of the gift's PaymentIntent (ADR 0231)."""

    CARD = "card", _("Card")
    WECHAT_PAY = "wechat_pay", _("WeChat Pay")
    ALIPAY = "alipay", _("Alipay")


# The idempotency key of a gift received offline (cash or bank transfer, ADR 0230) starts with
# this: it names the ``OfflineGift`` it was confirmed from (``payments.offline.services``).
OFFLINE_KEY_PREFIX = "offline:"

# A donation has reached escrow once it is in one of these states.
CAPTURED_STATES = (
    DonationStatus.SUCCEEDED,
    DonationStatus.PARTIALLY_REFUNDED,
    DonationStatus.REFUNDED,
    DonationStatus.DISPUTED,
    DonationStatus.CHARGED_BACK,
    DonationStatus.MOVED,
)


class DonorProfile(models.Model):
    """One per donor email. Signed links to the donor's page name this row; bumping
    ``link_version`` revokes every link sent before."""

    email = models.EmailField(_("email"), unique=True)
    link_version = models.PositiveIntegerField(default=1)
    provider_customer_id = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("donor")
        verbose_name_plural = _("donors")

    def __str__(self) -> str:
        return self.email


class Donation(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    campaign = models.ForeignKey(
        "campaigns.Campaign", on_delete=models.PROTECT, related_name="donations", verbose_name=_("campaign")
    )
    donor = models.ForeignKey(DonorProfile, on_delete=models.PROTECT, related_name="donations")
    amount_minor = models.BigIntegerField(_("amount (minor units)"))
    currency = models.CharField(_("currency"), max_length=3, choices=CURRENCY_CHOICES)
    refunded_minor = models.BigIntegerField(_("refunded (minor units)"), default=0)
    language = models.CharField(
        _("language"),
        max_length=10,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
        help_text=_("The donor's language when giving: mail, links and documents about it use it."),
    )
    frequency = models.CharField(
        _("frequency"), max_length=16, choices=Frequency.choices, default=Frequency.ONE_OFF
    )
    payment_method_type = models.CharField(
        _("paid with"), max_length=16, choices=PaymentMethodType.choices, default=PaymentMethodType.CARD
    )
    status = models.CharField(
        _("status"), max_length=24, choices=DonationStatus.choices, default=DonationStatus.CREATED
    )
    display_name = models.CharField(_("name on the wall of support"), max_length=80, blank=True)
    anonymous = models.BooleanField(_("anonymous"), default=False)
    dedication = models.CharField(_("in honour of"), max_length=120, blank=True)
    public_message = models.CharField(_("public message"), max_length=280, blank=True)
    # All-or-nothing campaigns: the donor agrees that a gift to a failed campaign moves to a live
    # campaign of the same kind instead of coming back.
    sibling_opt_in = models.BooleanField(_("move to a similar campaign if this one fails"), default=False)
    moved_to = models.ForeignKey(
        "campaigns.Campaign", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Hook for the verification area: a gift earmarked for one beneficiary is allocated to them
    # first. An integer, not a foreign key, so payments does not depend on the beneficiary model.
    earmark_beneficiary_id = models.BigIntegerField(null=True, blank=True)
    monthly_plan = models.ForeignKey(
        "payments.MonthlyPlan", null=True, blank=True, on_delete=models.PROTECT, related_name="donations"
    )
    idempotency_key = models.CharField(max_length=120, unique=True)
    provider_setup_intent_id = models.CharField(max_length=64, blank=True)
    provider_payment_method_id = models.CharField(max_length=64, blank=True)
    provider_payment_intent_id = models.CharField(max_length=64, blank=True, db_index=True)
    provider_charge_id = models.CharField(max_length=64, blank=True, db_index=True)
    failure_message = models.CharField(max_length=300, blank=True)
    client_ip = models.GenericIPAddressField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)
    captured_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("donation")
        verbose_name_plural = _("donations")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount_minor__gt=0), name="donation_amount_positive"),
            models.CheckConstraint(
                condition=Q(refunded_minor__gte=0) & Q(refunded_minor__lte=models.F("amount_minor")),
                name="donation_refunded_within_amount",
            ),
            models.CheckConstraint(
                condition=Q(currency__in=[c for c, _n in CURRENCY_CHOICES]), name="donation_currency_valid"
            ),
            models.CheckConstraint(
                condition=Q(status__in=DonationStatus.values), name="donation_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(payment_method_type__in=PaymentMethodType.values),
                name="donation_payment_method_type_valid",
            ),
            # Wallets take one-off gifts only: WeChat Pay cannot be charged again off-session, and
            # Alipay recurring needs Stripe's separate approval (ADR 0201).
            models.CheckConstraint(
                condition=Q(payment_method_type=PaymentMethodType.CARD) | Q(frequency=Frequency.ONE_OFF),
                name="donation_wallet_gifts_one_off",
            ),
            models.UniqueConstraint(
                fields=["provider_payment_intent_id"],
                condition=~Q(provider_payment_intent_id=""),
                name="donation_unique_payment_intent",
            ),
        ]
        indexes = [
            models.Index(fields=["campaign", "status"], name="donation_campaign_status_idx"),
            # A campaign's gifts in the order they reached it: first-in, first-out allocation
            # reads them from a cursor (ADR 0213), the wall of support reads the newest.
            models.Index(fields=["campaign", "captured_at", "id"], name="donation_campaign_captured"),
            # A campaign's earmarked gifts (few), read by every unit-funding refresh (ADR 0223):
            # without it each refresh scanned all the campaign's gifts.
            models.Index(
                fields=["campaign", "earmark_beneficiary_id"],
                condition=models.Q(earmark_beneficiary_id__isnull=False),
                name="donation_campaign_earmarked",
            ),
        ]

    def __str__(self) -> str:
        # Read by people (admin lists): the campaign's title and the status's label, never codes.
        return bracketed_text(f"{self.amount} → {self.campaign}", self.get_status_display())

    @property
    def amount(self) -> Money:
        return Money.from_minor(self.amount_minor, self.currency)

    @property
    def refunded(self) -> Money:
        return Money.from_minor(self.refunded_minor, self.currency)

    @property
    def refundable(self) -> Money:
        return self.amount - self.refunded

    @property
    def wall_name(self) -> str:
        """The name the public may see: never the donor's when they chose anonymity."""
        if self.anonymous:
            return str(_("Anonymous"))
        return self.display_name or str(_("A friend"))

    @property
    def is_captured(self) -> bool:
        return self.status in CAPTURED_STATES

    @property
    def receipt_number(self) -> str:
        """The gift's one receipt number (``payments.donations.receipts``); "" before capture."""
        from payments.donations.receipts import receipt_number

        return receipt_number(self) if self.captured_at is not None else ""

    @property
    def gift_day(self) -> date | None:
        """The day of the gift in the site's time zone, as receipts, statements and the donor's page
        date it: for a gift received offline the day the village station or the bank received the
        money (``OfflineGift.received_on``), not the day a finance officer confirmed it; otherwise
        the capture's day. ``None`` before capture. An offline gift reads its record (one query
        unless ``offline`` was selected with the gift); other gifts read nothing."""
        from campaigns.site_time import site_date

        if self.captured_at is None:
            return None
        if self.idempotency_key.startswith(OFFLINE_KEY_PREFIX):
            try:
                return self.offline.received_on
            except ObjectDoesNotExist:  # a key of that shape without its record: the capture's day
                pass
        return site_date(self.captured_at)

    @property
    def credit_notes(self) -> list:
        """The gift's succeeded refunds, oldest first: each is a credit note referencing the receipt.
        Reads ``refunds`` through a prefetch when there is one (``donor_gifts``)."""
        done = [r for r in self.refunds.all() if r.credit_note_number]
        return sorted(done, key=lambda r: (r.completed_at, r.pk))


class DonationEvent(models.Model):
    """Append-only log of a donation's status changes (and of notable provider replies)."""

    donation = models.ForeignKey(Donation, on_delete=models.PROTECT, related_name="events")
    at = models.DateTimeField(auto_now_add=True, db_index=True)
    from_status = models.CharField(max_length=24, blank=True)
    to_status = models.CharField(max_length=24)
    note = models.CharField(max_length=300, blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.donation_id}: {self.from_status} → {self.to_status}"


class MonthlyPlanStatus(models.TextChoices):
    # In a context: a bare "Active" is also Wagtail's users list column and a webhook subscription's
    # switch, each read differently in Chinese (issue 13).
    ACTIVE = "active", pgettext_lazy("monthly gift status", "Active")
    PAST_DUE = "past_due", _("Payment failed, retrying")
    LAPSED = "lapsed", _("Stopped after failed payments")
    CANCELLED = "cancelled", _("Cancelled")
    ENDED = "ended", _("Ended with its campaign")
    # The donor paused it: nothing is charged until they resume it.
    PAUSED = "paused", _("Paused")


class MonthlyPlan(models.Model):
    """A monthly gift: the saved card is charged off-session on ``next_charge_on``."""

    donor = models.ForeignKey(DonorProfile, on_delete=models.PROTECT, related_name="monthly_plans")
    campaign = models.ForeignKey("campaigns.Campaign", on_delete=models.PROTECT, related_name="+")
    amount_minor = models.BigIntegerField(_("amount (minor units)"))
    currency = models.CharField(_("currency"), max_length=3, choices=CURRENCY_CHOICES)
    provider_customer_id = models.CharField(max_length=64)
    provider_payment_method_id = models.CharField(max_length=64)
    # A new card the donor is setting up (ADR 0219): the plan keeps charging the old card until the
    # provider says this setup succeeded.
    card_setup_intent_id = models.CharField(max_length=64, blank=True)
    language = models.CharField(
        _("language"),
        max_length=10,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
        help_text=_("The donor's language when giving: mail, links and documents about it use it."),
    )
    status = models.CharField(
        max_length=16, choices=MonthlyPlanStatus.choices, default=MonthlyPlanStatus.ACTIVE, db_index=True
    )
    next_charge_on = models.DateField(db_index=True)
    failures = models.PositiveSmallIntegerField(default=0)
    last_failure = models.CharField(max_length=300, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("monthly gift")
        verbose_name_plural = _("monthly gifts")
        constraints = [
            models.CheckConstraint(condition=Q(amount_minor__gt=0), name="monthly_plan_amount_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.amount} monthly → {self.campaign_id}"

    @property
    def amount(self) -> Money:
        return Money.from_minor(self.amount_minor, self.currency)

    @property
    def is_running(self) -> bool:
        return self.status in (MonthlyPlanStatus.ACTIVE, MonthlyPlanStatus.PAST_DUE)


class CardSetup(models.Model):
    """A card setup (SetupIntent) whose client secret was handed to a browser, and the client that
    asked for it. Its secret confirms cards at the provider without us until it is cancelled,
    so card testing is counted and stopped per setup and per client (ADR 0011)."""

    setup_intent_id = models.CharField(max_length=64, unique=True)
    # The gift it is for, or the monthly gift whose new card it sets up (review finding 1).
    donation = models.ForeignKey(
        Donation, null=True, blank=True, on_delete=models.CASCADE, related_name="card_setups"
    )
    plan = models.ForeignKey(
        "payments.MonthlyPlan", null=True, blank=True, on_delete=models.CASCADE, related_name="card_setups"
    )
    client_ip = models.GenericIPAddressField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # When we cancelled it at the provider, or found it could not be cancelled (its card was
    # already saved): either way its secret confirms no more cards.
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["client_ip", "created_at"], name="card_setup_client_recent")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(donation__isnull=False) | models.Q(plan__isnull=False),
                name="card_setup_for_a_gift_or_a_plan",
            )
        ]

    def __str__(self) -> str:
        return self.setup_intent_id


class CardSetupFailure(models.Model):
    """One card refused on a card setup (a ``setup_intent.setup_failed`` event)."""

    setup = models.ForeignKey(CardSetup, on_delete=models.CASCADE, related_name="failures")
    client_ip = models.GenericIPAddressField(null=True, blank=True)
    failed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["client_ip", "failed_at"], name="card_failure_client_recent")]

    def __str__(self) -> str:
        return f"{self.setup_id} at {self.failed_at:%Y-%m-%d %H:%M:%S}"
