import pytest
from django.core.cache import cache
from wagtail.models import Locale, Page, Site

from tests.cms_factories import CampaignIndexPageFactory, CampaignPageFactory, HomePageFactory


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def english(db) -> Locale:
    return Locale.objects.get_or_create(language_code="en")[0]


@pytest.fixture
def home(db):
    """A zh-hans HomePage as the default site's root (Wagtail's welcome page removed)."""
    root = Page.get_first_root_node()
    home = HomePageFactory(parent=root)
    site = Site.objects.get(is_default_site=True)
    welcome = site.root_page
    site.root_page = home
    site.save()
    if welcome.pk != home.pk:
        welcome.delete()
    return home


@pytest.fixture
def index(home):
    return CampaignIndexPageFactory(parent=home, show_in_menus=True)


@pytest.fixture
def page(index, settings):
    """A live campaign's page under the index, with the totals cache off (gifts show at once) and
    a ¥1 minimum gift: the matching and wording tests' page."""
    settings.TOTALS_CACHE_SECONDS = 0
    cache.clear()
    return CampaignPageFactory(parent=index, campaign__status="live", campaign__min_donation_minor=100)
