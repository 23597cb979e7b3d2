"""A donor on their own page at phone width, in headless Chromium: the page's Referrer-Policy lets
the browser send its origin on the page's own forms (ADR 0215), so "Stop this monthly gift" works."""

import pytest

from campaigns.models import CampaignStatus
from payments.donations.donor_links import donor_page_url
from payments.models import MonthlyPlan, MonthlyPlanStatus
from tests.browser.steps import PHONE, no_horizontal_scroll
from tests.builders import gift
from tests.factories import CampaignFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def page(new_page):
    return new_page(extra_http_headers={"Accept-Language": "en"})


def test_donor_stops_a_monthly_gift_with_the_real_button_at_phone_width(live_server, page):
    # given a donor with a running monthly gift of ¥50, on their own page from the receipt's link
    campaign = CampaignFactory(status=CampaignStatus.LIVE)
    first = gift(campaign, 5_000, email="zhao.lei@example.cn", frequency="monthly")
    plan = MonthlyPlan.objects.get(donor=first.donor)
    assert plan.status == MonthlyPlanStatus.ACTIVE
    answers = []
    page.on(
        "response", lambda r: answers.append((r.request.method, r.status)) if "/cancel/" in r.url else None
    )
    page.goto(live_server.url + donor_page_url(first.donor, absolute=False))

    # when they press "Stop this monthly gift" (the real form post, with the browser's own headers)
    page.get_by_role("button", name="停止这笔月捐").click()  # "Stop this monthly gift"
    page.wait_for_load_state()

    # then the post was accepted (not 403 from the CSRF check) and the page says the plan stopped
    assert answers == [("POST", 302)]
    assert page.get_by_role("status").inner_text() == "您的月捐已取消，今后不会再扣款。"
    plan.refresh_from_db()
    assert plan.status == MonthlyPlanStatus.CANCELLED
    assert page.get_by_role("button", name="停止这笔月捐").count() == 0


def _started_here(context, live_server, donation) -> None:
    """Give the browser the session the donation flow left in it (the gift's id remembered)."""
    from importlib import import_module

    from django.conf import settings

    from payments.donations.intake import SESSION_KEY

    session = import_module(settings.SESSION_ENGINE).SessionStore()
    session[SESSION_KEY] = [str(donation.public_id)]
    session.create()
    context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": session.session_key, "url": live_server.url}]
    )


def test_thank_you_page_shares_the_campaign_and_is_friendly_in_another_browser(live_server, page):
    # given a gift made in this browser, which has no Web Share API (desktop Chromium on Linux)
    campaign = CampaignFactory(status=CampaignStatus.LIVE)
    donation = gift(campaign, 30_000, email="wang.fang@example.cn")
    context = page.context
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    _started_here(context, live_server, donation)
    thanks = f"{live_server.url}/payments/gifts/{donation.public_id}/thanks/"
    campaign_url = f"{live_server.url}/payments/donate/{campaign.slug}/"

    # when the donor opens the thank-you page and presses "Share" (the campaign page's script,
    # static/js/share.js: without the API it copies the link)
    page.goto(thanks)
    page.get_by_role("button", name="分享").click()  # "Share"

    # then the campaign's link is on the clipboard, the page says so, and it fits a phone
    assert page.get_by_role("status").inner_text() == "链接已复制。"  # "Link copied."
    assert page.evaluate("navigator.clipboard.readText()") == campaign_url
    assert page.get_by_test_id("trace-link").get_attribute("href") == f"/payments/trace/{donation.public_id}/"
    assert no_horizontal_scroll(page)

    # when a browser with the Web Share API opens it and the donor presses "Share"
    context.add_init_script(
        "navigator.share = (data) => { window.__shared = data; return Promise.resolve(); };"
    )
    page.goto(thanks)
    page.get_by_role("button", name="分享").click()

    # then the browser's share sheet gets the campaign's link, and nothing of the gift
    shared = page.evaluate("window.__shared")
    assert shared["url"] == campaign_url
    assert "¥300" not in shared["text"] and campaign.title in shared["text"]

    # when the thank-you link is opened later in another browser (no session)
    other = page.context.browser.new_context(viewport=PHONE, is_mobile=True)
    elsewhere = other.new_page()
    answer = elsewhere.goto(thanks)

    # then it is a friendly page pointing to the receipt mail, not a 404, with nothing of the gift
    assert answer.status == 200
    assert elsewhere.get_by_role("heading", level=1).inner_text() == "感谢您的捐赠"  # "Thank you for giving"
    assert "¥300" not in elsewhere.content() and campaign.title not in elsewhere.content()
    other.close()


def test_donor_page_shows_the_path_of_each_gift_at_phone_width(live_server, page, verifier, finance_officer):
    # given a donor whose ¥3,000 gift paid a verified surgery, and whose ¥50 gift is still held
    from tests.builders import paid_release
    from tests.factories import PartnerFactory
    from tests.verification.factories import BeneficiaryFactory

    beneficiary = BeneficiaryFactory(pseudonym="盘奶奶", verified_by=verifier)
    paid = gift(beneficiary.campaign, 300_000, email="chen.jing@example.cn")
    paid_release(beneficiary=beneficiary, partner=PartnerFactory(name="江华县人民医院"),
                 verifier=verifier, finance_officer=finance_officer)  # fmt: skip
    held = gift(beneficiary.campaign, 5_000, email="chen.jing@example.cn")

    # when they open their page on a phone
    page.goto(live_server.url + donor_page_url(paid.donor, absolute=False))

    # then each gift shows its path as a timeline, the paid one down to the verified outcome
    gifts = page.get_by_test_id("gift")
    assert gifts.count() == 2
    newest, oldest = gifts.nth(0), gifts.nth(1)
    assert newest.get_attribute("id") == f"gift-{held.public_id}"
    assert newest.get_by_test_id("trace-held").inner_text() == "¥50"
    assert newest.get_by_test_id("trace-line").count() == 0
    steps = oldest.locator(".trace-flow > li").evaluate_all("els => els.map(e => e.dataset.step)")
    assert steps == ["gift", "escrow", "release"]
    line = oldest.get_by_test_id("trace-line").inner_text()
    assert "江华县人民医院" in line and "盘奶奶" in line and "核查员" in line  # "Verifier"
    assert oldest.get_by_test_id("trace-paid").inner_text() == "¥3,000"
    # the timeline is drawn by the site's own stylesheet, and the page fits a phone
    dot = oldest.locator(".trace-step.is-done").first.evaluate(
        "e => getComputedStyle(e, '::after').borderRadius"
    )
    assert dot == "50%"
    assert no_horizontal_scroll(page)
    # the receipt opens under each gift
    oldest.get_by_text("收据", exact=True).click()  # "Receipt"
    assert oldest.get_by_test_id("receipt-number").inner_text() == paid.receipt_number
