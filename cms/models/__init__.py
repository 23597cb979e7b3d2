"""Wagtail pages and site settings: the presentation of campaigns and the organisation."""

from cms.models.campaign_pages import CampaignIndexPage, CampaignPage, CampaignUpdatePage
from cms.models.content import RoleModelStoryPage, ShowcasePage, StandardPage
from cms.models.home import HomeFeaturedCampaign, HomePage
from cms.models.site_settings import SiteSettings
from cms.models.workflow import CampaignReviewTask

__all__ = [
    "CampaignIndexPage",
    "CampaignPage",
    "CampaignReviewTask",
    "CampaignUpdatePage",
    "HomeFeaturedCampaign",
    "HomePage",
    "RoleModelStoryPage",
    "ShowcasePage",
    "SiteSettings",
    "StandardPage",
]
