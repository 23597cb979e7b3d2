"""Share views: the preview image, the QR code and the A4 poster of a campaign page.

The preview image is drawn in the language of its URL (``/en/share/…`` English: issue 13); the
QR code and the poster in the page's own language (its locale). Each is cached in Django's cache
under page + language + page version + progress bucket, and served with ``Cache-Control`` (the
image also with an ``ETag`` of that key, so its two languages never share a validator) so chat
apps and browsers keep them. The campaign page only links here; none of this runs while
the page renders (ADR 0415).
"""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import get_language
from django.views.decorators.http import require_GET

from campaigns.site_name import site_name
from cms.sharing import card_text as card_words
from cms.sharing.card import render_card
from cms.sharing.card_text import card_etag, card_text
from cms.sharing.qr import qr_svg
from cms.sharing.selectors import (
    campaign_title_in,
    page_absolute_url,
    page_version,
    progress_bucket,
    shared_campaign_page,
)
from payments.figures.selectors import CampaignTotals, campaign_totals

# The figures on an image or poster are at most this old (and at most one bucket behind).
SHARE_CACHE_SECONDS = 60 * 60
CLIENT_CACHE_SECONDS = 10 * 60


def _cached_response(body: bytes, content_type: str, *, filename: str = "", etag: str = "") -> HttpResponse:
    response = HttpResponse(body, content_type=content_type)
    response["Cache-Control"] = f"public, max-age={CLIENT_CACHE_SECONDS}"
    if etag:
        response["ETag"] = card_etag(etag)
    if filename:
        response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


def _key(kind: str, page, language: str, bucket: int | str) -> str:
    return f"cms:share:{kind}:{page.pk}:{language}:{page_version(page)}:{bucket}"


def counted_line(totals: CampaignTotals) -> str:
    """ "Counts towards the goal: ¥17,600" in the active language when that differs from what was
    raised (a match adds to it, a refund takes from it: the bar's percentage is of it), else ""."""
    return card_words.counted_line(raised=totals.raised, counted=totals.counted)


@require_GET
def share_card(request: HttpRequest, page_id: int) -> HttpResponse:
    """The 1200×630 PNG that link previews show (``og:image``), in the language of its URL
    (``/en/share/…`` English, whichever page's id it names): the campaign's title in that
    language where one exists, and English or Chinese words around the figures."""
    page = shared_campaign_page(page_id=page_id)
    language = get_language()
    totals = campaign_totals(campaign=page.campaign)
    key = _key("card", page, language, progress_bucket(totals))
    png = cache.get(key)
    if png is None:
        text = card_text(
            title=campaign_title_in(page, language=language),
            raised=totals.raised,
            goal=totals.goal,
            counted=totals.counted,
            language=language,
        )
        png = render_card(percent=totals.percent, **text.as_kwargs())
        cache.set(key, png, SHARE_CACHE_SECONDS)
    return _cached_response(png, "image/png", etag=key)


@require_GET
def share_qr(request: HttpRequest, page_id: int) -> HttpResponse:
    """The page's address as a QR code (SVG)."""
    page = shared_campaign_page(page_id=page_id)
    key = _key("qr", page, page.locale.language_code, "-")
    svg = cache.get(key)
    if svg is None:
        svg = qr_svg(page_absolute_url(page), title=page.title)
        cache.set(key, svg, SHARE_CACHE_SECONDS)
    return _cached_response(svg.encode(), "image/svg+xml")


@require_GET
def share_poster(request: HttpRequest, page_id: int) -> HttpResponse:
    """A printable A4 poster (PDF): title, summary, progress, unit, QR code, the charity and the
    fundraising notice. Rendered in the request on a cache miss (one page, about a second)."""
    from reports.rendering.pdf import html_to_pdf

    page = shared_campaign_page(page_id=page_id)
    language = page.locale.language_code
    campaign = page.campaign
    totals = campaign_totals(campaign=campaign)
    key = _key("poster", page, language, progress_bucket(totals))
    pdf = cache.get(key)
    if pdf is None:
        url = page_absolute_url(page)
        with translation.override(language):
            html = render_to_string(
                "cms/sharing/poster.html",
                {
                    "page": page,
                    "campaign": campaign,
                    "totals": totals,
                    "units_funded": totals.units_funded(campaign.unit_cost),
                    "qr": qr_svg(url, title=page.title),
                    "url": url,
                    "organisation": site_name(language),
                    "language": language,
                    "site_url": settings.SITE_URL,
                },
            )
        pdf = html_to_pdf(html)
        cache.set(key, pdf, SHARE_CACHE_SECONDS)
    return _cached_response(pdf, "application/pdf", filename=f"poster-{page.pk}-{language}.pdf")
