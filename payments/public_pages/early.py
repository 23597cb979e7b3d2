"""Kept campaign pages served before the middleware stack (issue 11, ADR 0242).

``page_cache`` keeps the whole anonymous response of a campaign page or giving page with a
validator (ADR 0241), but a hit there still passes sessions, locale, CSRF, authentication,
messages, clickjacking, CSP and redirects, then URL routing and the view. This middleware sits
right after the security, static-file and CORS middleware and answers such a request itself:

- **Which requests**: a GET or HEAD with no query string, no session cookie and no messages cookie
  (what ``cms.views`` and the giving page call an anonymous read), whose language the URL decides
  (``i18n_patterns`` without a prefix for the default language: ``/…`` is the default, ``/en/…`` is
  English; the visitor's cookie and ``Accept-Language`` never choose it).
- **What it serves**: the body and every header the whole stack gave the render that was kept
  (``Content-Language``, ``Vary``, ``Cache-Control``, ``X-Frame-Options``, the CSP, ``Content-Length``…),
  keyed by scheme, host, path and language, only while ``page_cache.page_validator`` still holds:
  the figures (read live when ``TOTALS_CACHE_SECONDS`` is 0), the campaign's panel version, the
  site's content generation and the date. The middleware outside this one (security headers,
  WhiteNoise, CORS) runs on it as on any response.
- **How an entry is made**: when a view keeps a render (``page_cache.keep_page`` marks the
  response), this middleware sees the response on its way out, after every inner middleware,
  and keeps body and headers under the validator the view read before rendering. It refuses a
  response that sets a cookie, whose render made a CSRF token or a CSP nonce (either would be in
  the body, and the same one served to everybody), whose language is not the URL's, or that
  varies on anything but ``Cookie``, ``Accept-Language`` and ``Accept-Encoding``; for a cookie,
  token or nonce it also drops the view's own kept entry.

Anything else falls through to the stack unchanged. A database error while validating also falls
through (the view then answers 503 as usual, ADR 0007); with Redis down nothing is found.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.conf.urls.i18n import is_language_prefix_patterns_used
from django.core.cache import cache
from django.core.exceptions import DisallowedHost
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.utils.cache import cc_delim_re
from django.utils.translation import get_language_from_path

from campaigns.models import Campaign
from payments.public_pages.page_cache import (
    KeptMark,
    keep_seconds,
    page_validator,
    render_for_early_copy,
    validator_keys,
    validator_parts,
)

log = logging.getLogger(__name__)

# django.contrib.messages' cookie (CookieStorage.cookie_name): pending messages are personal.
MESSAGES_COOKIE = "messages"
# Kept under a page's early key when its render could not be kept early (another language, a Vary,
# a status): the view's own kept copy serves it meanwhile.
NOT_KEPT_EARLY = "not-kept-early"
# Vary values a kept page may carry: it is kept only for requests without a session or messages
# cookie, its language is the URL's, and the body is the same whatever encoding a client accepts
# (no compression middleware here).
HARMLESS_VARY = frozenset({"cookie", "accept-language", "accept-encoding"})
# Most anonymous reads are not of kept pages (the home page, the API, static pages): each process
# remembers for a few seconds the keys whose request made no early copy, so that those pages do
# not pay a cache read each (0.1 ms, a third of a bare view's CPU). A kept page misjudged so (the
# view's 3-second cache answered it) is served by the stack for as long, as before this middleware.
NOT_KEPT_MEMORY_SECONDS = 5.0
NOT_KEPT_MEMORY_SIZE = 4096
_not_kept: dict[str, float] = {}
# Each kept key's campaign, as this process last found it: its validator's parts are then read
# in the same round trip as the entry.
_campaign_of: dict[str, int] = {}


@dataclass(frozen=True)
class EarlyPage:
    """A response as the whole stack gave it: its validator, the campaign it shows, its body and
    headers (a dict, as ``HttpResponse(headers=…)`` takes it)."""

    validator: str
    campaign: Campaign
    body: bytes
    headers: dict[str, str]


def url_language(request: HttpRequest) -> str | None:
    """The language ``LocaleMiddleware`` will activate for ``request`` if the URL alone decides it,
    else None (then a cookie or ``Accept-Language`` may, and nothing is served early)."""
    urlconf = getattr(request, "urlconf", settings.ROOT_URLCONF)
    i18n_patterns_used, prefixed_default_language = is_language_prefix_patterns_used(urlconf)
    if not i18n_patterns_used:
        return None
    from_path = get_language_from_path(request.path_info)
    if from_path:
        return from_path
    return None if prefixed_default_language else settings.LANGUAGE_CODE


def early_key(request: HttpRequest) -> str | None:
    """The cache key of ``request``'s kept page if it may be served one, else None: not a GET or
    HEAD, a query string, a session or messages cookie, a language not decided by the URL, a host
    outside ``ALLOWED_HOSTS`` (left to the stack, which answers 400), or user agents refused by
    ``DISALLOWED_USER_AGENTS``."""
    if request.method not in ("GET", "HEAD") or request.META.get("QUERY_STRING"):
        return None
    if settings.DISALLOWED_USER_AGENTS:  # CommonMiddleware refuses by user agent: not in the key
        return None
    if request.META.get("HTTP_COOKIE"):
        cookies = request.COOKIES
        if settings.SESSION_COOKIE_NAME in cookies or MESSAGES_COOKIE in cookies:
            return None
    language = url_language(request)
    if language is None:
        return None
    try:
        host = request.get_host()
    except DisallowedHost:
        return None
    # Hashed: a path may be long or hold spaces and non-ASCII characters.
    where = f"{request.scheme}\n{host}\n{request.path}\n{language}"
    return "kept-early:" + hashlib.blake2b(where.encode(), digest_size=16).hexdigest()


def early_response(key: str) -> tuple[HttpResponse | None, bool]:
    """``(response, render)``: the page kept under ``key`` if its validator still holds, else None;
    ``render`` is True when none is served and the page was not found unfit to keep early
    (``NOT_KEPT_EARLY``): the view should then render, which makes a new early copy.

    Costs one cache round trip and, when ``TOTALS_CACHE_SECONDS`` is 0, the figures' query: once
    this process knows the key's campaign, the validator's versions (and short-cached figures) are
    read with the entry (``page_cache.validator_keys``); the first time, one or two more."""
    campaign_id = _campaign_of.get(key)
    found = cache.get_many([key, *validator_keys(campaign_id)] if campaign_id else [key])
    entry = found.get(key)
    if not isinstance(entry, EarlyPage):
        return None, entry != NOT_KEPT_EARLY
    if campaign_id == entry.campaign.pk:
        versions, totals = validator_parts(found, campaign_id=campaign_id)
    else:
        versions, totals = None, None
        if len(_campaign_of) >= NOT_KEPT_MEMORY_SIZE:
            _campaign_of.clear()
        _campaign_of[key] = entry.campaign.pk
    try:
        if entry.validator != page_validator(campaign=entry.campaign, versions=versions, totals=totals):
            return None, True
    except (OperationalError, InterfaceError):
        return None, True  # the stack answers: the view's own database error becomes a 503 (ADR 0007)
    return HttpResponse(entry.body, headers=entry.headers), False


def carries_secrets(request: HttpRequest, response: HttpResponseBase) -> bool:
    """True if ``response`` must be seen by its requester only: it sets a cookie, or its render
    made a CSRF token (``get_token`` marks the request) or a CSP nonce."""
    return bool(
        response.cookies
        or "CSRF_COOKIE_NEEDS_UPDATE" in request.META
        or isinstance(getattr(request, "_csp_nonce", None), str)
    )


def keep_early(request: HttpRequest, response: HttpResponseBase, *, key: str | None, mark: KeptMark) -> bool:
    """Keep ``response`` (marked by ``page_cache.keep_page``, now through the whole stack) under
    ``key`` for ``PUBLIC_PAGE_KEEP_SECONDS``. Returns whether it was kept; when it carries a secret
    (``carries_secrets``) the view's own entry is dropped too."""
    if carries_secrets(request, response):
        cache.delete(mark.key)
        log.warning("kept page dropped: %s sets a cookie, a CSRF token or a CSP nonce", request.path)
        return False
    if key is None or request.method != "GET":
        return False
    vary = {value.strip().lower() for value in cc_delim_re.split(response.get("Vary", "")) if value.strip()}
    if (
        response.status_code != 200
        or response.streaming
        or response.get("Content-Language") != url_language(request)
        or not vary <= HARMLESS_VARY
    ):
        # Remembered for as long as a page is kept, so that the view serves its own copy meanwhile
        # instead of rendering for an early copy on every request.
        cache.set(key, NOT_KEPT_EARLY, keep_seconds())
        return False
    entry = EarlyPage(
        validator=mark.validator,
        campaign=mark.campaign,
        body=response.content,
        headers=dict(response.items()),
    )
    cache.set(key, entry, keep_seconds())
    return True


def remembered_not_kept(key: str) -> bool:
    """Whether this process saw, in the last ``NOT_KEPT_MEMORY_SECONDS``, a request for ``key``
    that made no early copy."""
    until = _not_kept.get(key)
    return until is not None and until > time.monotonic()


def remember_not_kept(key: str) -> None:
    if len(_not_kept) >= NOT_KEPT_MEMORY_SIZE:  # paths are the visitors' to choose: bounded
        _not_kept.clear()
    _not_kept[key] = time.monotonic() + NOT_KEPT_MEMORY_SECONDS


def forget_not_kept() -> None:
    """Forget every key remembered as not kept, and every key's campaign (tests that clear the
    cache)."""
    _not_kept.clear()
    _campaign_of.clear()


class KeptPagesFirstMiddleware:
    """Serves a kept campaign page before the rest of the stack (module docstring, ADR 0242)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        key = early_key(request) if keep_seconds() > 0 else None
        kept, render = (None, False) if key is None or remembered_not_kept(key) else early_response(key)
        if kept is not None:
            return kept
        if render:  # no early copy that holds: a kept page's view renders, to make a new one
            token = render_for_early_copy.set(True)
            try:
                response = self.get_response(request)
            finally:
                render_for_early_copy.reset(token)
        else:
            response = self.get_response(request)
        mark = getattr(response, "kept_page", None)
        made = isinstance(mark, KeptMark) and keep_early(request, response, key=key, mark=mark)
        if made:
            _not_kept.pop(key, None)
        elif key is not None and request.method == "GET":  # a HEAD never makes an early copy
            remember_not_kept(key)
        return response
