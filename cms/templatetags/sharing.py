"""``{% share_meta page totals %}``: link-preview metadata (Open Graph, Twitter card) of a campaign
page in its own language; ``{% share_links page %}``: the page's share, QR and poster addresses.

Built from what the page already holds (no query): the preview image's address carries the
progress bucket, so a chat app that cached an old preview fetches the new one (ADR 0415).
"""

from __future__ import annotations

from django import template
from django.urls import reverse
from django.utils.translation import get_language

from cms.sharing.card import HEIGHT, WIDTH
from cms.sharing.selectors import absolute_url, page_version, progress_bucket

register = template.Library()

# Open Graph wants language_TERRITORY.
OG_LOCALES = {"zh-hans": "zh_CN", "en": "en_GB"}


def _og_locale(code: str) -> str:
    return OG_LOCALES.get(code.lower(), code.replace("-", "_"))


@register.inclusion_tag("cms/sharing/meta.html", takes_context=True)
def share_meta(context, page, totals=None) -> dict:
    request = context.get("request")
    language = get_language() or ""
    image = ""
    if totals is not None:
        version = f"{page_version(page)}-{progress_bucket(totals)}"
        image = absolute_url(reverse("cms:share_card", args=[page.pk]) + f"?v={version}")
    others = [_og_locale(code) for code in OG_LOCALES if code != language.lower()]
    return {
        "title": page.seo_title or page.title,
        "description": page.search_description or getattr(page, "intro", ""),
        "url": absolute_url(request.path if request is not None else page.url or "/"),
        "image": image,
        "image_width": WIDTH,
        "image_height": HEIGHT,
        "locale": _og_locale(language),
        "alternate_locales": others,
    }


@register.simple_tag
def share_url(name: str, page) -> str:
    """The address of one of ``page``'s share views (``share_qr``, ``share_poster``), in the
    active language's URL prefix."""
    return reverse(f"cms:{name}", args=[page.pk])


@register.simple_tag(takes_context=True)
def absolute_page_url(context) -> str:
    """This request's page on ``SITE_URL`` (what a shared link and a QR code point to)."""
    request = context.get("request")
    return absolute_url(request.path if request is not None else "/")
