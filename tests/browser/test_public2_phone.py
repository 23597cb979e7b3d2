"""A phone's first screen (issue 13): a compact header on English pages, whose site name took three
lines, and a Donate button on a supporter's page, which had none before the give form 790 px down."""

import pytest
from django.contrib.auth import get_user_model

from campaigns.models import Campaign
from tests.browser.steps import PHONE, no_horizontal_scroll
from tests.payments.supporter_helpers import public_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def site(demo_site, live_server, settings):
    settings.DEBUG = False
    return live_server.url


@pytest.mark.parametrize("path", ["/en/", "/en/campaigns/cataract-surgery/", "/campaigns/cataract-surgery/"])
def test_the_header_is_compact_on_a_phone(site, page, path):
    # when a phone (390 × 844) opens a page
    page.goto(f"{site}{path}")

    # then the header, site name and language switch included, is at most 110 px tall, its name
    # on two lines at most, and nothing widens the page
    header = page.locator("header.site-header").bounding_box()
    assert header is not None and header["height"] <= 110, header
    brand = page.locator(".brand")
    lines = brand.evaluate(
        "el => Math.round(el.getBoundingClientRect().height / parseFloat(getComputedStyle(el).lineHeight))"
    )
    assert 1 <= lines <= 2
    assert brand.is_visible()
    assert no_horizontal_scroll(page)


@pytest.mark.parametrize("prefix", ["", "/en"])
def test_a_supporter_page_shows_a_donate_button_in_the_first_screen_of_a_phone(site, page, prefix):
    # given a supporter's page of a campaign that takes gifts
    editor = get_user_model().objects.get(username="editor")  # the demo's editor
    spage = public_page(Campaign.objects.get(slug="cataract-surgery"), editor)

    # when a phone opens it
    page.goto(f"{site}{prefix}/supporters/{spage.slug}/")

    # then a visible link to the give form lies within the first 844 px
    button = page.locator('a[href="#donate"]').filter(visible=True).first
    box = button.bounding_box()
    assert box is not None and box["y"] >= 0 and box["y"] + box["height"] <= PHONE["height"], box
    # and it leads to the form
    button.click()
    page.wait_for_url("**#donate")
    assert no_horizontal_scroll(page)
