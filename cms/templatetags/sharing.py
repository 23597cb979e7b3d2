"""``{% share_meta page totals %}``: link-preview metadata (Open Graph, Twitter card) of a campaign
page in its own language; ``{% share_links page %}``: the page's share, QR and poster addresses.

Built from what the page already holds (no query): the preview image's address carries the
progress bucket, so a chat app that cached an old preview fetches the new one (ADR 0415).
"""

from __future__ import annotations

from django import template
from django.urls import reverse

from campaigns.templatetags.link_preview import absolute_url, preview_context
from cms.sharing.card import HEIGHT, WIDTH
from cms.sharing.selectors import page_version, progress_bucket

register = template.Library()


@register.inclusion_tag("campaigns/_link_preview.html", takes_context=True)
def share_meta(context, page, totals=None) -> dict:
    image = ""
    if totals is not None:
        version = f"{page_version(page)}-{progress_bucket(totals)}"
        image = absolute_url(reverse("cms:share_card", args=[page.pk]) + f"?v={version}")
    return preview_context(
        request=context.get("request"),
        title=page.seo_title or page.title,
        description=page.search_description or getattr(page, "intro", ""),
        image=image,
        size=(WIDTH, HEIGHT),
    )


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
