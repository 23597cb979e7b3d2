"""Simplified Chinese is the default language; English pages render in English; the switcher links
each page to its translation."""

import pytest
from django.utils import translation

from campaigns.models import CampaignKind, CampaignStatus
from tests.cms_factories import CampaignPageFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def bilingual_campaign(index, english):
    page = CampaignPageFactory(parent=index, title="白内障复明手术项目", campaign__kind=CampaignKind.MEDICAL)
    home_en = index.get_parent().copy_for_translation(english)
    home_en.title = "Clearfund"
    home_en.save_revision().publish()
    index.copy_for_translation(english).save_revision().publish()
    page_en = page.copy_for_translation(english)
    page_en.title, page_en.unit_label = "Cataract surgery programme", "one cataract surgery"
    page_en.save_revision().publish()
    return page, page_en


def test_the_chinese_page_renders_in_chinese(client, bilingual_campaign):
    page, page_en = bilingual_campaign

    html = client.get(page.url).content.decode()

    assert '<html lang="zh-hans">' in html
    assert "白内障复明手术项目" in html
    assert "托管中" in html
    assert "一例白内障手术 = ¥3,000" in html
    assert "医疗救助" in html  # campaigns' choices are translated
    assert f'<a href="{page_en.url}" lang="en" hreflang="en">English</a>' in html


def test_the_english_page_renders_in_english(client, bilingual_campaign):
    page, page_en = bilingual_campaign

    response = client.get(page_en.url)

    html = response.content.decode()
    assert page_en.url.startswith("/en/")
    assert '<html lang="en">' in html
    assert "Cataract surgery programme" in html
    assert "Held in escrow" in html
    assert "one cataract surgery = ¥3,000" in html
    assert "Medical" in html
    assert f'<a href="{page.url}" lang="zh-hans" hreflang="zh-hans">简体中文</a>' in html


def test_without_a_translation_the_switcher_links_to_the_other_languages_home(client, index, english):
    page = CampaignPageFactory(parent=index)
    home_en = index.get_parent().copy_for_translation(english)
    home_en.save_revision().publish()

    html = client.get(page.url).content.decode()

    assert '<a href="/en/" lang="en" hreflang="en">English</a>' in html


def test_status_names_are_translated_and_donors_read_raising_funds():
    from campaigns.models import Campaign
    from cms.templatetags.cms_tags import public_status

    with translation.override("zh-hans"):
        assert str(CampaignStatus.FUNDED.label) == "已筹满"
        assert public_status(Campaign(status=CampaignStatus.LIVE)) == "筹款中"
        assert public_status(Campaign(status=CampaignStatus.CLOSED)) == "已结束"
    with translation.override("en"):
        assert public_status(Campaign(status=CampaignStatus.LIVE)) == "Raising funds"
