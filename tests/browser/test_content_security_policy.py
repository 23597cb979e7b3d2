"""Headless Chromium visits every public page kind and the admin under the Content-Security-Policy
of ADR 0102 and fails on any violation; Stripe.js (localstripe's) still mounts and takes a gift."""

import os

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from cms.management.commands.demo_campaigns import DEMO_PASSWORD
from cms.models import CampaignPage
from payments.donations.donor_links import donor_page_url
from payments.models import Donation, DonationStatus
from tests.browser.steps import PHONE, fill_card, press_give

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

# Every violation is reported to the page as a securitypolicyviolation event: keep each one, and
# say it on the console too (Chromium also logs its own "... Content Security Policy ..." line).
VIOLATION_TRAP = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  const text = `Content Security Policy violation: ${event.violatedDirective} blocked `
    + `${event.blockedURI || "inline"} on ${event.documentURI}`;
  window.__cspViolations.push(text);
  console.error(text);
});
"""


class Visitor:
    """One browser tab that remembers every console line and event about the policy."""

    def __init__(self, context):
        self.page = context.new_page()
        self.page.set_default_timeout(30_000)
        self.violations: list[str] = []
        self.page.add_init_script(VIOLATION_TRAP)
        self.page.on("console", self._console)

    def _console(self, message) -> None:
        text = message.text
        if "content security policy" in text.lower() or "content-security-policy" in text.lower():
            self.violations.append(f"{self.page.url}: {text}")

    def visit(self, url: str):
        response = self.page.goto(url)
        self.page.wait_for_load_state("networkidle")
        return response


@pytest.fixture
def browser(demo_site, live_server, chromium):
    """The module's Chromium, with the demo campaigns in the database; what the test opened in it
    is closed after."""
    yield chromium
    for context in chromium.contexts:
        context.close()


def phone_visitor(browser) -> Visitor:
    return Visitor(browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True))


def give_through_stripe_js(visitor: Visitor, donate_url: str) -> None:
    page = visitor.page
    visitor.visit(donate_url)
    page.fill("#donate-amount", "3000")
    page.fill("#donate-email", "wang.fang@example.cn")
    fill_card(page)
    press_give(page, "捐赠 ¥3,000")
    page.wait_for_load_state("networkidle")


def test_every_page_kind_runs_without_a_policy_violation(browser, live_server, stripe_js):
    # given the demo campaigns, Stripe.js served by localstripe, and a donor's phone
    donor = phone_visitor(browser)
    site = live_server.url
    campaign_page = CampaignPage.objects.get(slug="cataract-surgery", locale__language_code="zh-hans")

    # when the donor reads the site, and Stripe.js mounts the card field on the campaign page
    for path in ("/", "/campaigns/", "/campaigns/cataract-surgery/", "/en/campaigns/cataract-surgery/"):
        assert donor.visit(site + path).status == 200
    expect(donor.page.locator("#card-element input[data-field=number]")).to_be_visible()

    # and gives through Stripe.js on the donate page, landing on the thank-you page
    give_through_stripe_js(donor, f"{site}/payments/donate/cataract-surgery/")
    gift = Donation.objects.get()
    assert gift.status == DonationStatus.SUCCEEDED

    # and, once the surgery is verified and paid, follows the gift everywhere it is shown
    call_command("demo_verification", stdout=open(os.devnull, "w"))  # noqa: SIM115
    for path in (
        donor_page_url(gift.donor, absolute=False),
        f"/payments/trace/{gift.public_id}/",
        "/payments/transparency/",
        "/payments/needs/",
        "/payments/campaigns/cataract-surgery/disbursements/",
    ):
        assert donor.visit(site + path).status == 200

    # and an editor signs in to the admin and previews the campaign page
    editor = Visitor(browser.new_context(viewport={"width": 1280, "height": 900}))
    editor.visit(site + "/admin/login/")
    editor.page.fill("#id_username", "editor")
    editor.page.fill("#id_password", DEMO_PASSWORD)
    editor.page.click("button[type=submit]")
    editor.page.wait_for_url("**/admin/")
    editor.page.wait_for_load_state("networkidle")
    editor.visit(f"{site}/admin/pages/")
    editor.visit(f"{site}/admin/pages/{campaign_page.pk}/edit/")
    editor.page.click('[data-side-panel-toggle="preview"]')
    preview = editor.page.frame_locator("#w-preview-iframe")
    expect(preview.get_by_role("heading", level=1)).to_have_text("白内障复明手术项目")
    expect(preview.locator("#card-element input[data-field=number]")).to_be_visible()

    # then nothing anywhere broke the policy
    assert donor.violations == []
    assert editor.violations == []


def test_the_policy_is_enforced_and_a_violation_is_caught(browser, live_server, stripe_js):
    # given the donate page, its policy as the browser received it
    visitor = phone_visitor(browser)
    response = visitor.visit(live_server.url + "/payments/donate/cataract-surgery/")
    header = response.headers["content-security-policy"]
    policy = {name: sources for name, *sources in (part.split() for part in header.split(";"))}
    assert policy == {
        "default-src": ["'self'"],
        "script-src": ["'self'", stripe_js],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'", stripe_js],
        "frame-src": [stripe_js],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'self'"],
        "form-action": ["'self'"],
    }
    assert visitor.violations == []

    # when something injects an inline script (as an XSS would)
    visitor.page.evaluate(
        """() => {
          const script = document.createElement("script");
          script.textContent = "window.injected = true";
          document.body.append(script);
        }"""
    )
    # (a function, not a string: Playwright polls a string predicate with eval, which the policy forbids)
    visitor.page.wait_for_function("() => window.__cspViolations.length > 0")

    # then it does not run, and the trap reports it
    assert visitor.page.evaluate("window.injected") is None
    assert any("script-src" in line and "inline" in line for line in visitor.violations)
