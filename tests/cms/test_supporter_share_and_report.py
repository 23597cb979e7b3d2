"""A supporter's page read in English (issue 13): its share image is drawn in the language of the
URL it is served under, with the supporter's Chinese title marked as the page marks it, and the
report form quotes that title with the same mark."""

from __future__ import annotations

import io
from unittest import mock

import pytest
from django.core.cache import cache
from PIL import Image

from campaigns.models import CampaignStatus
from campaigns.money import Money
from cms.sharing import card
from cms.sharing.card_text import card_text
from tests.factories import CampaignFactory
from tests.payments.supporter_helpers import public_page

pytestmark = pytest.mark.django_db


@pytest.fixture
def campaign():
    return CampaignFactory(status=CampaignStatus.LIVE, min_donation_minor=1000)


@pytest.fixture(autouse=True)
def _no_kept_images():
    cache.clear()
    yield
    cache.clear()


def test_the_card_text_is_in_the_language_asked_for():
    # given the figures of a page and its title as an English reader sees it
    raised, goal = Money.from_minor(30_000, "CNY"), Money.from_minor(500_000, "CNY")

    # when the card's lines are made in English and in Chinese
    english = card_text(title="周敏为外婆筹款 (written in Chinese)", raised=raised, goal=goal, language="en")
    chinese = card_text(title="周敏为外婆筹款", raised=raised, goal=goal, language="zh-hans")

    # then each reads its own language, and only English figures carry English words
    assert (english.raised, english.of_goal, english.counted) == ("¥300 raised", "of a goal of ¥5,000", "")
    assert english.footer.endswith(" · every cent traced to a verified outcome")
    assert english.title == "周敏为外婆筹款 (written in Chinese)"
    assert (chinese.raised, chinese.of_goal) == ("已筹 ¥300", "目标 ¥5,000")
    assert "已筹" not in "".join(english.as_kwargs().values())


def test_the_english_preview_png_is_drawn_with_english_labels(client, campaign, editor):
    # given an approved page whose supporter wrote in Chinese
    page = public_page(campaign, editor)

    # when the English and the Chinese share images are fetched (drawing through the real card)
    with mock.patch("cms.supporters.views.render_card", wraps=card.render_card) as draw:
        english = client.get(f"/en/supporters/{page.slug}/preview.png")
        chinese = client.get(f"/supporters/{page.slug}/preview.png")

    # then both are 1200×630 PNGs, the English one drawn with English words and the marked title
    for response in (english, chinese):
        assert response.status_code == 200 and response["Content-Type"] == "image/png"
        assert Image.open(io.BytesIO(response.content)).size == (1200, 630)
    drawn_en, drawn_zh = (call.kwargs for call in draw.call_args_list)
    assert drawn_en["title"] == "周敏为外婆筹款 (written in Chinese)"
    assert (drawn_en["raised"], drawn_en["of_goal"]) == ("¥0 raised", "of a goal of ¥5,000")
    assert (drawn_zh["title"], drawn_zh["raised"], drawn_zh["of_goal"]) == (
        "周敏为外婆筹款",
        "已筹 ¥0",
        "目标 ¥5,000",
    )
    # and the two images, their cache entries and validators never mix
    assert english.content != chinese.content
    assert english["ETag"] != chinese["ETag"]
    assert client.get(f"/en/supporters/{page.slug}/preview.png").content == english.content
    assert draw.call_count == 2  # the second English fetch came from its own cache entry


def test_the_english_team_preview_is_drawn_in_english(client, campaign, editor):
    # given a public page in a team named in Chinese
    page = public_page(campaign, editor, new_team_name="江华跑团")

    # when the English team image is fetched
    with mock.patch("cms.supporters.views.render_card", return_value=b"png") as draw:
        client.get(f"/en/teams/{page.team.slug}/preview.png")

    # then its words are English and the team's name is marked
    assert draw.call_args.kwargs["title"] == "江华跑团 (written in Chinese)"
    assert draw.call_args.kwargs["raised"] == "¥0 raised"


def test_the_report_form_marks_a_chinese_title_on_the_english_page(client, campaign, editor):
    # given an approved page whose supporter wrote its title in Chinese
    page = public_page(campaign, editor)

    # when the English and the Chinese report forms are read
    english = client.get(f"/en/supporters/{page.slug}/report/").content.decode()
    chinese = client.get(f"/supporters/{page.slug}/report/").content.decode()

    # then the English prompt quotes the title in a Chinese span marked "written in Chinese"
    assert (
        '<span lang="zh-Hans" data-donor-text>周敏为外婆筹款</span> '
        '<small class="untranslated">(written in Chinese)</small>'
    ) in english
    # and the Chinese one quotes it as written, with no mark
    assert "<span data-donor-text>周敏为外婆筹款</span>" in chinese
    assert "written in Chinese" not in chinese and "以中文撰写" not in chinese


def test_the_chinese_team_preview_draws_a_latin_team_name_unmarked(client, campaign, editor):
    # given a team named in Latin letters: a name, read as written (no "（英文）" as for a message)
    page = public_page(campaign, editor, new_team_name="Jianghua Runners")

    # when the Chinese team image is fetched
    with mock.patch("cms.supporters.views.render_card", return_value=b"png") as draw:
        client.get(f"/teams/{page.team.slug}/preview.png")

    # then the name is drawn as it is
    assert draw.call_args.kwargs["title"] == "Jianghua Runners"
