"""Kept whole pages (issue 11, ADR 0241) on the CMS campaign page: served without routing or a
render while its figures (read live), versions and date hold; a gift or a publish renders again;
signed-in visitors and query strings always get a render."""

import pytest
from django.core.cache import cache

from cms.models import CampaignPage
from tests.cms_factories import CampaignPageFactory
from tests.payments.factories import give
from tests.payments.test_kept_pages import _get

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def kept_pages(settings):
    settings.TOTALS_CACHE_SECONDS = 0
    settings.PUBLIC_PAGE_KEEP_SECONDS = 60
    cache.clear()
    yield
    cache.clear()


def _routed(sql: list[str]) -> bool:
    return any("wagtailcore_page" in q for q in sql)


def _settle(client, url: str) -> str:
    for _ in range(3):
        html, sql = _get(client, url)
        if not _routed(sql):
            return html
    raise AssertionError("the page was never kept")


@pytest.fixture
def campaign_page(index, settings):
    settings.PAYMENTS_GATEWAY = "payments.gateway.card_fake.FakeGateway"
    from payments.gateway.card import _gateway_instance

    _gateway_instance.cache_clear()
    page = CampaignPageFactory(parent=index, campaign__status="live", intro="第一版摘要")
    page.save_revision().publish()
    yield CampaignPage.objects.get(pk=page.pk)
    _gateway_instance.cache_clear()


def test_campaign_page_kept_hit_skips_routing_and_render(client, campaign_page):
    give(campaign_page.campaign, "100")  # a campaign with kept balances: its figures are one query
    first = _settle(client, campaign_page.url)
    second, sql = _get(client, campaign_page.url)
    assert second == first
    assert len(sql) == 1 and "wagtailcore_page" not in sql[0], sql  # the live figures only

    give(campaign_page.campaign, "123.45")
    third, sql = _get(client, campaign_page.url)
    assert "223.45" in third and any("wagtailcore_page" in q for q in sql)


def test_publishing_the_page_shows_at_once(client, campaign_page):
    _settle(client, campaign_page.url)
    page = CampaignPage.objects.get(pk=campaign_page.pk)
    page.intro = "第二版摘要"
    page.save_revision().publish()
    html, _sql = _get(client, campaign_page.url)
    assert "第二版摘要" in html and "第一版摘要" not in html


def test_signed_in_visitors_and_query_strings_get_a_render(client, campaign_page, django_user_model):
    _settle(client, campaign_page.url)  # kept for anonymous readers
    _html, sql = _get(client, campaign_page.url + "?utm_source=wechat")
    assert any("wagtailcore_page" in q for q in sql)
    client.force_login(django_user_model.objects.create_user("reader", password="x"))
    _html, sql = _get(client, campaign_page.url)
    assert any("wagtailcore_page" in q for q in sql)
