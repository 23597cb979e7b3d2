"""The campaign page's Share button at phone width in a chat app's in-app browser (WeChat's user
agent), in headless Chromium under the page's Content-Security-Policy (issue 14, ADR 0415):
without the Web Share API it copies the link and says so; with it, the browser's share sheet is
asked for the page's absolute address. The QR code and the preview image load from our host."""

import pytest
from wagtail.models import Page, Site

from payments.gateway.card import _gateway_instance
from tests.browser.steps import PHONE
from tests.cms_factories import CampaignIndexPageFactory, CampaignPageFactory, HomePageFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WECHAT = (
    "Mozilla/5.0 (Linux; Android 13; Pixel 7 Build/TQ3A.230805.001; wv) AppleWebKit/537.36 "
    "(KHTML, like Gecko) Version/4.0 Chrome/116.0.0.0 Mobile Safari/537.36 XWEB/1160065 "
    "MMWEBSDK/20231202 MicroMessenger/8.0.47.2560(0x28002F30) WeChat/arm64 Weixin NetType/WIFI "
    "Language/zh_CN ABI/arm64"
)
# What an in-app browser without the Web Share API or the Clipboard API looks like to a script.
NO_SHARE_NO_CLIPBOARD = """
delete Navigator.prototype.share;
Object.defineProperty(Navigator.prototype, "clipboard", { get: () => undefined, configurable: true });
"""
STUB_SHARE = """
Navigator.prototype.share = function (data) { window.__shared = data; return Promise.resolve(); };
"""


@pytest.fixture
def campaign_page(live_server, settings, stripe_js):
    settings.SITE_URL = live_server.url
    settings.PAYMENTS_GATEWAY = "payments.gateway.card_fake.FakeGateway"
    _gateway_instance.cache_clear()
    root = Page.get_first_root_node()
    home = HomePageFactory(parent=root)
    site = Site.objects.get(is_default_site=True)
    welcome, site.root_page = site.root_page, home
    site.save()
    if welcome.pk != home.pk:
        welcome.delete()
    index = CampaignIndexPageFactory(parent=home)
    page = CampaignPageFactory(parent=index, title="白内障复明手术项目")
    yield page
    _gateway_instance.cache_clear()


def _open(new_page, live_server, campaign_page, script: str):
    tab = new_page(PHONE, user_agent=WECHAT)
    tab.add_init_script(script)
    problems: list[str] = []
    tab.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    tab.on("pageerror", lambda error: problems.append(str(error)))
    tab.goto(live_server.url + campaign_page.url)
    # Nothing still loading when the test ends (its database is flushed under the live server).
    tab.wait_for_load_state("networkidle")
    return tab, problems


def test_share_without_the_web_share_api_copies_the_link_and_says_so(new_page, live_server, campaign_page):
    # given a phone in a chat app's browser with neither navigator.share nor navigator.clipboard
    tab, problems = _open(new_page, live_server, campaign_page, NO_SHARE_NO_CLIPBOARD)

    # when the reader presses Share
    tab.get_by_test_id("share-button").click()

    # then the link is copied and a visible message says so, with no script or policy error
    status = tab.get_by_test_id("share-status")
    assert status.inner_text() == "链接已复制。"  # "Link copied."
    assert status.is_visible()
    assert tab.get_by_test_id("share-page-link").input_value() == live_server.url + campaign_page.url
    assert problems == []


def test_share_with_the_web_share_api_opens_the_share_sheet_with_the_pages_address(
    new_page, live_server, campaign_page
):
    # given a browser whose navigator.share is a stub that records what it was asked to share
    tab, problems = _open(new_page, live_server, campaign_page, STUB_SHARE)

    # when the reader presses Share
    tab.get_by_test_id("share-button").click()
    tab.wait_for_function("() => window.__shared !== undefined")

    # then the share sheet got the page's absolute address and title, and no "copied" message shows
    shared = tab.evaluate("window.__shared")
    assert shared["url"] == live_server.url + campaign_page.url
    assert shared["title"] == "白内障复明手术项目"
    assert tab.get_by_test_id("share-status").inner_text() == ""
    assert problems == []


def test_the_qr_code_and_preview_image_load_from_our_own_host(new_page, live_server, campaign_page):
    tab, problems = _open(new_page, live_server, campaign_page, "")
    qr = tab.get_by_test_id("share-qr")
    qr.scroll_into_view_if_needed()
    tab.wait_for_function("() => document.querySelector('[data-testid=share-qr]').complete")

    assert tab.evaluate("document.querySelector('[data-testid=share-qr]').naturalWidth") > 0
    image = tab.locator('meta[property="og:image"]').get_attribute("content")
    assert image.startswith(live_server.url + "/share/")
    answer = tab.request.get(image)
    assert (answer.status, answer.headers["content-type"]) == (200, "image/png")
    assert problems == []
