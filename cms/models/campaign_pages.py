from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models, transaction
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.fields import StreamField
from wagtail.models import Locale, Page
from wagtail.search import index

from campaigns.compliance import CAMPAIGN_FIELDS
from campaigns.models import CampaignKind, CampaignStatus, FundingModel, PublicFundraisingFields
from campaigns.money import CURRENCY_CHOICES, CURRENCY_EXPONENTS
from cms.blocks import StoryBlock
from cms.forms import CampaignPageForm
from cms.models.mixins import CachedViewRestrictionsMixin
from cms.panels import CampaignRecordPanel

FINISHED = (CampaignStatus.FUNDED, CampaignStatus.FAILED, CampaignStatus.CLOSED)
TERMS_HELP = _(
    "These terms become binding only when a verifier approves the page. Until then the campaign "
    "keeps its approved terms; on a live campaign a change of goal or deadline is reviewed and "
    "logged. Translations use these terms; only the region and unit label are translated on each page."
)


# The public-fundraising facts a page proposes for its Campaign (ADR 0413).
COMPLIANCE_FIELDS = CAMPAIGN_FIELDS


class CampaignIndexPage(CachedViewRestrictionsMixin, Page):
    """Lists campaigns below it, filtered by kind, region and status, with search."""

    intro = models.TextField(_("introduction"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["cms.HomePage"]
    subpage_types = ["cms.CampaignPage"]
    template = "cms/campaign_index_page.html"
    per_page = 9

    class Meta:
        verbose_name = _("campaign index")
        verbose_name_plural = _("campaign indexes")

    def get_context(self, request, *args, **kwargs):
        from cms.selectors import campaign_listing

        context = super().get_context(request, *args, **kwargs)
        context.update(campaign_listing(index=self, params=request.GET, per_page=self.per_page))
        return context


class CampaignPage(CachedViewRestrictionsMixin, PublicFundraisingFields, Page):
    """The public face of one ``campaigns.Campaign``; one page per language share the record.

    Figures shown to the public (goal, raised, deadline, unit cost) are read from the Campaign and
    the ledger, never from this page's term fields: those are the editor's proposal, applied by the
    review workflow (see ADR 0100).
    """

    campaign = models.ForeignKey(
        "campaigns.Campaign",
        verbose_name=_("campaign record"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="pages",
        editable=False,
    )
    intro = models.TextField(_("summary"), max_length=300, help_text=_("One or two sentences for lists."))
    hero_image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("main image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    story = StreamField(StoryBlock(), verbose_name=_("story"), blank=True)

    # Proposed terms (see TERMS_HELP).
    kind = models.CharField(_("kind"), max_length=16, choices=CampaignKind.choices)
    region = models.CharField(_("region"), max_length=200, help_text=_("Province, city, county."))
    currency = models.CharField(_("currency"), max_length=3, choices=CURRENCY_CHOICES, default="CNY")
    goal = models.DecimalField(
        _("goal"), max_digits=14, decimal_places=2, validators=[MinValueValidator(Decimal("0.01"))]
    )
    unit_cost = models.DecimalField(
        _("unit cost"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.01"))],
        help_text=_("What one unit costs, e.g. 3000 for one surgery."),
    )
    unit_label = models.CharField(
        _("unit label"),
        max_length=100,
        blank=True,
        help_text=_('What one unit buys, in this page\'s language, e.g. "one cataract surgery".'),
    )
    deadline = models.DateField(_("deadline"))
    funding_model = models.CharField(
        _("funding model"),
        max_length=16,
        choices=FundingModel.choices,
        default=FundingModel.KEEP_WHAT_IS_RAISED,
    )
    partners = ParentalManyToManyField("campaigns.Partner", verbose_name=_("partners"), blank=True)
    content_panels = [
        *Page.content_panels,
        FieldPanel("intro"),
        FieldPanel("hero_image"),
        FieldPanel("story"),
        MultiFieldPanel(
            [
                CampaignRecordPanel(content=TERMS_HELP),
                FieldRowPanel([FieldPanel("kind"), FieldPanel("funding_model")]),
                FieldPanel("region"),
                FieldRowPanel([FieldPanel("currency"), FieldPanel("goal")]),
                FieldRowPanel([FieldPanel("unit_cost"), FieldPanel("unit_label")]),
                FieldPanel("deadline"),
                FieldPanel("partners", widget=forms.CheckboxSelectMultiple),
            ],
            heading=_("Campaign terms"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("fundraising_filing_number"),
                FieldRowPanel([FieldPanel("designated_platform"), FieldPanel("designated_platform_en")]),
                FieldPanel("designated_platform_url"),
            ],
            heading=_("Public fundraising"),
        ),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("intro"),
        index.SearchField("region"),
        index.SearchField("story"),
        index.FilterField("kind"),
    ]
    parent_page_types = ["cms.CampaignIndexPage"]
    route_select_related = ("campaign", "hero_image")  # cms.routing fetches them with the page
    # Anonymous visitors share one rendering for a few seconds (cms.views.serve): nothing on the
    # page is personal (the donations panel fetches its CSRF token by script).
    cache_anonymous_response = True
    subpage_types = ["cms.CampaignUpdatePage"]
    template = "cms/campaign_page.html"
    base_form_class = CampaignPageForm  # leaves the shared terms out on translations
    # The terms every language version shares: a translation's own copies are ignored, and not
    # offered in its edit form. Region and unit label are shown on each page in its language.
    shared_term_fields = ("kind", "funding_model", "currency", "goal", "unit_cost", "deadline", "partners",
                          *COMPLIANCE_FIELDS)  # fmt: skip

    class Meta:
        verbose_name = _("campaign page")
        verbose_name_plural = _("campaign pages")
        constraints = [
            models.CheckConstraint(condition=models.Q(goal__gt=0), name="campaignpage_goal_positive"),
            models.CheckConstraint(
                condition=models.Q(unit_cost__isnull=True) | models.Q(unit_cost__gt=0),
                name="campaignpage_unit_cost_positive",
            ),
        ]

    # A copy is a new campaign (or, for a translation, the original's): never a second page that
    # drives the same record. cms.signal_handlers links the copy.
    exclude_fields_in_copy = ["campaign"]

    def save(self, *args, **kwargs):
        # The link to the money record is write-once: a stale or restored instance cannot drop or
        # re-point it.
        if self.pk:
            stored = CampaignPage.objects.filter(pk=self.pk).values_list("campaign_id", flat=True).first()
            if stored is not None:
                self.campaign_id = stored
        return super().save(*args, **kwargs)

    def publish(self, revision, *args, **kwargs):
        # Publishing and the Campaign following it (cms.services.page_published, from the
        # page_published signal) succeed or fail together, whoever publishes: the admin, the
        # review's finish action or ``publish_scheduled`` at a go-live time (ADR 0103).
        with transaction.atomic():
            return super().publish(revision, *args, **kwargs)

    def with_content_json(self, content):
        # The link to the money record is not under revision control: restoring or publishing an
        # old revision must never re-point or drop it.
        obj = super().with_content_json(content)
        obj.campaign_id = self.campaign_id
        return obj

    @property
    def drives_terms(self) -> bool:
        """Only the default-locale page's terms are applied to the shared Campaign."""
        return self.locale_id == Locale.get_default().pk

    @property
    def terms_editable(self) -> bool:
        """Whether the edit form offers the shared term fields: not on a saved translation, whose
        terms would be ignored. (A new page needs them to be saved at all.)"""
        return self.pk is None or self.drives_terms

    def clean(self):
        super().clean()
        exponent = CURRENCY_EXPONENTS.get(self.currency, 2)
        for name in ("goal", "unit_cost"):
            value = getattr(self, name)
            if value is not None and value != value.quantize(Decimal(1).scaleb(-exponent)):
                raise ValidationError({name: _("Too many decimal places for this currency.")})
        if self.expire_at is not None:
            # Unpublishing follows the Campaign (ADR 0103), never a timer.
            raise ValidationError(
                {"expire_at": _("A campaign page does not expire: the campaign ends at its deadline.")}
            )
        campaign = self.campaign
        if campaign is None or not self.drives_terms:
            return
        if campaign.status != CampaignStatus.DRAFT:
            locked = {"currency": campaign.currency, "funding_model": campaign.funding_model}
            for name, approved in locked.items():
                if getattr(self, name) != approved:
                    raise ValidationError(
                        {name: _("This cannot change once the campaign has been submitted.")}
                    )
        if campaign.status in FINISHED:
            approved = {"goal": campaign.goal.amount, "deadline": campaign.deadline}
            approved["unit_cost"] = campaign.unit_cost.amount if campaign.unit_cost else None
            for name, value in approved.items():
                if getattr(self, name) != value:
                    raise ValidationError({name: _("The terms of a finished campaign cannot change.")})

    def get_context(self, request, *args, **kwargs):
        from cms.selectors import campaign_page_context

        context = super().get_context(request, *args, **kwargs)
        context.update(campaign_page_context(page=self, preview=getattr(request, "is_preview", False)))
        return context


class CampaignUpdatePage(CachedViewRestrictionsMixin, Page):
    """A progress report on a campaign: what the money did, with photos."""

    date = models.DateField(_("date"))
    summary = models.TextField(_("summary"), max_length=300)
    body = StreamField(StoryBlock(), verbose_name=_("body"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("date"), FieldPanel("summary"), FieldPanel("body")]
    search_fields = [*Page.search_fields, index.SearchField("summary"), index.SearchField("body")]
    parent_page_types = ["cms.CampaignPage"]
    subpage_types: list[str] = []
    template = "cms/campaign_update_page.html"

    class Meta:
        verbose_name = _("campaign update")
        verbose_name_plural = _("campaign updates")
