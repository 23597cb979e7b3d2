from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.fields import StreamField
from wagtail.models import Page
from wagtail.search import index

from cms.blocks import StoryBlock
from cms.models.mixins import CachedViewRestrictionsMixin

CONTENT_PARENTS = ["cms.HomePage", "cms.StandardPage"]


class StandardPage(CachedViewRestrictionsMixin, Page):
    """A plain content page: about us, how verification works, privacy, FAQ."""

    intro = models.TextField(_("introduction"), blank=True)
    body = StreamField(StoryBlock(), verbose_name=_("body"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("body")]
    search_fields = [*Page.search_fields, index.SearchField("intro"), index.SearchField("body")]
    parent_page_types = CONTENT_PARENTS
    template = "cms/standard_page.html"

    class Meta:
        verbose_name = _("standard page")
        verbose_name_plural = _("standard pages")


class ShowcasePage(CachedViewRestrictionsMixin, Page):
    """A programme's achievements: key figures and the story behind them."""

    programme = models.ForeignKey(
        "campaigns.Campaign",
        verbose_name=_("campaign"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Optional: the campaign whose results this page shows."),
    )
    intro = models.TextField(_("introduction"))
    hero_image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("main image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    body = StreamField(
        StoryBlock(),
        verbose_name=_("achievements"),
        blank=True,
        help_text=_("Use the 'Key figures' block for the numbers that matter."),
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("programme"),
        FieldPanel("intro"),
        FieldPanel("hero_image"),
        FieldPanel("body"),
    ]
    search_fields = [*Page.search_fields, index.SearchField("intro"), index.SearchField("body")]
    parent_page_types = CONTENT_PARENTS
    subpage_types: list[str] = []
    template = "cms/showcase_page.html"

    class Meta:
        verbose_name = _("showcase page")
        verbose_name_plural = _("showcase pages")

    def get_context(self, request, *args, **kwargs):
        from cms.models.campaign_pages import CampaignPage
        from cms.selectors import public_unless_unrestricted

        context = super().get_context(request, *args, **kwargs)
        pages = public_unless_unrestricted(CampaignPage.objects.live()).filter(
            campaign_id=self.programme_id, locale_id=self.locale_id
        )
        context["programme_page"] = pages.first() if self.programme_id else None
        return context


class RoleModelStoryPage(CachedViewRestrictionsMixin, Page):
    """A person or partner whose work others can follow: a village doctor, a teacher, a leader."""

    person_name = models.CharField(
        _("name shown"),
        max_length=100,
        help_text=_("A public name or a pseudonym the person agreed to. Never an ID number."),
    )
    role = models.CharField(_("role"), max_length=120, help_text=_('e.g. "village doctor, Jianghua"'))
    partner = models.ForeignKey(
        "campaigns.Partner",
        verbose_name=_("partner"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    portrait = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("portrait"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    quote = models.TextField(_("quote"), blank=True)
    consent_recorded = models.BooleanField(
        _("consent recorded"),
        default=False,
        help_text=_("Tick only when the person's written consent to publish this story is on file."),
    )
    body = StreamField(StoryBlock(), verbose_name=_("story"), blank=True)

    content_panels = [
        *Page.content_panels,
        MultiFieldPanel(
            [
                FieldPanel("person_name"),
                FieldPanel("role"),
                FieldPanel("partner"),
                FieldPanel("portrait"),
                FieldPanel("consent_recorded"),
            ],
            heading=_("Who"),
        ),
        FieldPanel("quote"),
        FieldPanel("body"),
    ]
    search_fields = [*Page.search_fields, index.SearchField("person_name"), index.SearchField("body")]
    parent_page_types = CONTENT_PARENTS
    subpage_types: list[str] = []
    template = "cms/role_model_story_page.html"

    class Meta:
        verbose_name = _("role-model story")
        verbose_name_plural = _("role-model stories")
