"""Template helpers for the public site: language switcher, navigation, optional includes.

The header cache these tags read is invalidated by ``cms.receivers`` (connected in ``CmsConfig.ready``).
"""

from __future__ import annotations

from django import template
from django.conf import settings
from django.template.loader import get_template
from django.urls import translate_url
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from cms import selectors

register = template.Library()


@register.simple_tag(takes_context=True)
def optional_include(context, template_name: str) -> str:
    """Render ``template_name`` with the current context, or nothing if no app provides it.

    Lets the donations area plug its form into campaign pages (``payments/donate_panel.html``)
    without the CMS depending on it.
    """
    try:
        found = get_template(template_name)
    except template.TemplateDoesNotExist:
        return ""
    return found.render(context.flatten(), context.get("request"))


@register.simple_tag(takes_context=True)
def site_header(context) -> dict:
    """Header/footer data for ``base.html``, cached per host and language (``cms.selectors``)."""
    request = context.get("request")
    if request is None:
        return {"settings": None, "nav": {"home": False, "home_url": None, "items": []}, "homes": {}}
    return selectors.site_header(request=request, page=context.get("page"))


@register.simple_tag(takes_context=True)
def language_links(context, header: dict) -> list[dict]:
    """One link per language: the page's translation where one is live, else that language's home,
    else the current path in that language."""
    request = context.get("request")
    translations = header.get("translations")
    current = get_language()
    links = []
    for code, name in settings.LANGUAGES:
        url = None
        if translations is not None:
            url = translations.get(code) or header["homes"].get(code)
        if url is None and request is not None:
            url = translate_url(request.get_full_path(), code)
        links.append({"code": code, "name": name, "url": url or "/", "current": code == current})
    return links


@register.filter
def days_until(deadline, today=None) -> int:
    """Whole days from the site's today (ADR 0004) to ``deadline``; 0 on the deadline day."""
    from campaigns.site_time import site_today

    today = today or site_today()
    return max((deadline - today).days, 0)


# Donors read "raising funds", not the admin's "live" (Wagtail's own catalogue translates "Live" as
# "published", which is right for pages and is left alone).
PUBLIC_STATUS_LABELS = {"live": _("Raising funds")}


@register.filter
def public_status(campaign) -> str:
    return PUBLIC_STATUS_LABELS.get(campaign.status) or campaign.get_status_display()
