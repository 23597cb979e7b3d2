from datetime import date

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from campaigns.money import CURRENCY_CHOICES, Money
from campaigns.reader_language import reader_str
from campaigns.site_time import site_today


class CampaignKind(models.TextChoices):
    MEDICAL = "medical", _("Medical")
    EDUCATION = "education", _("Education")
    LIVELIHOOD = "livelihood", _("Livelihood / entrepreneurs")


class FundingModel(models.TextChoices):
    KEEP_WHAT_IS_RAISED = "keep", _("Keep what is raised")
    ALL_OR_NOTHING = "all_or_nothing", _("All or nothing")


class CampaignStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    IN_REVIEW = "in_review", _("In review")
    LIVE = "live", _("Live")
    FUNDED = "funded", _("Funded")
    FAILED = "failed", _("Failed")
    CLOSED = "closed", _("Closed")


# The statuses in which a campaign takes gifts (until its deadline has passed).
GIVING_STATUSES = (CampaignStatus.LIVE, CampaignStatus.FUNDED)


class PublicFundraisingFields(models.Model):
    """Public fundraising (``campaigns.compliance``, ADR 0413): the filing number of the fundraising
    plan and the platform designated by the Ministry of Civil Affairs where the campaign is
    published. On ``Campaign`` (a campaign cannot go live while either is empty) and on its CMS page,
    which proposes them with the other terms (applied at approval, ADR 0100)."""

    fundraising_filing_number = models.CharField(
        _("fundraising plan filing number"),
        max_length=64,
        blank=True,
        help_text=_("The number under which the civil-affairs department recorded the fundraising plan."),
    )
    designated_platform = models.CharField(
        _("designated platform"),
        max_length=120,
        blank=True,
        help_text=_(
            "The platform designated by the Ministry of Civil Affairs where this fundraising is published."
        ),
    )
    designated_platform_en = models.CharField(_("designated platform (English)"), max_length=120, blank=True)
    designated_platform_url = models.URLField(
        _("address of the campaign on the designated platform"), blank=True
    )

    class Meta:
        abstract = True


class Campaign(PublicFundraisingFields):
    """The financial and legal record of a campaign: what is funded, in which currency, by when.

    Its presentation lives in CMS pages (one per language) that point here. Terms change only
    through ``campaigns.services``; drafts of a page never touch this row.
    """

    title = models.CharField(_("internal title"), max_length=200)
    # The English public title and unit label: copied from the published English campaign page
    # (cms.services.campaign_page_translation_published) for pages that are not CMS pages
    # (donate, thanks, receipts, PDFs). ADR 0403.
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    kind = models.CharField(_("kind"), max_length=16, choices=CampaignKind.choices)
    region = models.CharField(_("region"), max_length=200, blank=True)
    region_en = models.CharField(_("region (English)"), max_length=200, blank=True)
    currency = models.CharField(_("currency"), max_length=3, choices=CURRENCY_CHOICES, default="CNY")
    goal_minor = models.BigIntegerField(_("goal (minor units)"))
    unit_cost_minor = models.BigIntegerField(_("unit cost (minor units)"), null=True, blank=True)
    unit_label = models.CharField(
        _("unit label"),
        max_length=100,
        blank=True,
        help_text=_('What one unit buys, e.g. "one cataract surgery".'),
    )
    unit_label_en = models.CharField(_("unit label (English)"), max_length=100, blank=True)
    min_donation_minor = models.BigIntegerField(_("minimum gift (minor units)"), default=1000)
    deadline = models.DateField(_("deadline"))
    funding_model = models.CharField(
        _("funding model"),
        max_length=16,
        choices=FundingModel.choices,
        default=FundingModel.KEEP_WHAT_IS_RAISED,
    )
    partners = models.ManyToManyField("campaigns.Partner", verbose_name=_("partners"), blank=True)
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=CampaignStatus.choices,
        default=CampaignStatus.DRAFT,
        db_index=True,
    )
    submitted_by = models.ForeignKey(
        "auth.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        ordering = ["-created_at"]
        permissions = [
            ("submit_campaign", _("Can submit a campaign for review")),
            ("approve_campaign", _("Can approve a campaign for publication")),
            ("close_campaign", _("Can close a campaign")),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(goal_minor__gt=0), name="campaign_goal_positive"),
            models.CheckConstraint(
                condition=Q(unit_cost_minor__isnull=True) | Q(unit_cost_minor__gt=0),
                name="campaign_unit_cost_positive",
            ),
            models.CheckConstraint(
                condition=Q(min_donation_minor__gt=0), name="campaign_min_donation_positive"
            ),
            models.CheckConstraint(
                condition=Q(status__in=CampaignStatus.values), name="campaign_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return reader_str(self, "title")  # the admin in the staff member's language (issue 13)

    @property
    def goal(self) -> Money:
        return Money.from_minor(self.goal_minor, self.currency)

    goal.fget.short_description = _("goal")  # the admin's inspect view labels it by this

    @property
    def unit_cost(self) -> Money | None:
        if self.unit_cost_minor is None:
            return None
        return Money.from_minor(self.unit_cost_minor, self.currency)

    unit_cost.fget.short_description = _("unit cost")

    @property
    def min_donation(self) -> Money:
        return Money.from_minor(self.min_donation_minor, self.currency)

    def is_past_deadline(self, today: date | None = None) -> bool:
        """Whether the deadline has passed: true from the first instant *after* the deadline day
        in the site's time zone (the deadline day itself still takes gifts). ``today`` is a
        site-time date (``campaigns.site_time.site_today()`` when omitted). ADR 0004."""
        return (today or site_today()) > self.deadline

    @property
    def accepts_donations(self) -> bool:
        """Live (or funded) and not past its deadline, right now in site time. The full check,
        with overdue outcome evidence and the reason shown to donors, is
        ``campaigns.verification.selectors.campaign_gift_refusal``."""
        return self.status in GIVING_STATUSES and not self.is_past_deadline()
