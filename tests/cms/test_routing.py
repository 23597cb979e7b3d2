"""cms.routing finds the page Wagtail's tree walk would find, in two queries, and keeps Wagtail's
view restrictions, 404s and utility views."""

import pytest
from django.core.cache import cache
from django.test import RequestFactory
from django.utils import translation
from wagtail.models import Page, PageViewRestriction

from cms.routing import route_for_request
from tests.cms_factories import CampaignPageFactory, CampaignUpdatePageFactory, StandardPageFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def tree(home, index, english):
    cache.clear()
    page = CampaignPageFactory(parent=index, title="白内障复明手术项目")
    update = CampaignUpdatePageFactory(parent=page)
    about = StandardPageFactory(parent=home, slug="about")
    home_en = home.copy_for_translation(english)
    home_en.save_revision().publish()
    index.copy_for_translation(english).save_revision().publish()
    page_en = page.copy_for_translation(english)
    page_en.save_revision().publish()
    return {"home": home, "index": index, "page": page, "update": update, "about": about, "page_en": page_en}


def _wagtail_walk(request, path: str):
    site = Page.objects.get(pk=request._wagtail_site.root_page_id)
    components = [c for c in path.split("/") if c]
    return site.localized.specific.route(request, components).page


@pytest.mark.parametrize("name", ["home", "index", "page", "update", "about", "page_en"])
def test_the_shortcut_finds_the_page_wagtail_finds_in_two_queries(
    tree, name, rf: RequestFactory, django_assert_max_num_queries
):
    page = tree[name]
    language = page.locale.language_code
    path = page.url.removeprefix("/en")
    with translation.override(language):
        rf.get(path)  # warm the site cache for this language
        request = rf.get(path)
        route_for_request(request, path)  # fills the cached site and root
        request = rf.get(path)
        with django_assert_max_num_queries(2):
            result = route_for_request(request, path)
        found = _wagtail_walk(request, path)

    assert result is not None
    assert (type(result.page), result.page.pk) == (type(found), found.pk) == (type(page), page.pk)


def test_a_page_in_draft_and_an_unknown_path_are_404(client, tree):
    draft = CampaignPageFactory(parent=tree["index"], slug="draft", live=False)

    assert client.get(tree["index"].url + f"{draft.slug}/").status_code == 404
    assert client.get(tree["index"].url + "no-such-campaign/").status_code == 404
    assert client.get(tree["page"].url).status_code == 200


def test_view_restrictions_still_apply_once_one_exists(client, tree):
    # given a page that anyone can read, with the "no restriction anywhere" flag cached
    url = tree["page"].url
    assert client.get(url).status_code == 200

    # when an editor makes its section private (login required)
    restriction = PageViewRestriction.objects.create(page=tree["index"], restriction_type="login")

    # then visitors are sent to log in; lifting it opens the page again
    response = client.get(url)
    assert response.status_code == 302
    assert "/_util/login/" in response["Location"]
    restriction.delete()
    assert client.get(url).status_code == 200


def test_wagtails_own_utility_views_are_still_served(client, tree):
    assert client.get("/_util/login/").status_code == 200
