"""Page routing in two queries instead of Wagtail's walk down the tree.

Wagtail serves ``/campaigns/cataract/`` by finding the Site (one query), the active Locale (one),
the localized root page's specific object (one), then for each path component the child page and
its specific object (two per level), and finally the view restrictions of the page and its
ancestors (two). For a campaign page that is nine queries before the page itself reads anything.

Here the Site, the ``url_path`` of each language's root page and whether any view restriction
exists at all are cached under the site header's generation (``cms.selectors``: bumped when a
page, Site, Locale, site setting or view restriction changes, and bounded by its short timeout).
The page is then one lookup by ``url_path`` plus one for its specific row. The result is handed
to Wagtail through the attribute its own ``Page.route_for_request`` caches on the request, so
Wagtail's ``serve`` view, hooks and page ``serve`` methods run unchanged.

The shortcut only gives the answer Wagtail's walk would give: it is used when no page model
overrides ``route`` (a routable page decides about its own sub-paths), and anything it cannot
resolve to a live page (a 404, a page in draft) is left to Wagtail's walk.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import cache as memoize

from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.http import HttpRequest
from django.utils.translation import get_language
from wagtail.models import Page, PageViewRestriction, Site, get_page_models
from wagtail.url_routing import RouteResult

from cms.selectors import header_generation, request_reads


@dataclass(frozen=True)
class SiteRoute:
    site: Site | None
    root_url_path: str | None  # the url_path of the root page in the active language


@memoize
def default_routing_everywhere() -> bool:
    """True when no page model overrides ``Page.route`` (so a page is found by its url_path)."""
    return all(model.route is Page.route for model in get_page_models())


def _compute(request: HttpRequest) -> SiteRoute:
    site = Site.find_for_request(request)
    root = site.root_page.localized.specific if site is not None else None
    return SiteRoute(site=site, root_url_path=root.url_path if root is not None else None)


def _cached(key: str, compute):
    from django.conf import settings

    kept = request_reads()  # read once per request (cms.selectors)
    if kept is not None and key in kept:
        return kept[key]
    generation = header_generation()
    found = cache.get(key)
    if found is not None and found[0] == generation:
        value = found[1]
    else:
        value = compute()
        seconds = getattr(settings, "CMS_HEADER_CACHE_SECONDS", 10)
        if seconds:
            cache.set(key, (generation, value), seconds)
    if kept is not None:
        kept[key] = value
    return value


def site_route(request: HttpRequest) -> SiteRoute:
    """The cached Site and localized root for this host, port and language."""
    key = f"cms:route:{request._get_raw_host()}:{request.get_port()}:{(get_language() or '').lower()}"
    return _cached(key, lambda: _compute(request))


def any_view_restriction() -> bool:
    """Whether any page of any site is private (login, password or group restriction)."""
    return _cached("cms:route:any-restriction", PageViewRestriction.objects.exists)


def _page_row(url_path: str) -> tuple[int, int] | None:
    """(pk, content type id) of the page at ``url_path``; found ones are cached under the header
    generation like the Site (a page saved, moved or deleted starts a new one), so a render
    reads only the specific page row (ADR 0212). Misses are not cached: unknown paths cost
    nothing in the cache."""
    from django.conf import settings

    key = "cms:route:path:" + hashlib.sha256(url_path.encode()).hexdigest()[:32]
    generation = header_generation()
    found = cache.get(key)
    if found is not None and found[0] == generation:
        return found[1]
    row = Page.objects.filter(url_path=url_path).values_list("pk", "content_type_id").first()
    seconds = getattr(settings, "CMS_HEADER_CACHE_SECONDS", 10)
    if row is not None and seconds:
        cache.set(key, (generation, tuple(row)), seconds)
    return row


def route_for_request(request: HttpRequest, path: str) -> RouteResult | None:
    """Resolve ``path`` to a live page the way Wagtail would, or None to let Wagtail walk."""
    if not default_routing_everywhere():
        return None
    route = site_route(request)
    if route.site is None or route.root_url_path is None:
        return None
    request._wagtail_site = route.site  # what Site.find_for_request caches on the request
    components = [component for component in path.split("/") if component]
    url_path = route.root_url_path + "".join(f"{component}/" for component in components)
    row = _page_row(url_path)
    if row is None:
        return None
    model = ContentType.objects.get_for_id(row[1]).model_class()
    if model is None:
        return None
    pages = model.objects.filter(pk=row[0])
    related = getattr(model, "route_select_related", ())
    if related:
        pages = pages.select_related(*related)
    page = pages.first()
    if page is None or not page.live:
        return None
    return RouteResult(page)
