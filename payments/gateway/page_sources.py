"""Where a donor's browser fetches Stripe from: the Content-Security-Policy sources that let
Stripe.js run on our pages, derived from ``STRIPE_JS_URL`` and ``STRIPE_API_BASE``.

Pure functions (no ``stripe`` import): ``config.content_security`` adds these sources to every
page's policy (ADR 0102).

Real Stripe (Stripe's security guide, "Content Security Policy"): Stripe.js is served from
``https://js.stripe.com`` and its sub-domains, it mounts card fields and 3-D Secure challenges in
frames from those origins and from ``https://hooks.stripe.com``, and it calls
``https://api.stripe.com``. localstripe serves its Stripe.js stand-in and its API from one
origin (``http://127.0.0.1:<port>``), so there the three directives name that origin alone.
"""

from __future__ import annotations

from urllib.parse import urlsplit

STRIPE_API_ORIGIN = "https://api.stripe.com"
STRIPE_JS_ORIGIN = "https://js.stripe.com"
STRIPE_JS_SUBDOMAINS = "https://*.js.stripe.com"
STRIPE_HOOKS_ORIGIN = "https://hooks.stripe.com"


def origin_of(url: str) -> str:
    """``scheme://host[:port]`` of an absolute URL, lower-cased.

    Raises ``ValueError`` for a URL without scheme or host (a relative path cannot name
    another origin, and ``'self'`` already covers our own)."""
    parts = urlsplit(url)
    if not parts.scheme or not parts.netloc:
        raise ValueError(f"{url!r} is not an absolute URL")
    return f"{parts.scheme}://{parts.netloc}".lower()


def stripe_page_sources(*, js_url: str, api_base: str) -> dict[str, list[str]]:
    """CSP sources per directive (``script-src``, ``frame-src``, ``connect-src``) that Stripe.js
    loaded from ``js_url`` needs, talking to ``api_base`` (empty: the real Stripe API).

    Raises ``ValueError`` when ``js_url`` or a non-empty ``api_base`` is not an absolute URL."""
    js_origin = origin_of(js_url)
    api_origin = origin_of(api_base) if api_base else STRIPE_API_ORIGIN
    scripts = [js_origin]
    frames = [js_origin]
    if js_origin == STRIPE_JS_ORIGIN:
        scripts.append(STRIPE_JS_SUBDOMAINS)
        frames += [STRIPE_JS_SUBDOMAINS, STRIPE_HOOKS_ORIGIN]
    return {"script-src": scripts, "frame-src": frames, "connect-src": [api_origin]}
