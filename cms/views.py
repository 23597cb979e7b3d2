"""The public page view: Wagtail's ``serve`` after the two-query routing of ``cms.routing``, with a
short whole-response cache for anonymous visitors of the pages that opt in."""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache
from django.http import FileResponse, HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control
from django.utils.translation import get_language
from wagtail import views as wagtail_views

from cms.routing import route_for_request
from cms.selectors import HEADER_GENERATION_KEY, header_generation
from payments.public_pages.page_cache import keep_page, keep_seconds, kept_page, page_validator


def _anonymous_read(request: HttpRequest) -> bool:
    """A plain GET by someone with no session or pending messages: the page is the same for all."""
    return (
        request.method == "GET"
        and not request.GET
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and "messages" not in request.COOKIES
    )


def serve(request: HttpRequest, path: str) -> HttpResponse:
    """Serve a Wagtail page; a page class with ``cache_anonymous_response`` is cached whole.

    First a short cache: ``TOTALS_CACHE_SECONDS`` (the age the live totals may have anyway), keyed
    by host, path and language under the site header's generation, so publishing, unpublishing or
    moving a page takes effect at once; a hit makes no database query. Then, for a campaign's page,
    the kept response of ``payments.public_pages.page_cache``: served only while everything it shows is
    what a render would show now (its figures read live when ``TOTALS_CACHE_SECONDS`` is 0).
    """
    seconds = settings.TOTALS_CACHE_SECONDS if _anonymous_read(request) else 0
    key = f"cms:response:{request.get_host()}:{request.path}:{get_language()}"
    if seconds > 0:
        # The generation and the response in one round trip (a hit is most of this view's time).
        found = cache.get_many([HEADER_GENERATION_KEY, key])
        generation = found.get(HEADER_GENERATION_KEY) or header_generation()
        cached = found.get(key)
        if cached is not None and cached[0] == generation:
            response = HttpResponse(cached[1], content_type=cached[2])
            patch_cache_control(response, public=True, max_age=seconds)
            return response
    kept_key = f"cms:kept:{request.get_host()}:{request.path}:{get_language()}"
    if _anonymous_read(request):
        kept = kept_page(kept_key)
        if kept is not None:
            if seconds > 0:
                cache.set(key, (header_generation(), kept.content, kept["Content-Type"]), seconds)
                patch_cache_control(kept, public=True, max_age=seconds)
            return kept
    route = route_for_request(request, path)
    if route is not None:
        # Wagtail's Page.route_for_request reads its result from here instead of walking the tree.
        request._wagtail_route_for_request = route
    cacheable = route is not None and getattr(route.page, "cache_anonymous_response", False)
    campaign = getattr(route.page, "campaign", None) if cacheable and _anonymous_read(request) else None
    validator = page_validator(campaign=campaign) if campaign is not None and keep_seconds() > 0 else None
    response = wagtail_views.serve(request, path)
    if cacheable and (seconds > 0 or validator):
        if hasattr(response, "render"):
            response.render()
        if validator:
            keep_page(kept_key, campaign=campaign, validator=validator, response=response)
        if seconds > 0 and response.status_code == 200 and not response.cookies and not response.streaming:
            cache.set(key, (generation, response.content, response["Content-Type"]), seconds)
            patch_cache_control(response, public=True, max_age=seconds)
    return response


def favicon(request: HttpRequest) -> HttpResponse:
    """``/favicon.ico``, which browsers and crawlers ask for whatever the page links: the site's
    icon (``static/icons/favicon.ico``), cached for a day."""
    from django.contrib.staticfiles import finders

    response = FileResponse(open(finders.find("icons/favicon.ico"), "rb"), content_type="image/x-icon")  # noqa: SIM115
    patch_cache_control(response, public=True, max_age=86400)
    return response
