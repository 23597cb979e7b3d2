"""On a phone (390 × 844) the sticky Donate bar never covers the open give form (issue 13): once a
donor scrolls down to the form's submit button, the point at its centre is the button itself, in
both languages; on a desktop there is no bar and the button is as reachable."""

import pytest
from playwright.sync_api import Error as PlaywrightError

from tests.browser.steps import PHONE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

DESKTOP = {"width": 1280, "height": 800}

# What a donor's thumb finds at the centre of the submit button: the button, or what covers it.
ON_TOP = """() => {
  const button = document.getElementById("donate-submit");
  const box = button.getBoundingClientRect();
  const hit = document.elementFromPoint(box.left + box.width / 2, box.top + box.height / 2);
  return hit === button || button.contains(hit);
}"""


@pytest.fixture
def site(demo_site, live_server, settings):
    settings.DEBUG = False
    return live_server.url


def _scroll_down_to_submit(tab) -> None:
    """Scroll as a thumb does: until the button's bottom edge reaches the bottom of the screen."""
    tab.locator("#donate-submit").evaluate("button => button.scrollIntoView({block: 'end'})")


def _button_on_top(tab) -> bool:
    # The bar steps aside on the browser's next intersection check: wait for it, not a time.
    try:
        tab.wait_for_function(ON_TOP, timeout=3_000)
    except PlaywrightError:
        return False
    return True


@pytest.mark.parametrize("prefix", ["", "/en"])
def test_the_sticky_bar_does_not_cover_the_submit_button_on_a_phone(site, new_page, prefix):
    # given a phone of 390 × 844 on a campaign page, its sticky Donate bar showing
    tab = new_page(PHONE)
    assert PHONE == {"width": 390, "height": 844}
    tab.goto(f"{site}{prefix}/campaigns/cataract-surgery/")
    assert tab.locator(".sticky-cta a").is_visible()

    # when the donor scrolls down to the give form's submit button
    _scroll_down_to_submit(tab)

    # then nothing covers it: the point at its centre is the button itself
    assert _button_on_top(tab), "the sticky Donate bar covers the submit button"
    # and the bar is back once the form is off the screen again
    tab.evaluate("window.scrollTo(0, 0)")
    tab.wait_for_function("() => !!document.querySelector('.sticky-cta a').offsetParent", timeout=3_000)


def test_a_focused_field_of_the_form_is_not_covered_on_a_phone(site, new_page):
    # given a phone on the campaign page
    tab = new_page(PHONE)
    tab.goto(f"{site}/campaigns/cataract-surgery/")

    # when the donor moves into the email field of the give form
    field = tab.locator("#donate input[type=email]").first
    field.focus()

    # then the field's centre is the field itself, not the bar
    assert field.evaluate("""input => {
      const box = input.getBoundingClientRect();
      return document.elementFromPoint(box.left + box.width / 2, box.top + box.height / 2) === input;
    }""")


def test_on_a_desktop_the_submit_button_is_not_covered(site, new_page):
    desktop = new_page(DESKTOP, is_mobile=False, has_touch=False)
    desktop.goto(f"{site}/en/campaigns/cataract-surgery/")

    _scroll_down_to_submit(desktop)

    assert _button_on_top(desktop)
