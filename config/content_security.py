"""Content-Security-Policy on every response (django-csp; ADR 0102).

django-csp builds the header; this subclass chooses the policy by path (the public site's, or the
Wagtail and Django admin's, ``CONTENT_SECURITY_POLICY_ADMIN``) and adds to the public one the
Stripe.js origins of the current settings (``payments.gateway.page_sources``), read at each
response so that a test or a deployment that points ``STRIPE_JS_URL`` elsewhere gets a matching
policy. A view that sets its own policy with django-csp's decorators (``csp_override``,
``csp_replace``, ``csp_update``) keeps it.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from functools import lru_cache
from typing import Any

from csp.middleware import CSPMiddleware, PolicyParts
from django.conf import settings
from django.http import HttpRequest, HttpResponseBase

from payments.gateway.page_sources import stripe_page_sources


@lru_cache(maxsize=8)
def _stripe_sources(js_url: str, api_base: str) -> dict[str, list[str]]:
    return stripe_page_sources(js_url=js_url, api_base=api_base)


class Directives(Mapping):
    """Directives that are never changed once made: django-csp deep-copies the policy's parts on
    every response (``dataclasses.asdict``), which was a quarter of the CPU of a cached page hit
    (issue 11, ADR 0228); a copy of this is itself. Each value is a tuple."""

    def __init__(self, directives: Mapping[str, Any]) -> None:
        self._directives = {name: tuple(sources) for name, sources in directives.items()}

    def __getitem__(self, name: str) -> tuple:
        return self._directives[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._directives)

    def __len__(self) -> int:
        return len(self._directives)

    def __deepcopy__(self, memo: dict) -> Directives:
        return self


def policy_for_path(path: str) -> Mapping[str, Any]:
    """The directives for a request path: the admin's under its prefixes; else the public site's,
    with Stripe's sources. (A Wagtail preview renders the page through this middleware as a
    request for the page's own URL, so it carries the public policy, as the live page does.)

    Raises ``ValueError`` when ``STRIPE_JS_URL`` is not an absolute URL."""
    admin = settings.CONTENT_SECURITY_POLICY_ADMIN
    if path.startswith(tuple(admin["PATH_PREFIXES"])):
        return _admin_policy(repr(admin["DIRECTIVES"]))
    return _public_policy(repr(settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]), settings.STRIPE_JS_URL,
                          settings.STRIPE_API_BASE)  # fmt: skip


# Made once per value of the settings they read (their repr is the key: a test or a deployment
# that changes them gets a policy of its own).
@lru_cache(maxsize=8)
def _admin_policy(_settings_repr: str) -> Directives:
    return Directives(settings.CONTENT_SECURITY_POLICY_ADMIN["DIRECTIVES"])


@lru_cache(maxsize=8)
def _public_policy(_settings_repr: str, js_url: str, api_base: str) -> Directives:
    directives = {
        name: list(sources) for name, sources in settings.CONTENT_SECURITY_POLICY["DIRECTIVES"].items()
    }
    for name, sources in _stripe_sources(js_url, api_base).items():
        directives[name] = [*directives.get(name, []), *sources]
    return Directives(directives)


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware with the policy chosen by ``policy_for_path``."""

    def get_policy_parts(
        self, request: HttpRequest, response: HttpResponseBase, report_only: bool = False
    ) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        if not report_only and parts.config is None:
            parts.config = policy_for_path(request.path_info)
        return parts
