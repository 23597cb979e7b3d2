"""A campaign page's share image is drawn in the language of the URL it is served under (issue 13):
``/en/share/<id>/preview.png`` reads English, with the English title where a translation exists,
whichever language's page ``<id>`` names; the two languages are kept and validated apart."""

from __future__ import annotations

from unittest import mock

import pytest

from cms.sharing import card
from tests.cms.test_sharing import shared  # noqa: F401 - the fixture: a Chinese page and its English twin

pytestmark = pytest.mark.django_db


def test_the_chinese_page_s_image_under_en_is_drawn_in_english(client, shared):  # noqa: F811
    page, _page_en = shared

    # when the Chinese page's image is fetched under the English prefix, then without it
    with mock.patch("cms.sharing.views.render_card", wraps=card.render_card) as draw:
        english = client.get(f"/en/share/{page.pk}/preview.png")
        chinese = client.get(f"/share/{page.pk}/preview.png")

    # then the English image has the English title and English words around the figures
    drawn_en, drawn_zh = (call.kwargs for call in draw.call_args_list)
    assert drawn_en["title"] == "Cataract surgery programme"
    assert drawn_en["raised"] == "¥300 raised" and drawn_en["of_goal"].startswith("of a goal of ¥")
    assert drawn_zh["title"] == "白内障复明手术项目" and drawn_zh["raised"] == "已筹 ¥300"
    # and the two are different images with different validators
    assert english.content != chinese.content
    assert english["ETag"] != chinese["ETag"]


def test_without_a_translation_the_english_image_marks_the_chinese_title(client, shared):  # noqa: F811
    page, page_en = shared
    page_en.unpublish()
    page.campaign.title_en = ""
    page.campaign.save(update_fields=["title_en"])

    with mock.patch("cms.sharing.views.render_card", return_value=b"png") as draw:
        client.get(f"/en/share/{page.pk}/preview.png")

    assert draw.call_args.kwargs["title"] == f"{page.campaign.title} (not yet translated)"
    assert draw.call_args.kwargs["raised"] == "¥300 raised"
