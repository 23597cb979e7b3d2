"""What a donor or supporter wrote in English, on a Chinese page (issue 13): marked "（英文）" in a
``lang="en"`` element, as English pages mark Chinese text "(written in Chinese)"; names (a donor's
name on the wall, a team's name) are shown as typed, unmarked."""

from __future__ import annotations

import pytest
from django.utils import translation

from campaigns.reader_language import written_in_english_here, written_plain
from payments.supporters.models import SupporterPage
from tests.payments.factories import give
from tests.payments.supporter_helpers import public_page

pytestmark = pytest.mark.django_db

MARKED = '<span lang="en" data-donor-text>{}</span><small class="untranslated">（英文）</small>'


def _wall(html: str) -> str:
    return html.split('class="wall-of-support"', 1)[1].split("</section>", 1)[0]


def test_an_english_message_and_dedication_are_marked_on_the_chinese_wall_and_the_name_is_not(
    client, fake_gateway, campaign
):
    # given a gift by "Li Wei" in honour of someone named in English, with an English message
    give(
        campaign,
        "100",
        dedication="my grandmother",
        public_message="Small but every month.",
        display_name="Li Wei",
    )

    # when the Chinese donate page shows the wall of support
    wall = _wall(client.get(f"/payments/donate/{campaign.slug}/").content.decode())

    # then the message and the dedication are marked as written in English; the name is as typed
    assert "<p>" + MARKED.format("Small but every month.") + "</p>" in wall
    assert MARKED.format("my grandmother") in wall
    assert "<strong data-donor-text>Li Wei</strong>" in wall
    assert wall.count("（英文）") == 2

    # and the English page shows them without a mark
    english = _wall(client.get(f"/en/payments/donate/{campaign.slug}/").content.decode())
    assert "<p><span data-donor-text>Small but every month.</span></p>" in english
    assert "英文" not in english and "written in" not in english


def test_text_with_any_chinese_or_no_letters_is_not_marked_on_a_chinese_page():
    assert written_in_english_here("Get well soon!", language="zh-hans")
    assert written_in_english_here("<p>Get well<br>soon</p>", language="zh-hans")
    assert not written_in_english_here("加油 Li Wei!", language="zh-hans")  # partly Chinese
    assert not written_in_english_here("<p>加油</p>", language="zh-hans")  # the markup is not text
    assert not written_in_english_here("❤ 100%", language="zh-hans")  # no letters
    assert not written_in_english_here("Get well soon!", language="en")
    with translation.override("zh-hans"):
        assert written_plain("Run for sight") == "Run for sight（英文）"
        assert written_plain("Jianghua Alumni", names=True) == "Jianghua Alumni"
    with translation.override("en"):
        assert written_plain("为外婆筹款") == "为外婆筹款 (written in Chinese)"


def test_a_chinese_supporter_page_marks_english_title_and_words_but_not_the_team_name(
    client, campaign, editor
):
    # given a supporter's page written in English, in a team named in English
    spage = public_page(campaign, editor, new_team_name="Jianghua Alumni")
    SupporterPage.objects.filter(pk=spage.pk).update(title="Run for sight", words="Every surgery counts.")

    # when the Chinese page is read
    html = client.get(f"/supporters/{spage.slug}/").content.decode()

    # then the title and the words are marked as written in English, the team's name is not
    assert "<h1>" + MARKED.format("Run for sight") + "</h1>" in html
    words = html.split('data-testid="supporter-words">', 1)[1].split("</div>", 2)
    assert '<div lang="en" data-donor-text><p>Every surgery counts.</p></div>' in words[0] + "</div>"
    assert '<p class="untranslated"><small>（英文）</small></p>' in words[1]
    assert "<span data-donor-text>Jianghua Alumni</span></a>" in html
    assert "<title>Run for sight（英文）" in html
