"""What a production deployment may name as its payment provider: rules shared by
``config/settings/production.py`` (refuses to start) and ``payments.gateway.checks`` (the
``check --deploy`` errors). Pure functions: settings import this module before Django is set up.

A fake gateway (in-memory, for tests and what localstripe lacks) takes no real money and keeps
its state in one process, and a Stripe API base on this machine is a stand-in such as localstripe:
either in production means gifts that never reach a bank. ADR 0208.
"""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

GATEWAY_SETTINGS = ("PAYMENTS_GATEWAY", "CLEARFUND_CONNECT_GATEWAY")
LOCAL_HOSTS = {"localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback"}


def named_as_fake(dotted_path: str) -> bool:
    """A class path that says it is a stand-in: a ``*_fake`` module or a ``Fake*`` class."""
    module, _dot, name = dotted_path.rpartition(".")
    return module.rsplit(".", 1)[-1].endswith("_fake") or name.startswith("Fake")


def api_base_problem(url: str) -> str:
    """Why ``STRIPE_API_BASE`` cannot be production's, or ``""``. Empty means the real Stripe."""
    if not url:
        return ""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if parts.scheme != "https":
        return f"STRIPE_API_BASE {url!r} is not https"
    if not host or host in LOCAL_HOSTS or host.endswith(".localhost"):
        return f"STRIPE_API_BASE {url!r} points at this machine (a stand-in such as localstripe)"
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return ""
    if address.is_loopback or address.is_unspecified or address.is_link_local:
        return f"STRIPE_API_BASE {url!r} points at a local address (a stand-in such as localstripe)"
    return ""
