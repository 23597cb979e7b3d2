"""Headless Chromium at phone width (360×740): the home page and a campaign page show the essentials."""

import pytest

from tests.browser.steps import no_horizontal_scroll

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def phone(demo_site, live_server, settings, new_page):
    settings.DEBUG = False
    return new_page({"width": 360, "height": 740}, timeout_ms=10_000)


def test_home_page_and_campaign_index_at_phone_width(phone, live_server):
    phone.goto(live_server.url + "/")

    assert phone.locator("html").get_attribute("lang") == "zh-hans"
    assert phone.get_by_role("heading", level=1).inner_text() == "让每一分善款都看得见去向"
    cards = phone.locator(".cards .card")
    assert cards.count() == 3
    assert cards.first.locator("progress").count() == 1
    assert phone.get_by_role("link", name="English").is_visible()
    assert no_horizontal_scroll(phone)

    # on to the campaign list, filtered with labelled controls
    phone.get_by_role("link", name="查看全部项目").click()
    phone.get_by_label("类别").select_option("education")
    phone.get_by_role("button", name="查看项目").click()
    phone.wait_for_url("**/campaigns/?*kind=education*")
    assert phone.locator(".card h3").all_inner_texts() == ["高中与中职助学金"]
    assert phone.get_by_label("搜索").is_visible()
    assert no_horizontal_scroll(phone)


def test_campaign_page_at_phone_width_and_language_switch(phone, live_server):
    phone.goto(live_server.url + "/campaigns/cataract-surgery/")

    assert phone.get_by_role("heading", level=1).inner_text() == "白内障复明手术项目"
    assert phone.locator("progress").first.get_attribute("value") == "0"
    assert phone.get_by_text("一例白内障手术 = ¥3,000").is_visible()
    assert phone.locator("#donate").count() == 1
    cta = phone.get_by_role("link", name="我要捐款")
    assert cta.is_visible()
    assert no_horizontal_scroll(phone)

    # keyboard users reach the skip link first
    phone.keyboard.press("Tab")
    assert phone.evaluate("document.activeElement.className") == "skip-link"

    phone.get_by_role("link", name="English").click()
    phone.wait_for_url("**/en/campaigns/cataract-surgery/")
    assert phone.locator("html").get_attribute("lang") == "en"
    assert phone.get_by_role("heading", level=1).inner_text() == "Cataract surgery programme"
    assert phone.get_by_role("link", name="Donate").is_visible()


@pytest.mark.parametrize("path", ["/payments/transparency/", "/en/payments/transparency/", "/payments/needs/",
                                  "/payments/donate/cataract-surgery/"])  # fmt: skip
def test_payments_pages_keep_side_margins_at_phone_width(phone, live_server, path):
    phone.goto(live_server.url + path)

    # the page's heading and text stand off the screen's edges, and nothing widens the page
    box = phone.locator("main h1").first.bounding_box()
    assert box is not None and box["x"] >= 8, box
    assert box["x"] + box["width"] <= 360 - 8, box
    assert no_horizontal_scroll(phone)
