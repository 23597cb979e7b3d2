"""The stand-alone giving page of a campaign (the CMS campaign page embeds the same panel)."""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.cache import patch_cache_control
from django.utils.translation import get_language

from campaigns.models import Campaign
from payments.donations.selectors import wall_of_support
from payments.public_pages.page_cache import keep_page, keep_seconds, kept_page, page_validator


def donate_page(request: HttpRequest, slug: str) -> HttpResponse:
    """A stand-alone donation page (the CMS campaign page embeds the same panel).

    The page holds nothing personal (no CSRF token, no user), so the whole response is cached for
    ``TOTALS_CACHE_SECONDS``: a cache hit makes no database query, and totals are at most that old.
    Past that, the response kept by ``payments.public_pages.page_cache`` is served while everything it
    shows is what a render would show now (figures read live when ``TOTALS_CACHE_SECONDS`` is 0).
    """
    # An earmarked page (?for=<beneficiary>) is rare and personal to the link: never cached.
    earmarked = bool(request.GET.get("for"))
    seconds = 0 if earmarked else settings.TOTALS_CACHE_SECONDS
    key = f"donate-page:{slug}:{get_language()}"
    kept_key = f"donate-page:kept:{slug}:{get_language()}"
    if seconds > 0:
        cached = cache.get(key)
        if cached is not None:
            return HttpResponse(cached)
    kept = None if earmarked else kept_page(kept_key)
    if kept is None:
        campaign = get_object_or_404(Campaign, slug=slug)
        validator = None if earmarked or keep_seconds() <= 0 else page_validator(campaign=campaign)
        response = render(
            request,
            "payments/donate_page.html",
            {"campaign": campaign, "wall": wall_of_support(campaign=campaign), "page": None},
        )  # fmt: skip
        if validator:
            keep_page(kept_key, campaign=campaign, validator=validator, response=response)
    else:
        response = kept
    if seconds > 0:
        cache.set(key, response.content, seconds)
    patch_cache_control(response, public=True, max_age=seconds)
    return response
