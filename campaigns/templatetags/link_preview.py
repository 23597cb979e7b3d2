"""``{% link_preview title description %}``: link-preview metadata (Open Graph, Twitter card) for a
public page that has no progress image of its own (a need, a matcher's page), in the active
language, with absolute URLs on ``SITE_URL``; the picture is the site's icon. Campaign pages use
``cms``'s ``{% share_meta %}``, which adds their progress image (ADR 0415). No query."""

from __future__ import annotations

from django import template
from django.conf import settings
from django.templatetags.static import static
from django.utils.translation import get_language

register = template.Library()

# Open Graph wants language_TERRITORY.
OG_LOCALES = {"zh-hans": "zh_CN", "en": "en_GB"}


def og_locale(code: str) -> str:
    return OG_LOCALES.get(code.lower(), code.replace("-", "_"))


def absolute_url(path: str) -> str:
    """``path`` on the public site (``SITE_URL``): link previews and QR codes need absolute URLs."""
    return settings.SITE_URL.rstrip("/") + path


def preview_context(*, request, title: str, description: str, image: str = "", size=(0, 0)) -> dict:
    """What ``campaigns/_link_preview.html`` shows; ``image`` absolute, ``size`` its pixels."""
    language = (get_language() or "").lower()
    return {
        "title": title,
        "description": description,
        "url": absolute_url(request.path if request is not None else "/"),
        "image": image,
        "large_image": bool(image) and size[0] > size[1],
        "image_width": size[0],
        "image_height": size[1],
        "locale": og_locale(language),
        "alternate_locales": [og_locale(code) for code in OG_LOCALES if code != language],
    }


@register.inclusion_tag("campaigns/_link_preview.html", takes_context=True)
def link_preview(context, title, description="") -> dict:
    return preview_context(
        request=context.get("request"),
        title=str(title),
        description=str(description),
        image=absolute_url(static("icons/icon-512.png")),
        size=(512, 512),
    )
