"""Kept pages served before the middleware stack (issue 11, ADR 0242).

An anonymous GET or HEAD of a kept giving page or CMS campaign page is answered by
``payments.public_pages.early`` with the body and headers the whole stack gave the kept render,
while the page's validator (live figures, versions, date) holds: no session, routing or view.
Everything else (a signed-in editor, a query string, a POST, a session or messages cookie, a page
whose validator changed or whose entry expired) takes the whole stack, as before."""

import time

import pytest
from django.core.cache import cache
from django.db import OperationalError, connection
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from cms.models import CampaignPage
from payments.public_pages import early, page_cache
from tests.cms.conftest import home, index  # noqa: F401 (fixtures)
from tests.cms_factories import CampaignPageFactory
from tests.payments.factories import give

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def kept_pages(settings):
    settings.TOTALS_CACHE_SECONDS = 0  # the figures read live on every request
    settings.PUBLIC_PAGE_KEEP_SECONDS = 60
    cache.clear()
    early.forget_not_kept()
    yield
    cache.clear()
    early.forget_not_kept()


@pytest.fixture
def campaign_page(index, fake_gateway):  # noqa: F811
    page = CampaignPageFactory(parent=index, campaign__status="live", intro="第一版摘要")
    page.save_revision().publish()
    return CampaignPage.objects.get(pk=page.pk)


def _fetch(client, path: str, method: str = "get", **extra):
    with CaptureQueriesContext(connection) as queries:
        response = getattr(client, method)(path, **extra)
    return response, [q["sql"] for q in queries.captured_queries]


def _early(response) -> bool:
    """Answered before the stack: no session middleware ran and no URL was resolved."""
    request = response.wsgi_request
    return not hasattr(request, "session") and request.resolver_match is None


def _settle(client, path: str):
    """View until a request is answered early; returns (the render that was kept, the early hit).
    (The first views of a new site write its settings, a new content generation.)"""
    render = None
    for _ in range(4):
        response = client.get(path)
        assert response.status_code == 200
        if _early(response):
            assert render is not None
            return render, response
        render = response
    raise AssertionError("never answered early")


def _giving_path(campaign) -> str:
    return f"/payments/donate/{campaign.slug}/"


@pytest.mark.parametrize("cache_seconds", [0, 3])
@pytest.mark.parametrize("which", ["giving", "story"])
def test_an_early_hit_is_the_render_byte_for_byte_and_header_for_header(
    client, settings, campaign_page, which, cache_seconds
):
    settings.TOTALS_CACHE_SECONDS = cache_seconds
    settings.X_FRAME_OPTIONS = "DENY"  # production's
    give(campaign_page.campaign, "300", display_name="王芳", public_message="加油")
    path = _giving_path(campaign_page.campaign) if which == "giving" else campaign_page.url
    client.get(path)  # the first view of a new site writes its settings (a new content generation)
    cache.clear()  # and the short cache would answer in the view for 3 s, in front of the kept page

    kept_render, hit = _settle(client, path)
    settings.PUBLIC_PAGE_KEEP_SECONDS = 0  # a normal render through the whole stack, nothing kept
    cache.clear()
    render = client.get(path)

    assert not _early(render) and _early(hit)
    assert hit.content == render.content == kept_render.content
    assert dict(hit.headers) == dict(render.headers) == dict(kept_render.headers)
    for name in ("Content-Language", "Content-Type", "Content-Length", "Content-Security-Policy", "Vary",
                 "X-Frame-Options", "X-Content-Type-Options", "Referrer-Policy", "Cross-Origin-Opener-Policy"):  # fmt: skip
        assert name in hit.headers, name
    assert hit.headers["Content-Language"] == "zh-hans"
    assert hit.headers["X-Frame-Options"] == "DENY"
    if cache_seconds:
        assert set(hit.headers["Cache-Control"].split(", ")) == {"public", "max-age=3"}


def test_an_early_hit_makes_one_query_the_live_figures(client, campaign_page):
    give(campaign_page.campaign, "100")
    path = _giving_path(campaign_page.campaign)
    _settle(client, path)
    response, sql = _fetch(client, path)
    assert _early(response)
    assert len(sql) == 1 and "wagtailcore_page" not in sql[0] and "payments_donation" not in sql[0], sql


def test_head_is_answered_early_with_the_headers_of_get(client, campaign_page):
    _kept, hit = _settle(client, campaign_page.url)
    head = client.head(campaign_page.url)
    assert _early(head)
    assert dict(head.headers) == dict(hit.headers)
    assert head.content == b""  # the server drops a HEAD's body (here the test client, as gunicorn does)


def test_each_language_is_kept_under_its_own_url(client, fake_gateway, campaign):
    zh_path = _giving_path(campaign)
    en_path = "/en" + zh_path
    _kept, zh = _settle(client, zh_path)
    _kept, en = _settle(client, en_path)
    assert (zh.headers["Content-Language"], en.headers["Content-Language"]) == ("zh-hans", "en")
    assert zh.content != en.content
    # An English visitor's cookie and Accept-Language do not choose the language of /…: the URL does.
    client.cookies["django_language"] = "en"
    again = client.get(zh_path, HTTP_ACCEPT_LANGUAGE="en")
    assert _early(again) and again.content == zh.content


def test_a_gift_captured_renders_again_with_the_new_figure(client, campaign_page):
    give(campaign_page.campaign, "300")
    path = _giving_path(campaign_page.campaign)
    _settle(client, path)
    give(campaign_page.campaign, "200", public_message="一起加油")
    response, sql = _fetch(client, path)
    assert not _early(response) and any("payments_donation" in q for q in sql)  # rendered
    assert 'data-testid="raised">¥500<' in response.content.decode()
    assert "一起加油" in response.content.decode()
    next_one = client.get(path)
    assert _early(next_one) and next_one.content == response.content  # kept again


def test_a_publish_renders_again(client, campaign_page):
    _settle(client, campaign_page.url)
    page = CampaignPage.objects.get(pk=campaign_page.pk)
    page.intro = "第二版摘要"
    page.save_revision().publish()
    response = client.get(campaign_page.url)
    assert not _early(response)
    assert "第二版摘要" in response.content.decode() and "第一版摘要" not in response.content.decode()


def test_an_expired_kept_page_takes_the_stack(client, fake_gateway, campaign):
    path = _giving_path(campaign)
    _settle(client, path)
    request = RequestFactory().get(path)
    key = early.early_key(request)
    assert cache.touch(key, 1) and cache.touch(f"donate-page:kept:{campaign.slug}:zh-hans", 1)
    time.sleep(1.2)  # the entries' own timeout in the cache, not a timing assertion
    response, sql = _fetch(client, path)
    assert not _early(response) and any("payments_donation" in q for q in sql)


def test_a_view_copy_without_an_early_copy_is_rendered_again_to_make_one(client, fake_gateway, campaign):
    path = _giving_path(campaign)
    _settle(client, path)
    # The early copy is gone (evicted, or kept for another host) while the view's copy holds: the
    # view renders rather than serve its copy, since only a render through the stack makes one.
    cache.delete(early.early_key(RequestFactory().get(path)))
    assert cache.get(f"donate-page:kept:{campaign.slug}:zh-hans") is not None
    response, sql = _fetch(client, path)
    assert not _early(response) and any("payments_donation" in q for q in sql)
    assert _early(client.get(path))


def test_signed_in_editor_query_string_post_and_cookies_take_the_stack(client, campaign_page, editor):
    path = campaign_page.url
    _settle(client, path)
    assert not _early(client.get(path + "?utm_source=wechat"))
    assert not _early(client.post(path))
    client.cookies["messages"] = "pending"
    assert not _early(client.get(path))
    del client.cookies["messages"]
    client.cookies["sessionid"] = "a-session-we-never-made"
    assert not _early(client.get(path))
    del client.cookies["sessionid"]
    client.force_login(editor)
    response, sql = _fetch(client, path)
    assert not _early(response) and any("wagtailcore_page" in q for q in sql)
    assert response.wsgi_request.user == editor


def test_a_refused_user_agent_is_refused_as_by_the_stack(client, settings, campaign_page):
    import re

    _settle(client, campaign_page.url)
    settings.DISALLOWED_USER_AGENTS = [re.compile(r"BadBot")]
    assert client.get(campaign_page.url, HTTP_USER_AGENT="BadBot/1.0").status_code == 403


def test_a_csrf_cookie_alone_is_anonymous_and_gets_no_cookie_back(client, campaign_page):
    _kept, hit = _settle(client, campaign_page.url)
    client.cookies["csrftoken"] = "a" * 32
    response = client.get(campaign_page.url)
    assert _early(response) and response.content == hit.content and not response.cookies


def test_the_kept_giving_page_holds_nothing_personal_and_no_csrf_token(client, campaign_page):
    give(campaign_page.campaign, "300", email="wang.fang@example.cn", display_name="王芳", anonymous=True)
    _kept, hit = _settle(client, _giving_path(campaign_page.campaign))
    html = hit.content.decode()
    assert "wang.fang@example.cn" not in html and "王芳" not in html  # an anonymous gift's name
    assert "csrfmiddlewaretoken" not in html and "nonce=" not in html
    assert not hit.cookies


# The guards, on the middleware itself: a view's kept render that made a CSRF token, a nonce or a
# cookie is never kept early, and the view's own entry is dropped.


def _through_middleware(view, path: str = "/payments/donate/x/"):
    request = RequestFactory().get(path)
    response = early.KeptPagesFirstMiddleware(view)(request)
    return request, response


def _keeping_view(campaign, *, then=None):
    def view(request):
        response = HttpResponse(b"<p>page</p>", headers={"Content-Language": "zh-hans"})
        page_cache.keep_page("view-key", campaign=campaign, validator="v", response=response)
        if then:
            then(request, response)
        return response

    return view


@pytest.mark.parametrize(
    "secret",
    [
        lambda request, response: get_token(request),
        lambda request, response: setattr(request, "_csp_nonce", "bm9uY2U="),
        lambda request, response: response.set_cookie("sessionid", "x"),
    ],
    ids=["csrf-token", "csp-nonce", "cookie"],
)
def test_a_render_with_a_secret_is_not_kept_and_the_views_entry_is_dropped(campaign, secret):
    request, _response = _through_middleware(_keeping_view(campaign, then=secret))
    assert cache.get(early.early_key(request)) is None
    assert cache.get("view-key") is None


def test_a_clean_render_is_kept_with_its_headers(campaign):
    request, _response = _through_middleware(_keeping_view(campaign))
    entry = cache.get(early.early_key(request))
    assert entry.body == b"<p>page</p>" and entry.validator == "v" and entry.campaign == campaign
    assert entry.headers == {"Content-Type": "text/html; charset=utf-8", "Content-Language": "zh-hans"}
    assert cache.get("view-key") is not None


def test_a_render_that_varies_on_another_header_is_not_kept_early(campaign):
    def vary(request, response):
        response["Vary"] = "Cookie, User-Agent"

    request, _response = _through_middleware(_keeping_view(campaign, then=vary))
    assert cache.get(early.early_key(request)) == early.NOT_KEPT_EARLY
    assert cache.get("view-key") is not None  # nothing secret: the view's own entry stays


def test_the_view_serves_its_own_copy_only_where_no_early_copy_can_be_made(campaign):
    seen = []

    def view(request):
        seen.append(page_cache.render_for_early_copy.get())
        return HttpResponse(b"<p>page</p>")

    _through_middleware(view)  # nothing kept early yet: render, to make an early copy
    cache.set(early.early_key(RequestFactory().get("/payments/donate/x/")), early.NOT_KEPT_EARLY)
    _through_middleware(view)  # found unfit: the view's own kept copy may serve
    assert seen == [True, False]
    assert page_cache.render_for_early_copy.get() is False


def test_a_database_error_while_validating_falls_through(campaign, monkeypatch):
    request, _response = _through_middleware(_keeping_view(campaign))
    assert cache.get(early.early_key(request)) is not None

    def unavailable(**parts):
        raise OperationalError("the database is restarting")

    monkeypatch.setattr(early, "page_validator", unavailable)
    reached = []
    response = early.KeptPagesFirstMiddleware(lambda r: reached.append(r) or HttpResponse(status=503))(
        RequestFactory().get("/payments/donate/x/")
    )
    assert reached and response.status_code == 503


def test_a_password_protected_page_whose_form_holds_a_csrf_token_is_never_kept(client, campaign_page):
    from wagtail.models import PageViewRestriction

    PageViewRestriction.objects.create(
        page=campaign_page, restriction_type=PageViewRestriction.PASSWORD, password="s3cret"
    )
    first = client.get(campaign_page.url)
    assert first.status_code == 200 and "csrfmiddlewaretoken" in first.content.decode()
    client.cookies.clear()  # another visitor
    second = client.get(campaign_page.url)
    assert not _early(second)
    assert second.cookies["csrftoken"].value != first.cookies["csrftoken"].value  # a token of its own
    assert cache.get(early.early_key(RequestFactory().get(campaign_page.url))) is None
    assert cache.get(f"cms:kept:testserver:{campaign_page.url}:zh-hans") is None  # the view's, dropped


def test_a_page_that_is_not_kept_is_not_looked_up_again_for_a_few_seconds(client, home, monkeypatch):  # noqa: F811
    looked_up = []
    lookup = early.early_response
    monkeypatch.setattr(early, "early_response", lambda key: looked_up.append(key) or lookup(key))
    assert client.get("/").status_code == 200 and client.get("/").status_code == 200
    assert len(looked_up) == 1  # the home page is not kept: the second read costs no cache read
    monkeypatch.setattr(early, "NOT_KEPT_MEMORY_SECONDS", 0.0)
    early.forget_not_kept()
    client.get("/")
    client.get("/")
    assert len(looked_up) == 3  # remembered for no time: looked up on each request


def test_the_validator_keys_are_where_their_owners_keep_them(settings, fake_gateway, campaign):
    from campaigns.public_cache import campaign_page_versions
    from payments.figures.selectors import campaign_totals

    settings.TOTALS_CACHE_SECONDS = 3
    give(campaign, "100")
    versions = campaign_page_versions(campaign_id=campaign.pk)
    totals = campaign_totals(campaign=campaign)  # now in its short cache
    found = cache.get_many(page_cache.validator_keys(campaign.pk))
    assert page_cache.validator_parts(found, campaign_id=campaign.pk) == (versions, totals)
    assert totals.raised.amount == 100


def test_a_panel_change_is_seen_at_once_with_the_versions_read_beside_the_entry(client, campaign_page):
    from campaigns.public_cache import bump_campaign_panels

    _settle(client, campaign_page.url)
    assert _early(client.get(campaign_page.url))  # this process now reads the versions with the entry
    bump_campaign_panels(campaign_id=campaign_page.campaign.pk)
    assert not _early(client.get(campaign_page.url))


def test_a_head_does_not_keep_the_page_from_being_answered_early(client, campaign_page):
    _settle(client, campaign_page.url)
    cache.delete(early.early_key(RequestFactory().get(campaign_page.url)))  # evicted, say
    assert not _early(client.head(campaign_page.url))  # a HEAD makes no early copy ...
    client.get(campaign_page.url)  # ... and is no reason not to look for one: this GET renders
    assert _early(client.get(campaign_page.url))
