"""The campaign page's own content (hero, summary, story), its updates list and the donate form are
cached fragments (ADR 0228); the figures stay live. A published change shows on the next view, a
draft does not, a preview is never cached, and a change of what the form shows is a new key."""

import pytest
from django.core.cache import cache

from cms.models import CampaignPage
from tests.cms_factories import CampaignPageFactory, CampaignUpdatePageFactory
from tests.verification.factories import captured_donation

pytestmark = pytest.mark.django_db


@pytest.fixture
def page(index, settings):
    settings.CAMPAIGN_PANELS_CACHE_SECONDS = 300
    settings.TOTALS_CACHE_SECONDS = 0  # figures read live on every render
    cache.clear()
    page = CampaignPageFactory(parent=index, campaign__status="live", intro="第一版摘要")
    page.save_revision().publish()  # a live revision: the page's own content is cached under it
    return CampaignPage.objects.get(pk=page.pk)


def _html(client, page) -> str:
    response = client.get(page.url)
    assert response.status_code == 200
    return response.content.decode()


def test_own_content_is_cached_until_a_revision_is_published(client, page):
    _html(client, page)  # the first view of a new site writes its settings (a new header generation)
    assert "第一版摘要" in _html(client, page)

    # a write that publishes nothing (no revision, no signal) is not seen in the cached summary (the
    # link-preview tags and the share section read the row, ADR 0415; Wagtail writes it only on publish)
    CampaignPage.objects.filter(pk=page.pk).update(intro="未发布的改动")
    assert '<p class="lead">第一版摘要</p>' in _html(client, page)

    # a draft revision is not shown either
    page.refresh_from_db()
    page.intro = "草稿摘要"
    page.save_revision()
    assert "草稿摘要" not in _html(client, page)

    # publishing shows the change on the next view
    page.intro = "第二版摘要"
    page.save_revision().publish()
    html = _html(client, page)
    assert "第二版摘要" in html and "第一版摘要" not in html


def test_figures_stay_live_under_the_cached_content(client, page):
    before = _html(client, page)
    captured_donation(page.campaign, 12_345)
    after = _html(client, page)
    assert "123.45" not in before
    assert "123.45" in after  # raised, read from the ledger on this render


def test_a_published_update_shows_on_the_next_view(client, page):
    assert "第一批手术完成" not in _html(client, page)  # the updates list is now cached
    update = CampaignUpdatePageFactory(parent=page, title="第一批手术完成")
    update.save_revision().publish()
    assert "第一批手术完成" in _html(client, page)


def test_a_preview_is_never_cached(page):
    from cms.selectors import campaign_page_context

    live = campaign_page_context(page=page)
    preview = campaign_page_context(page=page, preview=True)
    again = campaign_page_context(page=page, preview=True)
    assert live["story_seconds"] > 0
    assert preview["story_seconds"] == 0 and preview["story_key"] != again["story_key"]


def test_the_donate_form_key_follows_what_the_form_shows(client, page):
    assert 'id="donate-form"' in _html(client, page)
    campaign = page.campaign
    campaign.min_donation_minor = 77_700
    campaign.save()
    html = _html(client, page)
    assert 'placeholder="777' in html  # the new minimum, not the cached form's
