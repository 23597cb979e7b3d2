"""A donor gives from a phone through localstripe's Stripe.js shim, in headless Chromium."""

import re

import pytest
import requests
from playwright.sync_api import expect

from campaigns.models import CampaignStatus
from payments.ledger.services import balance_of, escrow_account
from payments.models import Donation, DonationStatus
from tests.browser.steps import fill_card, press_give
from tests.factories import CampaignFactory
from tests.payments.conftest import cny

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_donor_gives_one_surgery_at_phone_width(live_server, stripe_js, page):
    # given a live campaign whose donation page loads Stripe.js from localstripe
    campaign = CampaignFactory(
        status=CampaignStatus.LIVE, unit_cost_minor=300_000, unit_label="one cataract surgery"
    )
    page.goto(f"{live_server.url}/payments/donate/{campaign.slug}/")

    # when the donor picks "fund one surgery", gives their details and a test card
    page.get_by_test_id("fund-unit").click()
    assert page.locator("#donate-amount").input_value() == "3000"
    page.fill("#donate-email", "wang.fang@example.cn")
    page.fill("#donate-name", "王芳")
    page.fill("textarea[name=public_message]", "祝手术顺利")
    fill_card(page)
    press_give(page, "捐赠 ¥3,000")  # the amount, then the charge

    # then they land on the thank-you page and the gift is in escrow
    assert "¥3,000" in page.get_by_test_id("thanks").inner_text()
    donation = Donation.objects.get()
    assert donation.status == DonationStatus.SUCCEEDED
    assert balance_of(escrow_account(campaign)) == cny("3000")
    # nothing about the card reached our server
    assert "4242" not in str(Donation.objects.values().get())

    # and the campaign page shows the new total and the message
    page.goto(f"{live_server.url}/payments/donate/{campaign.slug}/")
    assert page.get_by_test_id("raised").inner_text() == "¥3,000"
    assert "祝手术顺利" in page.content()


def test_three_d_secure_card_authenticates_in_the_browser(live_server, stripe_js, page):
    # given a card that asks for 3-D Secure when saved and again when charged off-session
    campaign = CampaignFactory(status=CampaignStatus.LIVE)
    page.goto(f"{live_server.url}/payments/donate/{campaign.slug}/")
    page.fill("#donate-amount", "200")
    page.fill("#donate-email", "zhou.min@example.cn")
    page.check("#donate-anonymous")
    fill_card(page, "4000002500003155")

    # when the donor completes both authentication prompts
    page.click("#donate-submit")
    expect(page.locator("#donate-submit")).to_have_text("捐赠 ¥200")
    page.click("#donate-submit")
    page.get_by_role("button", name="Complete authentication").click()
    page.get_by_role("button", name="Complete authentication").click()

    # then the gift goes through
    page.wait_for_url("**/thanks/", timeout=20_000)
    donation = Donation.objects.get()
    assert (donation.status, donation.anonymous) == (DonationStatus.SUCCEEDED, True)
    assert balance_of(escrow_account(campaign)) == cny("200")


def test_declined_card_shows_the_reason_and_charges_nothing(live_server, stripe_js, page):
    campaign = CampaignFactory(status=CampaignStatus.LIVE)
    page.goto(f"{live_server.url}/payments/donate/{campaign.slug}/")
    page.fill("#donate-amount", "200")
    page.fill("#donate-email", "sun.li@example.cn")
    fill_card(page, "4000000000000341")  # saves fine, declines when charged

    page.click("#donate-submit")
    expect(page.locator("#donate-submit")).to_have_text("捐赠 ¥200")
    page.click("#donate-submit")

    page.wait_for_function("() => document.getElementById('donate-message').textContent.length > 5")
    # in the page's language (Chinese), chosen by the decline's code, not the processor's English
    assert page.locator("#donate-message").inner_text() == "您的银行卡被拒绝。请换一张卡，或咨询发卡银行。"
    assert Donation.objects.get().status == DonationStatus.FAILED
    assert balance_of(escrow_account(campaign)) == cny("0")


@pytest.mark.parametrize(
    ("prefix", "shown"),
    [("", "您的银行卡被拒绝。请换一张卡，或咨询发卡银行。"), ("/en", "Your card was declined.")],
)
def test_a_card_declined_as_it_is_saved_is_explained_in_the_pages_language(
    live_server, stripe_js, page, prefix, shown
):
    # given the donate form in Chinese or English (the Stripe.js stand-in declines in English)
    campaign = CampaignFactory(status=CampaignStatus.LIVE)
    page.goto(f"{live_server.url}{prefix}/payments/donate/{campaign.slug}/")
    page.fill("#donate-amount", "200")
    page.fill("#donate-email", "zhou.min@example.cn")
    fill_card(page, "4000000000000002")  # declined as the card is saved

    # when the donor confirms the amount and the card is refused
    page.click("#donate-submit")
    expect(page.locator("#donate-submit")).not_to_have_text(re.compile("^(继续|Continue)$"))
    page.click("#donate-submit")

    # then the page says why in its own language (issue 12) and nothing is charged
    expect(page.locator("#donate-message")).to_have_text(shown)
    assert not Donation.objects.filter(status=DonationStatus.SUCCEEDED).exists()


def test_blocked_attempt_shows_a_clear_message(live_server, stripe_js, settings, page):
    settings.PAYMENTS_RATE_LIMIT_EMAIL = "0/600"
    campaign = CampaignFactory(status=CampaignStatus.LIVE)
    page.goto(f"{live_server.url}/en/payments/donate/{campaign.slug}/")  # the English page

    page.fill("#donate-amount", "100")
    page.fill("#donate-email", "tester@example.cn")
    page.click("#donate-submit")

    page.wait_for_function("() => document.getElementById('donate-message').textContent.length > 5")
    assert "Too many payment attempts" in page.locator("#donate-message").inner_text()
    assert not Donation.objects.exists()


def test_button_shows_the_exact_amount_before_the_card_is_charged(live_server, stripe_js, page):
    # given the English donation page at phone width
    campaign = CampaignFactory(status=CampaignStatus.LIVE)
    page.goto(f"{live_server.url}/en/payments/donate/{campaign.slug}/")
    button = page.locator("#donate-submit")
    assert button.inner_text() == "Continue"

    # when the donor types 500 and presses the button once
    page.fill("#donate-amount", "500")
    page.fill("#donate-email", "he.jun@example.cn")
    fill_card(page, "4242424242424242")
    button.click()

    # then the button reads the amount the server parsed and will charge, and nothing is charged yet
    expect(button).to_have_text("Give ¥500")
    assert (
        page.locator("#donate-message").inner_text()
        == "Check the amount on the button, then press it to give."
    )
    donation = Donation.objects.get()
    assert (donation.amount, donation.status) == (cny("500"), DonationStatus.AWAITING_CARD)
    intents = requests.get(stripe_js + "/v1/payment_intents", auth=("sk_test_x", ""), timeout=10).json()
    assert intents["data"] == []

    # when they change the amount, the button goes back to its first step
    page.fill("#donate-amount", "600")
    expect(button).to_have_text("Continue")
    page.fill("#donate-amount", "500")
    button.click()
    expect(button).to_have_text("Give ¥500")

    # and a press of the amount button charges exactly that
    button.click()
    page.wait_for_url("**/thanks/", timeout=20_000)
    assert balance_of(escrow_account(campaign)) == cny("500")
    assert Donation.objects.get(status=DonationStatus.SUCCEEDED).amount == cny("500")


def test_card_number_typed_with_spaces_gives(live_server, stripe_js, page):
    """Issue 13: "4242 4242 4242 4242" typed key by key, as printed on the card, used to leave the
    gift awaiting its card (the stand-in's form jumped to the month after 16 characters)."""
    campaign = CampaignFactory(status=CampaignStatus.LIVE)
    page.goto(f"{live_server.url}/en/payments/donate/{campaign.slug}/")
    page.fill("#donate-amount", "100")
    page.fill("#donate-email", "li.na@example.com")
    # when the donor types the number with its spaces, one key at a time
    fill_card(page, "4242 4242 4242 4242", key_by_key=True)
    page.click("#donate-submit")
    expect(page.locator("#donate-submit")).to_contain_text("100")
    page.click("#donate-submit")
    # then the gift goes through and its money is in escrow
    page.wait_for_url("**/thanks/", timeout=20_000)
    assert Donation.objects.get().status == DonationStatus.SUCCEEDED
    assert balance_of(escrow_account(campaign)) == cny("100")


def test_a_four_digit_expiry_year_typed_on_the_english_page_gives(live_server, stripe_js, page):
    """Issue 13: the stand-in's card form put "20" before the year typed, so "2031" (what its label
    asks for, and what English cards print) went to localstripe as 202031: "Bad request" on the
    English page (which shows the processor's message), a generic card error on the Chinese one."""
    campaign = CampaignFactory(status=CampaignStatus.LIVE)
    page.goto(f"{live_server.url}/en/payments/donate/{campaign.slug}/")
    page.fill("#donate-amount", "100")
    page.fill("#donate-email", "li.na@example.com")
    card = page.locator("#card-element")
    card.locator("input[data-field=number]").fill("4242424242424242")
    card.locator("input[data-field=exp_month]").fill("12")
    # when the donor types the year with four digits, one key at a time
    card.locator("input[data-field=exp_year]").press_sequentially("2031")
    # then all four digits stay in the year (no jump to the security code after "20")
    expect(card.locator("input[data-field=exp_year]")).to_have_value("2031")
    expect(card.locator("input[data-field=cvc]")).to_be_focused()
    card.locator("input[data-field=cvc]").fill("123")
    card.locator("input[data-field=postal_code]").fill("425000")
    page.click("#donate-submit")
    expect(page.locator("#donate-submit")).to_contain_text("100")
    page.click("#donate-submit")
    # and the gift goes through
    page.wait_for_url("**/thanks/", timeout=20_000)
    assert Donation.objects.get().status == DonationStatus.SUCCEEDED
    assert balance_of(escrow_account(campaign)) == cny("100")


@pytest.mark.parametrize(
    ("typed", "sent", "complete"),
    [("31", "2031", True), ("2031", "2031", True), ("20", "2020", False), ("203", "203", False),
     ("3", "203", False), ("20 31", "2031", True)],
)  # fmt: skip
def test_the_served_card_form_sends_a_four_digit_year(page, typed, sent, complete):
    """The served form's own expressions, run in Chromium: the year it sends, and whether the year
    is complete (so the form moves on to the security code)."""
    from config.localstripe import CARD_FORM_YEAR_JUMP_WHEN_COMPLETE, CARD_FORM_YEAR_NORMALISED

    script = f"""(typed) => {{
      const self = {{ _inputs: {{ exp_year: {{ value: typed }} }} }};
      const card = (function () {{ return {{ {CARD_FORM_YEAR_NORMALISED} }}; }}).call(self);
      const complete = (function () {{ return {CARD_FORM_YEAR_JUMP_WHEN_COMPLETE}; }}).call(self);
      return [card.exp_year, complete];
    }}"""

    assert page.evaluate(script, typed) == [sent, complete]
