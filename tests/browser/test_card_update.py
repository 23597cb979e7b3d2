"""A monthly donor gives their gift a new card on a phone (390 px), through the card Element of
localstripe's Stripe.js stand-in, and the next renewal charges that card (issue 12, ADR 0220);
a declined card, an ended sign-in and someone else's plan change nothing and say why."""

from __future__ import annotations

import re
import uuid

import pytest
import requests
from django.utils import translation
from playwright.sync_api import expect

from campaigns.models import AuditEvent, CampaignStatus
from campaigns.money import Money
from payments.donations.donor_links import donor_page_url
from payments.donations.monthly import monthly_renewals_run
from payments.donations.services import donation_charge, donation_create, donation_start_card
from payments.donor_accounts.services import SESSION_KEY
from payments.models import Donation, MonthlyPlan
from tests.browser.steps import fill_card, no_horizontal_scroll
from tests.factories import CampaignFactory
from tests.payments.conftest import browser_confirms_setup

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MASTERCARD = "5555555555554444"
DECLINED_WHEN_SAVED = "4000000000000002"


def _stripe(base: str, path: str) -> dict:
    return requests.get(f"{base}/v1/{path}", auth=("sk_test_x", ""), timeout=10).json()


def monthly_gift_at_localstripe(stripe_api: str, *, email: str) -> MonthlyPlan:
    """A running ¥100 monthly gift whose customer and Visa card are localstripe's (the first gift
    through the real card flow: intent, card setup confirmed as Stripe.js does, charge)."""
    campaign = CampaignFactory(status=CampaignStatus.LIVE, min_donation_minor=1000)
    donation = donation_create(campaign=campaign, amount=Money("100", "CNY"), email=email,
                               attempt=uuid.uuid4(), frequency="monthly")  # fmt: skip
    donation_start_card(donation=donation)
    donation.refresh_from_db()
    browser_confirms_setup(stripe_api, donation.provider_setup_intent_id, payment_method="pm_card_visa")
    assert donation_charge(donation=donation).status == "succeeded"
    return MonthlyPlan.objects.get(donor=donation.donor)


def _card_page(live_server, plan) -> str:
    with translation.override("en"):
        return live_server.url + donor_page_url(plan.donor, absolute=False)


def test_donor_updates_the_card_and_the_next_renewal_charges_it(live_server, stripe_js, page):
    # given a monthly donor on their own page (the receipt's private link), in English, on a phone
    plan = monthly_gift_at_localstripe(stripe_js, email="zhao.lei@example.com")
    old_card = plan.provider_payment_method_id
    page.goto(_card_page(live_server, plan))

    # when they follow "Update the card", type a new card and save it
    page.get_by_role("link", name="Update the card").click()
    page.wait_for_url("**/monthly/*/card/")
    assert page.get_by_role("heading", level=1).inner_text() == "A new card for your monthly gift"
    assert no_horizontal_scroll(page)
    fill_card(page, MASTERCARD)
    page.get_by_role("button", name="Save the new card").click()

    # then they are back on their page, which says the gift uses the new card
    page.wait_for_url("**/payments/donor/*/")
    assert page.get_by_role("status").inner_text() == "Your monthly gift now uses the new card."
    plan.refresh_from_db()
    assert plan.provider_payment_method_id not in ("", old_card)
    assert _stripe(stripe_js, f"payment_methods/{plan.provider_payment_method_id}")["card"]["last4"] == "4444"
    # saved on a card setup of the plan's own customer (localstripe does not attach the card to
    # the customer as Stripe does; the setup names it)
    updated = AuditEvent.objects.get(action="monthly.card_updated")
    setup = _stripe(stripe_js, f"setup_intents/{updated.data['setup_intent']}")
    assert (setup["status"], setup["customer"]) == ("succeeded", plan.provider_customer_id)

    # and the next renewal charges the new card at the provider, not the old one
    assert monthly_renewals_run(today=plan.next_charge_on) == {"succeeded": 1}
    renewal = Donation.objects.filter(monthly_plan=plan).latest("created_at")
    intent = _stripe(stripe_js, f"payment_intents/{renewal.provider_payment_intent_id}")
    assert (intent["status"], intent["payment_method"]) == ("succeeded", plan.provider_payment_method_id)
    assert intent["amount"] == 10_000


def test_a_declined_card_says_so_and_the_old_card_stays(live_server, stripe_js, page):
    plan = monthly_gift_at_localstripe(stripe_js, email="sun.li@example.com")
    old_card = plan.provider_payment_method_id
    page.goto(_card_page(live_server, plan))
    page.get_by_role("link", name="Update the card").click()

    # when the new card is declined as the provider saves it
    fill_card(page, DECLINED_WHEN_SAVED)
    page.get_by_role("button", name="Save the new card").click()

    # then the page says why, stays, and the plan keeps charging the old card
    expect(page.locator("#card-update-message")).to_have_text(re.compile("declined", re.IGNORECASE))
    assert page.url.endswith("/card/")
    plan.refresh_from_db()
    assert plan.provider_payment_method_id == old_card
    assert not AuditEvent.objects.filter(action="monthly.card_updated").exists()


def test_an_ended_sign_in_and_someone_elses_plan_change_nothing(live_server, stripe_js, page):
    # given a donor signed in to their account (a donor session in this browser)
    from importlib import import_module

    from django.conf import settings

    plan = monthly_gift_at_localstripe(stripe_js, email="he.jun@example.com")
    other = monthly_gift_at_localstripe(stripe_js, email="someone.else@example.com")
    old_card = plan.provider_payment_method_id
    session = import_module(settings.SESSION_ENGINE).SessionStore()
    session[SESSION_KEY] = {"d": plan.donor.pk, "v": plan.donor.link_version}
    session.create()
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": session.session_key, "url": live_server.url}]
    )

    # someone else's plan is not found, by its number
    assert page.goto(f"{live_server.url}/en/payments/account/monthly/{other.pk}/card/").status == 404

    # when their sign-in ends while the card page is open, and they press save
    page.goto(f"{live_server.url}/en/payments/account/monthly/{plan.pk}/card/")
    fill_card(page, MASTERCARD)
    setups = len(_stripe(stripe_js, "setup_intents")["data"])
    session.delete()
    page.get_by_role("button", name="Save the new card").click()

    # then the page says so and offers to sign in again; nothing changed at the provider or here
    sign_in = page.get_by_role("link", name="Sign in again")
    sign_in.wait_for()
    assert page.locator("#card-update-message").inner_text() == (
        "Your sign-in has expired. Sign in again, then try again: your card was not changed."
    )
    assert sign_in.get_attribute("href") == "/en/payments/sign-in/"
    plan.refresh_from_db()
    assert (plan.provider_payment_method_id, plan.card_setup_intent_id) == (old_card, "")
    assert len(_stripe(stripe_js, "setup_intents")["data"]) == setups


def test_a_declined_card_is_explained_in_chinese_on_a_chinese_page(live_server, stripe_js, page):
    # given the new-card page in Chinese (the Stripe.js stand-in answers a decline in English)
    plan = monthly_gift_at_localstripe(stripe_js, email="qian.yu@example.com")
    with translation.override("zh-hans"):
        page.goto(live_server.url + donor_page_url(plan.donor, absolute=False) + f"monthly/{plan.pk}/card/")

    # when the new card is declined as the provider saves it
    fill_card(page, DECLINED_WHEN_SAVED)
    page.locator("#card-update-submit").click()

    # then the page says why in Chinese, chosen by the error's code (issue 12), on a phone
    expect(page.locator("#card-update-message")).to_have_text(
        "您的银行卡被拒绝。请换一张卡，或咨询发卡银行。"
    )
    assert no_horizontal_scroll(page)
    page.screenshot(path="/tmp/fixb-card-zh.png", full_page=True)


def test_the_account_page_fits_a_phone_with_touch_size_controls(live_server, stripe_js, page):
    # given a signed-in monthly donor on their account page, in Chinese, on a phone
    from importlib import import_module

    from django.conf import settings

    plan = monthly_gift_at_localstripe(stripe_js, email="wu.fang@example.com")
    session = import_module(settings.SESSION_ENGINE).SessionStore()
    session[SESSION_KEY] = {"d": plan.donor.pk, "v": plan.donor.link_version}
    session.create()
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": session.session_key, "url": live_server.url}]
    )
    page.goto(f"{live_server.url}/payments/account/")

    # then the amount field and every button of the plan are styled at touch size (issue 12)
    plan_item = page.locator("[data-testid=plan]")
    amount = plan_item.locator("input[name=amount]").bounding_box()
    assert amount["height"] >= 44 and amount["width"] >= 120, amount
    for button in plan_item.locator("button").all():
        assert button.bounding_box()["height"] >= 44
    assert no_horizontal_scroll(page)
    page.screenshot(path="/tmp/fixb-account-zh.png", full_page=True)
