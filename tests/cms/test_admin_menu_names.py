"""One name for one thing: each admin menu item opens a screen titled as the item (issue 13).

The test walks the whole menu a superuser sees, in Chinese and in English, opens each item and
reads the screen's title (its header's <h1>). Wagtail's own screens that title themselves by what
they show are declared below, with the reason."""

import html
import re
import unicodedata

import pytest
from django.test import RequestFactory
from django.utils import translation
from wagtail.admin.menu import admin_menu
from wagtail.users.models import UserProfile

pytestmark = pytest.mark.django_db

# Screens whose title is not their menu item's name, by design (Wagtail's own).
TITLED_BY_WHAT_THEY_SHOW = {
    "/admin/pages/": "the page explorer is titled by the page it explores ('浏览：所有站点')",
    "/admin/settings/cms/sitesettings/": "a settings form is titled 'Editing: <its name>'",
}


def _menu_rows(items, request, parents=()):
    for item in items:
        submenu = getattr(item, "menu", None)
        if submenu is not None:
            yield from _menu_rows(
                submenu.menu_items_for_request(request), request, (*parents, str(item.label))
            )
        else:
            yield (*parents, str(item.label)), item.url


def _title(page: str) -> str:
    match = re.search(r"<h1[^>]*>(.*?)</h1>", page, re.S)
    assert match, "the screen has no <h1>"
    return html.unescape(" ".join(re.sub(r"<[^>]+>", " ", match.group(1)).split()))


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_every_admin_menu_item_opens_a_screen_with_its_name(client, django_user_model, language):
    admin = django_user_model.objects.create_superuser("menu-walker", "walker@example.org", "x")
    profile = UserProfile.get_for_user(admin)
    profile.preferred_language = language
    profile.save()
    client.force_login(admin)
    assert client.get("/admin/").status_code == 200  # the admin's URLs (and viewsets' menu items) loaded
    admin_menu.__dict__.pop("registered_menu_items", None)  # built before them: built again
    request = RequestFactory().get("/admin/")
    request.user = admin
    with translation.override(language):
        rows = list(_menu_rows(admin_menu.menu_items_for_request(request), request))

    checked, mismatched = 0, []
    for labels, url in rows:
        if not url.startswith("/admin/") or url in TITLED_BY_WHAT_THEY_SHOW:
            continue  # Help's links leave the site
        response = client.get(url, follow=True)
        assert response.status_code == 200, (labels, url)
        title = _title(response.content.decode())
        if title != labels[-1]:
            mismatched.append((" > ".join(labels), url, title))
        checked += 1

    assert mismatched == []
    assert checked > 30  # the walk reached our screens, not only Wagtail's


def _width(label: str) -> float:
    """A label's width in Chinese characters: a full-width character is 1, any other 0.55."""
    return sum(1 if unicodedata.east_asian_width(char) in "WF" else 0.55 for char in label)


def test_every_chinese_menu_label_fits_the_sidebar(django_user_model):
    # The sidebar cuts a top-level label at about 7.5 Chinese characters ("事件推送（Web…", issue 13).
    admin = django_user_model.objects.create_superuser("menu-measurer", "measurer@example.org", "x")
    request = RequestFactory().get("/admin/")
    request.user = admin
    admin_menu.__dict__.pop("registered_menu_items", None)
    with translation.override("zh-hans"):
        labels = sorted(
            {row[0] for row, _url in _menu_rows(admin_menu.menu_items_for_request(request), request)}
        )

    assert len(labels) > 10
    assert [label for label in labels if _width(label) > 7] == []
