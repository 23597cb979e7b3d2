"""Share views: the preview image, the QR code and the A4 poster of a campaign page.

Each is drawn in the page's own language (its locale, whatever the URL prefix), cached in Django's
cache under page + language + page version + progress bucket, and served with ``Cache-Control``
so chat apps and browsers keep them. The campaign page only links here; none of this runs while
the page renders (ADR 0415).
"""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from campaigns.site_name import site_name
from campaigns.templatetags.labels import label_value
from cms.sharing.card import render_card
from cms.sharing.qr import qr_svg
from cms.sharing.selectors import (
    page_absolute_url,
    page_version,
    progress_bucket,
    shared_campaign_page,
)
from payments.figures import vocabulary
from payments.figures.selectors import CampaignTotals, campaign_totals

# The figures on an image or poster are at most this old (and at most one bucket behind).
SHARE_CACHE_SECONDS = 60 * 60
CLIENT_CACHE_SECONDS = 10 * 60


def _cached_response(body: bytes, content_type: str, *, filename: str = "") -> HttpResponse:
    response = HttpResponse(body, content_type=content_type)
    response["Cache-Control"] = f"public, max-age={CLIENT_CACHE_SECONDS}"
    if filename:
        response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


def _key(kind: str, page, language: str, bucket: int | str) -> str:
    return f"cms:share:{kind}:{page.pk}:{language}:{page_version(page)}:{bucket}"


def counted_line(totals: CampaignTotals) -> str:
    """ "Counts towards the goal: ¥17,600" in the active language when that differs from what was
    raised (a match adds to it, a refund takes from it: the bar's percentage is of it), else ""."""
    if totals.counted == totals.raised:
        return ""
    return label_value(vocabulary.label("counted"), totals.counted)


@require_GET
def share_card(request: HttpRequest, page_id: int) -> HttpResponse:
    """The 1200×630 PNG that link previews show (``og:image``)."""
    page = shared_campaign_page(page_id=page_id)
    language = page.locale.language_code
    totals = campaign_totals(campaign=page.campaign)
    key = _key("card", page, language, progress_bucket(totals))
    png = cache.get(key)
    if png is None:
        with translation.override(language):
            png = render_card(
                title=page.title,
                percent=totals.percent,
                raised=_("%(amount)s raised") % {"amount": totals.raised},
                counted=counted_line(totals),
                of_goal=_("of a goal of %(amount)s") % {"amount": totals.goal},
                footer=_("%(organisation)s · every cent traced to a verified outcome")
                % {"organisation": site_name(language)},
            )
        cache.set(key, png, SHARE_CACHE_SECONDS)
    return _cached_response(png, "image/png")


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
