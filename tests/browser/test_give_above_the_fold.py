"""A donor on a desktop sees a Give button without scrolling on a CMS campaign page (issue 13: it
was at y ≈ 872 on a 1280 × 800 screen), and the phone's layout still fits its screen."""

import pytest

from tests.browser.steps import no_horizontal_scroll

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

DESKTOP = {"width": 1280, "height": 800}


@pytest.fixture
def site(demo_site, live_server, settings):
    settings.DEBUG = False
    return live_server.url


@pytest.mark.parametrize("prefix", ["", "/en"])
def test_a_give_button_is_above_the_fold_on_a_desktop(site, new_page, prefix):
    # given a desktop browser of 1280 × 800
    desktop = new_page(DESKTOP, is_mobile=False, has_touch=False)

    # when it opens the cataract campaign page
    desktop.goto(f"{site}{prefix}/campaigns/cataract-surgery/")

    # then a visible button to the give form ends within the first 800 px
    button = desktop.locator('main a[href="#donate"]').filter(visible=True).first
    box = button.bounding_box()
    assert box is not None and box["y"] + box["height"] <= 800, box
    # and it leads to the give form
    button.click()
    desktop.wait_for_url("**#donate")
    assert no_horizontal_scroll(desktop)


def test_the_phone_keeps_its_sticky_button_and_fits_the_screen(site, page):
    # when a phone (390 px) opens the English campaign page
    page.goto(f"{site}/en/campaigns/cataract-surgery/")

    # then the sticky Donate button shows, the desktop one does not, and nothing widens the page
    assert page.locator(".sticky-cta a").is_visible()
    assert not page.locator("main .give-cta").is_visible()
    assert no_horizontal_scroll(page)
