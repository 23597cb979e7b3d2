"""A donor on their own page at phone width, in headless Chromium: the page's Referrer-Policy lets
the browser send its origin on the page's own forms (ADR 0215), so "Stop this monthly gift" works."""

import pytest
from playwright.sync_api import sync_playwright

from campaigns.models import CampaignStatus
from payments.donations.donor_links import donor_page_url
from payments.models import MonthlyPlan, MonthlyPlanStatus
from tests.builders import gift
from tests.factories import CampaignFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def page(monkeypatch):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path="/usr/bin/chromium",
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        context = browser.new_context(
            viewport=PHONE, is_mobile=True, has_touch=True, extra_http_headers={"Accept-Language": "en"}
        )
        yield context.new_page()
        browser.close()


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
