"""Kept whole pages (issue 11, ADR 0241): a campaign's giving page and CMS page are served from a
kept response only while everything they show is what a render would show now. Figures are read
live (``TOTALS_CACHE_SECONDS = 0``) on every request; a gift, a change of the campaign, a page
publish, a pool change or a new day renders again."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from campaigns.models import CampaignStatus
from campaigns.public_cache import campaign_panels_version
from tests.payments.factories import give

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def kept_pages(settings):
    settings.TOTALS_CACHE_SECONDS = 0  # no short cache: every request reads the figures live
    settings.PUBLIC_PAGE_KEEP_SECONDS = 60
    cache.clear()
    yield
    cache.clear()


def _get(client, path: str) -> tuple[str, list[str]]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200
    return response.content.decode(), [q["sql"] for q in queries.captured_queries]


def _settle(client, path: str) -> str:
    """The first views of a new site write its settings (a new content generation): view until
    the page is kept, as it is in the steady state."""
    for _ in range(3):
        html, sql = _get(client, path)
        if not _renders(sql):
            return html
    raise AssertionError("the page was never kept")


def _renders(sql: list[str]) -> bool:
    """A render reads the wall of support (gifts); a kept hit reads only the kept figures."""
    return any('FROM "payments_donation"' in q for q in sql)


def test_giving_page_is_served_kept_with_live_figures(client, fake_gateway, campaign):
    give(campaign, "300", display_name="王芳", public_message="加油")
    path = f"/payments/donate/{campaign.slug}/"
    first = _settle(client, path)
    second, sql = _get(client, path)
    assert second == first
    assert not _renders(sql)
    assert len(sql) == 1, sql  # the campaign's kept figures, read live from the ledger's balances

    give(campaign, "200", display_name="李雷", public_message="一起加油")
    third, sql = _get(client, path)
    assert _renders(sql)
    assert 'data-testid="raised">¥500<' in third and "一起加油" in third  # the new gift, at once


def test_a_change_of_the_campaign_renders_again(client, fake_gateway, campaign):
    give(campaign, "300")
    path = f"/payments/donate/{campaign.slug}/"
    assert 'data-testid="donate-closed"' not in _settle(client, path)
    campaign.status = CampaignStatus.CLOSED
    campaign.save(update_fields=["status"])
    html, sql = _get(client, path)
    assert _renders(sql)
    assert 'data-testid="donate-closed"' in html


def test_a_new_day_renders_again(client, fake_gateway, campaign, monkeypatch):
    import datetime

    from payments.public_pages import page_cache

    path = f"/payments/donate/{campaign.slug}/"
    _settle(client, path)
    tomorrow = page_cache.site_today() + datetime.timedelta(days=1)
    monkeypatch.setattr(page_cache, "site_today", lambda: tomorrow)
    assert _renders(_get(client, path)[1])  # days left, the deadline and overdue evidence follow the date


def test_an_earmarked_link_is_rendered_each_time(client, fake_gateway, campaign):
    path = f"/payments/donate/{campaign.slug}/?for=1"
    assert _renders(_get(client, path)[1])
    assert _renders(_get(client, path)[1])  # personal to the link: never kept


def test_a_pool_change_starts_a_new_panel_version_of_its_campaigns(campaign):
    from datetime import timedelta

    from django.utils import timezone

    from payments.matching.models import Matcher, MatchPool

    before = campaign_panels_version(campaign_id=campaign.pk)
    matcher = Matcher.objects.create(name="万企帮万村示范企业")
    now = timezone.now()
    pool = MatchPool.objects.create(
        matcher=matcher,
        title="配捐",
        cap_minor=100_000,
        starts_at=now,
        ends_at=now + timedelta(days=1),
    )
    pool.campaigns.add(campaign)
    added = campaign_panels_version(campaign_id=campaign.pk)
    assert added != before
    pool.save()
    assert campaign_panels_version(campaign_id=campaign.pk) != added
