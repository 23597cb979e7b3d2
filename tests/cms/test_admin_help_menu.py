"""The admin's Help menu keeps staff on this site and in their language (issue 13: "Wagtail 8.0 的新功能"
on an English admin, and menu links to wagtail.org; the dashboard's own guide link stays)."""

import pytest
from django.contrib.auth.models import User
from django.test import RequestFactory
from django.utils import translation
from wagtail.admin.menu import help_menu
from wagtail.users.models import UserProfile

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_help_menu_has_no_link_off_the_site(client, language):
    user = User.objects.create_superuser(f"helpless-{language}", password="x")
    profile = UserProfile.get_for_user(user)
    profile.preferred_language = language
    profile.save()
    client.force_login(user)

    html = client.get("/admin/").content.decode()
    request = RequestFactory().get("/admin/")
    request.user = user
    with translation.override(language):
        names = [item.name for item in help_menu.menu_items_for_request(request)]

    assert "whats-new-in-wagtail" not in html and '"editor-guide"' not in html  # the sidebar's menu
    assert names == ["keyboard-shortcuts-trigger"]


def test_the_admin_offers_only_the_languages_the_site_ships(client):
    user = User.objects.create_superuser("polyglot", password="x")
    client.force_login(user)

    html = client.get("/admin/account/").content.decode()

    assert "Deutsch" not in html and "català" not in html
    assert "English" in html
