from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.models import Orderable, Page

from cms.models.mixins import CachedViewRestrictionsMixin


class HomePage(CachedViewRestrictionsMixin, Page):
    """The front page: what Clearfund is, featured campaigns and platform-wide figures."""

    hero_heading = models.CharField(_("hero heading"), max_length=120)
    hero_text = models.TextField(
        _("hero text"), blank=True, help_text=_("One or two sentences under the heading.")
    )
    hero_image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("hero image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    promise_text = models.TextField(
        _("our promise"),
        blank=True,
        help_text=_("Shown next to the platform figures: how every cent is traced."),
    )

    content_panels = [
        *Page.content_panels,
        MultiFieldPanel(
            [FieldPanel("hero_heading"), FieldPanel("hero_text"), FieldPanel("hero_image")],
            heading=_("Hero"),
        ),
        InlinePanel(
            "featured_campaigns",
            label=_("Featured campaigns"),
            help_text=_("Up to three; when empty the newest live campaigns are shown."),
            max_num=3,
        ),
        FieldPanel("promise_text"),
    ]

    parent_page_types = ["wagtailcore.Page"]
    max_count_per_parent = 1
    template = "cms/home_page.html"

    class Meta:
        verbose_name = _("home page")
        verbose_name_plural = _("home pages")

    def get_context(self, request, *args, **kwargs):
        from cms.models.campaign_pages import CampaignIndexPage
        from cms.selectors import featured_campaign_pages, platform_figures

        context = super().get_context(request, *args, **kwargs)
        context["featured"] = featured_campaign_pages(home=self)
        context["figures"] = platform_figures()
        context["campaign_index"] = self.get_children().live().type(CampaignIndexPage).first()
        return context


class HomeFeaturedCampaign(Orderable):
    home = ParentalKey(HomePage, on_delete=models.CASCADE, related_name="featured_campaigns")
    page = models.ForeignKey(
        "cms.CampaignPage", verbose_name=_("campaign page"), on_delete=models.CASCADE, related_name="+"
    )

    panels = [FieldPanel("page")]

    class Meta(Orderable.Meta):
        verbose_name = _("featured campaign")
        verbose_name_plural = _("featured campaigns")
