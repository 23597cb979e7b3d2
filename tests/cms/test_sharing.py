"""Sharing a campaign page (issue 14, ADR 0415): link-preview metadata in the page's language with
absolute URLs, the preview PNG (1200×630, cached), the QR code and the A4 poster."""

import io
import re
from unittest import mock

import pytest
from django.core.cache import cache
from PIL import Image

from payments.gateway.card import _gateway_instance
from tests.cms_factories import CampaignPageFactory
from tests.payments.factories import give

pytestmark = pytest.mark.django_db

SITE = "https://give.example.org"


@pytest.fixture
def shared(index, english, settings):
    settings.PAYMENTS_GATEWAY = "payments.gateway.card_fake.FakeGateway"
    settings.SITE_URL = SITE
    _gateway_instance.cache_clear()
    cache.clear()
    page = CampaignPageFactory(parent=index, title="白内障复明手术项目", intro="一台手术让一位老人重见光明。")
    give(page.campaign, "300", display_name="王芳")
    home_en = index.get_parent().copy_for_translation(english)
    home_en.save_revision().publish()
    index.copy_for_translation(english).save_revision().publish()
    page_en = page.copy_for_translation(english)
    page_en.title, page_en.intro = "Cataract surgery programme", "One surgery gives sight back."
    page_en.save_revision().publish()
    page_en.refresh_from_db()
    yield page, page_en
    _gateway_instance.cache_clear()


def meta(html: str, name: str) -> str:
    found = re.search(rf'<meta (?:property|name)="{re.escape(name)}" content="([^"]*)"', html)
    assert found, f"no {name}"
    return found.group(1)


def test_the_chinese_page_has_chinese_share_metadata_with_absolute_urls(client, shared):
    page, _ = shared

    html = client.get(page.url).content.decode()

    assert meta(html, "og:title") == "白内障复明手术项目"
    assert meta(html, "og:description") == "一台手术让一位老人重见光明。"
    assert meta(html, "og:url") == SITE + page.url
    assert meta(html, "og:locale") == "zh_CN"
    assert meta(html, "twitter:card") == "summary_large_image"
    image = meta(html, "og:image")
    assert image.startswith(f"{SITE}/share/{page.pk}/preview.png?v=")


def test_the_english_page_has_english_share_metadata(client, shared):
    _, page_en = shared

    html = client.get(page_en.url).content.decode()

    assert page_en.url.startswith("/en/")
    assert meta(html, "og:title") == "Cataract surgery programme"
    assert meta(html, "og:description") == "One surgery gives sight back."
    assert meta(html, "og:url") == SITE + page_en.url
    assert meta(html, "og:locale") == "en_GB"
    assert meta(html, "og:image").startswith(f"{SITE}/en/share/{page_en.pk}/preview.png?v=")
    assert "白内障" not in meta(html, "og:image:alt")


def test_the_page_links_the_share_script_qr_and_poster_without_inline_script(client, shared):
    page, _ = shared

    html = client.get(page.url).content.decode()

    assert '<script src="/static/js/share.js" defer></script>' in html
    assert f'src="/share/{page.pk}/qr.svg"' in html
    assert f'href="/share/{page.pk}/poster.pdf"' in html
    assert "打印海报" in html  # "Print a poster" in the page's language
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html)


def test_the_preview_image_is_a_1200_by_630_png_drawn_once_per_progress_bucket(client, shared):
    page, _ = shared
    url = f"/share/{page.pk}/preview.png"

    with mock.patch(
        "cms.sharing.views.render_card", wraps=__import__("cms.sharing.card").sharing.card.render_card
    ) as draw:
        first = client.get(url)
        second = client.get(url)

    assert first.status_code == 200
    assert first["Content-Type"] == "image/png"
    assert "max-age" in first["Cache-Control"] and "public" in first["Cache-Control"]
    image = Image.open(io.BytesIO(first.content))
    assert (image.format, image.size) == ("PNG", (1200, 630))
    assert second.content == first.content
    assert draw.call_count == 1  # the second request came from the cache
    assert draw.call_args.kwargs["title"] == "白内障复明手术项目"


def test_the_english_preview_is_drawn_in_english(client, shared):
    _, page_en = shared

    with mock.patch("cms.sharing.views.render_card", return_value=b"png") as draw:
        client.get(f"/en/share/{page_en.pk}/preview.png")

    kwargs = draw.call_args.kwargs
    assert kwargs["title"] == "Cataract surgery programme"
    assert kwargs["raised"] == "¥300 raised"
    assert "every cent" in kwargs["footer"]


def test_a_draft_page_has_no_preview_qr_or_poster(client, shared, index):
    draft = CampaignPageFactory(parent=index, title="草稿", live=False)

    for kind in ("preview.png", "qr.svg", "poster.pdf"):
        assert client.get(f"/share/{draft.pk}/{kind}").status_code == 404
    assert client.get("/share/999999/qr.svg").status_code == 404


def test_the_qr_code_encodes_the_pages_absolute_address(client, shared):
    import segno

    page, _ = shared

    response = client.get(f"/share/{page.pk}/qr.svg")

    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    svg = response.content.decode()
    assert svg.startswith('<svg xmlns="http://www.w3.org/2000/svg"')
    # no decoder installed: the same content gives the same symbol, another address another one
    path = re.search(r' d="([^"]+)"', svg).group(1)
    expected = segno.make(SITE + page.url, error="m", micro=False)
    other = segno.make(SITE + page.url + "x", error="m", micro=False)
    buffer = io.BytesIO()
    expected.save(buffer, kind="svg", xmldecl=False, border=4, omitsize=True)
    assert path in buffer.getvalue().decode()
    buffer = io.BytesIO()
    other.save(buffer, kind="svg", xmldecl=False, border=4, omitsize=True)
    assert path not in buffer.getvalue().decode()


def test_the_poster_is_a_pdf_with_title_qr_code_and_filing_number(client, shared):
    import pypdf

    page, _ = shared
    campaign = page.campaign
    campaign.fundraising_filing_number = "53100000MJ0000000X-2026-018"
    campaign.save(update_fields=["fundraising_filing_number"])

    response = client.get(f"/share/{page.pk}/poster.pdf")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    reader = pypdf.PdfReader(io.BytesIO(response.content))
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)  # A4 in points
    text = reader.pages[0].extract_text()
    assert "白内障复明手术项目" in text
    assert "53100000MJ0000000X-2026-018" in text
    assert SITE + page.url in text.replace("\n", "")
    # the QR code is drawn as vector paths: many filled rectangles in the page's content stream
    content = reader.pages[0].get_contents().get_data()
    assert content.count(b" re") > 100 or content.count(b" l") > 100


def test_a_matchers_page_has_share_metadata_in_the_readers_language(client, index, settings):
    from tests.payments.matching_helpers import pool

    settings.SITE_URL = SITE
    page = CampaignPageFactory(parent=index, campaign__status="live")
    matcher = pool([page.campaign], cap=100_000).matcher
    matcher.name, matcher.name_en = "青山科技有限公司", "Qingshan Technology"
    matcher.save(update_fields=["name", "name_en"])
    url = f"/payments/matchers/{matcher.slug}/"

    chinese = client.get(url).content.decode()
    english = client.get("/en" + url).content.decode()

    assert meta(chinese, "og:title") == "青山科技有限公司"
    assert meta(chinese, "og:url") == SITE + url
    assert meta(chinese, "og:locale") == "zh_CN"
    assert meta(chinese, "og:image") == SITE + "/static/icons/icon-512.png"
    assert meta(chinese, "twitter:card") == "summary"
    assert meta(english, "og:title") == "Qingshan Technology"
    assert meta(english, "og:url") == SITE + "/en" + url
    assert meta(english, "og:locale") == "en_GB"


def _totals(raised: str, matched: str, goal: str = "600000"):
    from campaigns.money import Money
    from payments.figures.selectors import CampaignTotals

    zero = Money("0", "CNY")
    return CampaignTotals(
        raised=Money(raised, "CNY"), held=zero, approved_unpaid=zero, paid=zero, refunded=zero, disputed=zero,
        lost_to_disputes=zero, donors=1, to_recover=zero, goal=Money(goal, "CNY"), matched=Money(matched, "CNY"),
    )  # fmt: skip


def test_a_matched_campaigns_preview_says_what_counts_towards_the_goal_its_percentage_is_of():
    from django.utils import translation

    from cms.sharing.views import counted_line

    # given ¥9,950 raised and ¥7,650 matched: the bar's 3 % is of ¥17,600, not of what was raised
    with translation.override("en"):
        assert counted_line(_totals("9950", "7650")) == "Counts towards the goal: ¥17,600"
    with translation.override("zh-hans"):
        assert counted_line(_totals("9950", "7650")).endswith("：¥17,600")
    # and nothing matched or refunded: the raised line alone says it
    assert counted_line(_totals("9950", "0")) == ""


def test_a_short_titles_preview_has_no_empty_band_between_the_title_and_the_bar():
    from cms.sharing.card import render_card

    png = render_card(title="Cataract surgery programme", percent=3, raised="¥9,950 raised",
                      counted="Counts towards the goal: ¥17,600", of_goal="of a goal of ¥600,000",
                      footer="Clearfund · every cent traced")  # fmt: skip
    image = Image.open(io.BytesIO(png)).convert("L")
    blank = [all(image.getpixel((x, y)) > 245 for x in range(0, 1200, 4)) for y in range(20, 580)]
    longest, run = 0, 0
    for empty in blank:
        run = run + 1 if empty else 0
        longest = max(longest, run)
    # the layout of before left a 230-pixel white band under a one-line title
    assert longest < 130


def test_the_poster_says_what_counts_towards_the_goal_when_a_match_adds_to_it(shared):
    from django.template.loader import render_to_string
    from django.utils import translation

    page, _ = shared
    with translation.override("en"):
        html = render_to_string(
            "cms/sharing/poster.html",
            {"page": page, "campaign": page.campaign, "totals": _totals("9950", "7650"), "units_funded": 0,
             "qr": "", "url": "https://give.example.org/", "organisation": "Clearfund", "language": "en"},
        )  # fmt: skip
    assert "Counts towards the goal: ¥17,600" in html
