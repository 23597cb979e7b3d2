"""Supporters' pages and teams (一起捐, peer-to-peer fundraising; ADR 0234).

A donor signed in by email starts a page for a campaign with their own goal, words and photo; gifts
given through it go to the campaign as any gift (the ledger does not know the page) and are
attributed to the page once (``SupporterGift``, one row per gift). The page's figure is kept in
``SupporterPageTotal``, moved by the same amount as each attributed gift's counted part changes
(capture, refund, dispute), so reading it never sums gifts. Teams group pages; their leaderboards
read the kept totals in one query.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from campaigns.money import CURRENCY_CHOICES, Money
from campaigns.templatetags.labels import bracketed_text

# A supporter's goal: more than nothing, at most ¥1,000,000 (a personal page asking for more is
# a campaign of its own, and a typo of three zeros should be refused, not published).
GOAL_MAX_MINOR = 100_000_000


class SupporterPageStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for approval")
    APPROVED = "approved", _("Public")
    REJECTED = "rejected", _("Not approved")
    HIDDEN = "hidden", _("Hidden")
    CLOSED = "closed", _("Closed")


class Team(models.Model):
    """Supporters raising for one campaign together; its page ranks their pages by raised."""

    campaign = models.ForeignKey(
        "campaigns.Campaign",
        on_delete=models.PROTECT,
        related_name="supporter_teams",
        verbose_name=_("campaign"),
    )
    name = models.CharField(_("team name"), max_length=80)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    captain = models.ForeignKey(
        "payments.DonorProfile",
        on_delete=models.PROTECT,
        related_name="captained_teams",
        verbose_name=_("captain"),
    )
    hidden = models.BooleanField(
        _("hidden"), default=False, help_text=_("A hidden team's page is not shown to the public.")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("supporters' team")
        verbose_name_plural = _("supporters' teams")
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("cms:supporter_team", kwargs={"slug": self.slug})


class SupporterPage(models.Model):
    """One supporter's fundraising page for a campaign. Its status moves only through
    ``payments.supporters.states.page_transition`` (``PAGE_STATES``)."""

    campaign = models.ForeignKey(
        "campaigns.Campaign",
        on_delete=models.PROTECT,
        related_name="supporter_pages",
        verbose_name=_("campaign"),
    )
    owner = models.ForeignKey(
        "payments.DonorProfile",
        on_delete=models.PROTECT,
        related_name="supporter_pages",
        verbose_name=_("owner"),
    )
    team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.SET_NULL, related_name="pages", verbose_name=_("team")
    )
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    title = models.CharField(_("title"), max_length=100)
    words = models.TextField(_("why I am raising"), max_length=2000)
    goal_minor = models.BigIntegerField(_("goal (minor units)"))
    currency = models.CharField(_("currency"), max_length=3, choices=CURRENCY_CHOICES)
    photo = models.ForeignKey(
        "wagtailimages.Image", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("photo"),
    )  # fmt: skip
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES,
                                default=settings.LANGUAGE_CODE)  # fmt: skip
    status = models.CharField(
        _("status"), max_length=16, choices=SupporterPageStatus.choices, default=SupporterPageStatus.PENDING
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("supporter page")
        verbose_name_plural = _("supporter pages")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(goal_minor__gt=0) & Q(goal_minor__lte=GOAL_MAX_MINOR),
                name="supporter_page_goal_in_range",
            ),
            models.CheckConstraint(
                condition=Q(status__in=SupporterPageStatus.values), name="supporter_page_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(currency__in=[c for c, _n in CURRENCY_CHOICES]),
                name="supporter_page_currency_valid",
            ),
            # One open page per donor and campaign (``payments.supporters.services.OPEN_STATUSES``).
            models.UniqueConstraint(
                fields=["owner", "campaign"],
                condition=Q(status__in=["pending", "approved", "hidden"]),
                name="supporter_page_one_open_per_owner",
            ),
        ]
        indexes = [models.Index(fields=["campaign", "status"], name="supporter_page_campaign_status")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("cms:supporter_page", kwargs={"slug": self.slug})

    @property
    def goal(self) -> Money:
        return Money.from_minor(self.goal_minor, self.currency)

    @property
    def raised(self) -> Money:
        """The kept figure (read ``total`` with the page: ``select_related("total")``)."""
        return Money.from_minor(self.total.raised_minor, self.currency)

    @property
    def is_public(self) -> bool:
        return self.status == SupporterPageStatus.APPROVED


class SupporterPageTotal(models.Model):
    """The page's kept figure: what its gifts still count (captured, less refunds and disputes),
    and how many of them still count. Written only by ``supporter_gift_follow``."""

    page = models.OneToOneField(
        SupporterPage, on_delete=models.CASCADE, primary_key=True, related_name="total"
    )
    raised_minor = models.BigIntegerField(_("raised (minor units)"), default=0)
    gifts = models.IntegerField(_("gifts"), default=0)

    class Meta:
        verbose_name = _("supporter page figure")
        verbose_name_plural = _("supporter page figures")
        constraints = [
            models.CheckConstraint(condition=Q(raised_minor__gte=0), name="supporter_total_not_negative"),
            models.CheckConstraint(condition=Q(gifts__gte=0), name="supporter_total_gifts_not_negative"),
        ]
        indexes = [models.Index(fields=["-raised_minor", "page"], name="supporter_total_rank")]

    def __str__(self) -> str:
        return f"{self.page_id}: {self.raised_minor}"


class SupporterGift(models.Model):
    """A gift given through a supporter page: one row per gift (never two pages), written with the
    gift's row. ``counted_minor`` is the part of the gift already added to the page's total;
    ``seen_status`` and ``seen_refunded_minor`` are the gift's state when it was last followed
    (the sweep finds gifts whose follow-up was lost by comparing them)."""

    donation = models.OneToOneField(
        "payments.Donation",
        on_delete=models.PROTECT,
        related_name="supporter_gift",
        verbose_name=_("donation"),
    )
    page = models.ForeignKey(
        SupporterPage, on_delete=models.PROTECT, related_name="gifts", verbose_name=_("page")
    )
    counted_minor = models.BigIntegerField(_("counted (minor units)"), default=0)
    seen_status = models.CharField(max_length=24, blank=True)
    seen_refunded_minor = models.BigIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("gift through a supporter page")
        verbose_name_plural = _("gifts through supporter pages")
        constraints = [
            models.CheckConstraint(
                condition=Q(counted_minor__gte=0), name="supporter_gift_counted_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.donation_id} via {self.page_id}"


class ReportReason(models.TextChoices):
    FRAUD = "fraud", _("It looks like a fraud")
    OFFENSIVE = "offensive", _("Offensive or hateful")
    PRIVACY = "privacy", _("It shows someone's private details")
    OTHER = "other", _("Something else")


class SupporterPageReport(models.Model):
    """A member of the public's report of a page (abuse, fraud). One per page and reporter
    fingerprint (address and client); an editor hides the page at once from the admin."""

    page = models.ForeignKey(
        SupporterPage, on_delete=models.CASCADE, related_name="reports", verbose_name=_("page")
    )
    reason = models.CharField(_("reason"), max_length=24, choices=ReportReason.choices)
    details = models.TextField(_("details"), max_length=1000, blank=True)
    fingerprint = models.CharField(max_length=64)
    created_at = models.DateTimeField(_("reported at"), auto_now_add=True)
    handled_at = models.DateTimeField(_("handled at"), null=True, blank=True)

    class Meta:
        verbose_name = _("report of a supporter page")
        verbose_name_plural = _("reports of supporter pages")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["page", "fingerprint"], name="supporter_report_once_per_reporter"
            ),
        ]

    def __str__(self) -> str:
        return bracketed_text(self.page, f"{self.created_at:%Y-%m-%d}")
