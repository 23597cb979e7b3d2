"""Steps a person takes in the browser, shared by the browser tests: fill the card field of
localstripe's Stripe.js stand-in, press "Give" twice (the amount shown, then the charge), check
that a page fits the screen."""

from __future__ import annotations

from playwright.sync_api import Page, expect

PHONE = {"width": 390, "height": 844}
VISA = "4242424242424242"


def fill_card(
    page: Page, number: str = VISA, *, key_by_key: bool = False, within: str = "#card-element"
) -> None:
    """Type a test card into the card field (expiry 12/31, code 123, postcode 425000).
    ``key_by_key`` types the number one key at a time, as a person does (spaces included)."""
    card = page.locator(within)
    field = card.locator("input[data-field=number]")
    if key_by_key:
        field.press_sequentially(number)
    else:
        field.fill(number)
    card.locator("input[data-field=exp_month]").fill("12")
    card.locator("input[data-field=exp_year]").fill("31")
    card.locator("input[data-field=cvc]").fill("123")
    card.locator("input[data-field=postal_code]").fill("425000")


def press_give(page: Page, label: str) -> None:
    """Press the gift button once (the server answers the exact amount, which the button must then
    read ``label``), then again to charge the card, and wait for the thank-you page."""
    page.click("#donate-submit")
    expect(page.locator("#donate-submit")).to_have_text(label)
    page.click("#donate-submit")
    page.wait_for_url("**/thanks/", timeout=20_000)


def no_horizontal_scroll(page: Page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def sign_in_to_admin(page: Page, site: str, username: str, password: str) -> None:
    """Sign in on the admin's login screen and wait for the dashboard."""
    page.goto(site + "/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    page.wait_for_url("**/admin/")
