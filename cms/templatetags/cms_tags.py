"""Template helpers for the public site: language switcher, navigation, optional includes."""

from __future__ import annotations

from django import template
from django.conf import settings
from django.template.loader import get_template
from django.urls import translate_url
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from wagtail.models import Locale, Page, Site

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


def _home_for(request, language_code: str) -> Page | None:
    site = Site.find_for_request(request) if request else None
    if site is None:
        return None
    root = site.root_page
    locale = Locale.objects.filter(language_code=language_code).first()
    if locale is None:
        return None
    return root.get_translation_or_none(locale) if root.locale_id != locale.pk else root


def _active_language_code() -> str:
    return (get_language() or settings.LANGUAGE_CODE).lower()


@register.simple_tag(takes_context=True)
def language_links(context) -> list[dict]:
    """One link per language: the page's translation where one is live, else that language's home."""
    request = context.get("request")
    page = context.get("page")
    current = get_language()
    locales = {locale.language_code: locale for locale in Locale.objects.all()}
    links = []
    for code, name in settings.LANGUAGES:
        url = None
        if isinstance(page, Page):
            locale = locales.get(code)
            if locale is not None and locale.pk == page.locale_id:
                translation = page
            else:
                translation = page.get_translation_or_none(locale) if locale else None
            if translation is not None and translation.live:
                url = translation.get_url(request)
            if url is None:
                home = _home_for(request, code)
                if home is not None and home.live:
                    url = home.get_url(request)
        if url is None and request is not None:
            url = translate_url(request.get_full_path(), code)
        links.append({"code": code, "name": name, "url": url or "/", "current": code == current})
    return links


@register.simple_tag(takes_context=True)
def site_navigation(context) -> dict:
    """The localized home page and its children marked "show in menus"."""
    request = context.get("request")
    # Views outside the page tree (payments, reports) use this too, also before any Locale exists.
    home = _home_for(request, _active_language_code()) if request else None
    if home is None:
        return {"home": None, "items": []}
    return {"home": home, "items": list(home.get_children().live().in_menu().specific())}


@register.filter
def days_until(deadline, today=None) -> int:
    from django.utils import timezone

    today = today or timezone.localdate()
    return max((deadline - today).days, 0)


# Donors read "raising funds", not the admin's "live" (Wagtail's own catalogue translates "Live" as
# "published", which is right for pages and is left alone).
PUBLIC_STATUS_LABELS = {"live": _("Raising funds")}


@register.filter
def public_status(campaign) -> str:
    return PUBLIC_STATUS_LABELS.get(campaign.status) or campaign.get_status_display()
