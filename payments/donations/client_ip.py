"""The address a request came from, as every rate limit counts it.

Behind a reverse proxy ``REMOTE_ADDR`` is the proxy: counting it would put every donor in one
bucket, and the tenth attempt of the day would stop all giving. Each proxy in front of us appends
the address it received the request from to ``X-Forwarded-For``, so with ``TRUSTED_PROXY_COUNT``
proxies the client is the ``TRUSTED_PROXY_COUNT``-th hop from the right; everything left of it
was written by the client and is never believed. With no proxy configured (development, tests,
a server facing the internet) the header is ignored altogether and ``REMOTE_ADDR`` counts.
ADR 0010.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def _valid(text: str) -> str:
    try:
        return str(ipaddress.ip_address(text.strip()))
    except ValueError:
        return ""


def client_ip(request: HttpRequest) -> str:
    """The client's IP address as text (normalised), or ``""`` if there is none.

    Reads ``settings.TRUSTED_PROXY_COUNT`` (0: no proxy, ``REMOTE_ADDR``; n: the n-th
    ``X-Forwarded-For`` entry from the right). A header with fewer hops than proxies, or a hop
    that is not an IP address, means the request did not come through the configured chain:
    ``REMOTE_ADDR`` counts, which a client cannot choose. Never raises.
    """
    remote = _valid(request.META.get("REMOTE_ADDR", ""))
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies <= 0:
        return remote
    hops = [hop for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    if len(hops) < proxies:
        return remote
    return _valid(hops[-proxies]) or remote
