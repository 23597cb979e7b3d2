"""A supporter's own words on an English page (issue 13): shown as written, in Chinese, marked
"written in Chinese" with lang="zh-Hans"; the crawler's check for Chinese on English pages skips
the words themselves (people's own words, ``data-donor-text``) but still reads the mark. (That it
still reports an untranslated record is ``test_crawl``'s own test.)"""

import re

import pytest
from django.contrib.auth import get_user_model

from campaigns.models import Campaign
from tests.browser.test_crawl import CJK, MAIN_TEXT
from tests.payments.supporter_helpers import public_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_an_english_supporter_page_marks_the_chinese_words_and_passes_the_crawlers_check(
    demo_site, live_server, settings, new_page
):
    # given a supporter page written in Chinese, with a team named in Chinese
    settings.DEBUG = False
    editor = get_user_model().objects.get(username="editor")  # the demo's editor
    spage = public_page(Campaign.objects.get(slug="cataract-surgery"), editor, new_team_name="江华同学会")
    tab = new_page()

    # when the English page is read on a phone
    tab.goto(f"{live_server.url}/en/supporters/{spage.slug}/")

    # then the title, team and words are shown as written, in zh-Hans elements, each with a mark
    assert tab.locator('h1 [lang="zh-Hans"]').inner_text() == "周敏为外婆筹款"
    assert tab.locator('[data-testid="supporter-words"] [lang="zh-Hans"]').inner_text() == "三千元一台手术。"
    assert tab.locator(".untranslated").all_inner_texts() == ["(written in Chinese)"] * 3
    # and the crawler's main text (people's own words left out) has no Chinese, the marks in it
    main = tab.evaluate(MAIN_TEXT)
    assert CJK.findall(main) == []
    assert len(re.findall(r"\(written in Chinese\)", main)) == 3
