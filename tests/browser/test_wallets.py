"""WeChat Pay and Alipay in the browser (issue 14): a phone in the WeChat in-app browser, and a
desktop shown our own QR code, in headless Chromium.

localstripe has no wallets (ADR 0231): the site runs on the fake gateway, whose intents carry
Stripe's published ``next_action`` shapes; the provider's event is signed as Stripe signs it and
posted to the live site's webhook. The wallet's own pages (Stripe's hosted WeChat Pay page,
Alipay) are outside the machine, so the browser's requests to them are answered by a stub.
"""

import re

import pytest
import requests
from playwright.sync_api import expect

from campaigns.models import CampaignStatus
from payments.ledger.services import balance_of, escrow_account
from payments.models import Donation, DonationStatus
from tests.browser.steps import PHONE, no_horizontal_scroll
from tests.factories import CampaignFactory
from tests.payments.conftest import cny

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WECHAT_BROWSER = (
    "Mozilla/5.0 (Linux; Android 13; Pixel 7 Build/TQ3A.230901.001; wv) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Version/4.0 Chrome/116.0.0.0 Mobile Safari/537.36 XWEB/1160065 MMWEBSDK/20231202 MMWEBID/2247 "
    "MicroMessenger/8.0.47.2560(0x28002F30) WeChat/arm64 Weixin NetType/WIFI Language/zh_CN ABI/arm64"
)
DESKTOP = {"width": 1280, "height": 900}
WALLET_PAGES = re.compile(r"^https://(pay|hooks|qr)\.stripe\.com/")


@pytest.fixture
def wallet_site(fake_gateway, settings):
    """Both wallets offered through the fake gateway; Stripe.js (for cards) is not loaded."""
    settings.PAYMENTS_METHOD_TYPES = ["card", "wechat_pay", "alipay"]
    return fake_gateway


def open_donate_page(page, live_server, campaign):
    page.route(re.compile(r".*/js\.stripe\.com/.*"), lambda route: route.abort())
    page.route(WALLET_PAGES, lambda route: route.fulfill(status=200, content_type="text/html",
                                                         body="<h1>wallet</h1>"))  # fmt: skip
    page.goto(f"{live_server.url}/payments/donate/{campaign.slug}/")
    page.fill("#donate-amount", "100")
    page.fill("#donate-email", "qian.yu@example.cn")


def test_wechat_in_app_browser_at_phone_width_goes_to_pay_in_wechat(live_server, wallet_site, new_page):
    # given a live campaign, opened in WeChat's in-app browser on a phone
    campaign = CampaignFactory(status=CampaignStatus.LIVE)
    page = new_page(PHONE, user_agent=WECHAT_BROWSER)
    open_donate_page(page, live_server, campaign)

    # when the donor chooses WeChat Pay
    page.get_by_test_id("method-wechat_pay").check()

    # then the card field and monthly giving step aside, and the form still fits the screen
    expect(page.locator("#card-element")).to_be_hidden()
    expect(page.locator("input[name=frequency][value=monthly]")).to_be_disabled()
    assert no_horizontal_scroll(page)

    # and pressing the button takes them to WeChat Pay's page for this gift
    page.click("#donate-submit")
    page.wait_for_url(WALLET_PAGES, timeout=20_000)
    gift = Donation.objects.get()
    assert (gift.status, gift.payment_method_type) == (DonationStatus.PROCESSING, "wechat_pay")
    hosted = wallet_site.intent_object(gift.provider_payment_intent_id)["next_action"][
        "wechat_pay_display_qr_code"
    ]["hosted_instructions_url"]
    assert page.url == hosted
    assert balance_of(escrow_account(campaign)) == cny("0")  # nothing until the wallet confirms


def test_wechat_pay_on_a_desktop_shows_the_qr_code_and_moves_on_when_paid(live_server, wallet_site, new_page):
    campaign = CampaignFactory(status=CampaignStatus.LIVE)
    page = new_page(DESKTOP, is_mobile=False, has_touch=False)
    open_donate_page(page, live_server, campaign)

    page.get_by_test_id("method-wechat_pay").check()
    page.click("#donate-submit")

    # our own page, with the QR code drawn here
    page.wait_for_url("**/pay/", timeout=20_000)
    qr = page.get_by_test_id("wallet-qr")
    expect(qr).to_be_visible()
    assert qr.get_attribute("src").startswith("data:image/svg+xml")
    assert "¥100" in page.get_by_test_id("wallet-pay").inner_text()

    # when the donor pays in WeChat and the provider's signed event reaches the site
    gift = Donation.objects.get()
    wallet_site.wallet_settle(gift.provider_payment_intent_id, "succeeded")
    body, header = wallet_site.wallet_event_signed(
        gift.provider_payment_intent_id, "payment_intent.succeeded"
    )
    response = requests.post(f"{live_server.url}/payments/webhooks/stripe/", data=body, timeout=10,
                             headers={"Content-Type": "application/json", "Stripe-Signature": header})  # fmt: skip
    assert response.status_code == 200

    # then the page moves on to the thank-you page by itself, and the gift is in escrow once
    page.wait_for_url("**/thanks/", timeout=20_000)
    assert "¥100" in page.get_by_test_id("thanks").inner_text()
    assert balance_of(escrow_account(campaign)) == cny("100")


def test_alipay_on_a_phone_goes_to_alipay(live_server, wallet_site, new_page):
    campaign = CampaignFactory(status=CampaignStatus.LIVE)
    page = new_page(PHONE)
    open_donate_page(page, live_server, campaign)

    page.get_by_test_id("method-alipay").check()
    page.click("#donate-submit")

    page.wait_for_url(WALLET_PAGES, timeout=20_000)
    gift = Donation.objects.get()
    assert gift.payment_method_type == "alipay"
    redirect = wallet_site.intent_object(gift.provider_payment_intent_id)["next_action"][
        "alipay_handle_redirect"
    ]
    assert page.url == redirect["url"]
    assert redirect["return_url"].startswith(live_server.url) and redirect["return_url"].endswith("/pay/")
