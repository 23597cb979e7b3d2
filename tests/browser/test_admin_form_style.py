"""Forms Django draws on Clearfund's admin screens look like Wagtail's (issue 13: the finance gift
search box had no frame, a form error read as plain black text): ``static/css/admin.css``."""

import pytest
from django.contrib.auth.models import User

from tests.browser.steps import sign_in_to_admin

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_gift_search_box_has_a_frame_and_a_django_error_list_is_red(live_server, new_page):
    User.objects.create_superuser("root", password="root-password")
    page = new_page({"width": 1280, "height": 900}, is_mobile=False, has_touch=False, locale="en-GB")
    sign_in_to_admin(page, live_server.url, "root", "root-password")

    page.goto(live_server.url + "/admin/finance/gifts/")
    border = page.eval_on_selector("#gift-search", "e => getComputedStyle(e).borderTopWidth")
    # an error list as Django writes it, on the same screen: red, not the text colour
    colours = page.evaluate("""() => {
        const list = document.createElement('ul'); list.className = 'errorlist nonfield';
        list.innerHTML = '<li>x</li>'; document.querySelector('main').append(list);
        return [getComputedStyle(list.firstChild).color, getComputedStyle(document.querySelector('main')).color];
    }""")

    assert border != "0px"
    assert colours[0] != colours[1]
