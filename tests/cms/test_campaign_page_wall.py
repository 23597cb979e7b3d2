"""The CMS campaign page shows the wall of support its give form promises a name on (issue 13),
and a kept page (ADR 0241) shows a new gift's name at once: the gift changes the figures'
signature the kept page is validated by."""

import pytest
from django.core.cache import cache

from tests import builders
from tests.cms_factories import CampaignPageFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def page(index, settings):
    settings.TOTALS_CACHE_SECONDS = 0
    settings.PUBLIC_PAGE_KEEP_SECONDS = 300
    cache.clear()
    return CampaignPageFactory(parent=index, campaign__status="live", campaign__min_donation_minor=100)


def _gift(page, minor, capture, **extra):
    with capture(execute=True):
        return builders.gift(page.campaign, minor, **extra)


def test_the_campaign_page_shows_the_wall_and_a_kept_page_shows_a_new_gift(
    client, page, django_capture_on_commit_callbacks
):
    # given a gift with a name and a message, and the page read once (and so kept)
    _gift(page, 30_000, django_capture_on_commit_callbacks, email="wang.fang@example.cn",
          display_name="王芳", public_message="加油")  # fmt: skip
    first = client.get(page.url).content.decode()

    # when a second gift is given and the page is read again
    _gift(page, 20_000, django_capture_on_commit_callbacks, email="li.na@example.cn",
          display_name="李娜", public_message="祝早日康复")  # fmt: skip
    second = client.get(page.url).content.decode()

    # then the page has the wall with the first gift, and then with both, newest first
    assert 'class="wall-of-support"' in first and "王芳" in first and "加油" in first
    assert "李娜" not in first
    assert second.index("李娜") < second.index("王芳") and "祝早日康复" in second
