"""Card-testing defence and launch-spike protection for the donation intake.

Rate limits count payment attempts per client IP and per email in fixed windows held in the
shared cache (Redis), so every web process sees the same counts. A blocked attempt raises
``AttemptBlocked`` before any row or provider object exists. ``provider_slot`` caps the number of
requests that wait on the provider at once across all processes; past the cap the intake answers
503 with Retry-After at once instead of tying up every worker. (A small counter of our own rather
than django-ratelimit: we need the same counters for two keys and for the in-flight cap, with a
Retry-After that tells the donor when to try again; see ADR 0204.)
"""

from __future__ import annotations

import contextlib
import hashlib
import time
from collections.abc import Iterator

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import gettext as _


class AttemptBlocked(Exception):
    """Too many attempts, or a robot: nothing was created. ``retry_after`` in seconds."""

    def __init__(self, message: str, *, retry_after: int = 60) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class Overloaded(Exception):
    """Too many donations are talking to the provider right now."""

    retry_after = 5


def _parse(rate: str) -> tuple[int, int]:
    count, seconds = rate.split("/")
    return int(count), int(seconds)


def _hit(scope: str, ident: str, rate: str) -> int | None:
    """Count one attempt; return seconds until the window resets if over the limit, else None."""
    limit, window = _parse(rate)
    now = int(time.time())
    start = now - now % window
    # A digest, not the address itself: keys stay short, and no donor's email sits in the cache.
    digest = hashlib.sha256(ident.encode()).hexdigest()[:32]
    key = f"rl:{scope}:{digest}:{start}"
    cache.add(key, 0, window + 5)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, window + 5)
        count = 1
    if count > limit:
        return max(1, start + window - now)
    return None


def attempt_check(*, ip: str, email: str, honeypot: str = "") -> None:
    """Count a payment attempt. Raises ``AttemptBlocked`` for a filled honeypot or past a limit."""
    if honeypot:
        raise AttemptBlocked(_("Your gift could not be accepted. Please try again later."), retry_after=600)
    for scope, ident, rate in (
        ("ip", ip or "unknown", settings.PAYMENTS_RATE_LIMIT_IP),
        ("email", email.strip().lower(), settings.PAYMENTS_RATE_LIMIT_EMAIL),
    ):
        wait = _hit(scope, ident, rate)
        if wait is not None:
            minutes = max(1, round(wait / 60))
            raise AttemptBlocked(
                _("Too many payment attempts. Please wait %(m)d minutes and try again.") % {"m": minutes},
                retry_after=wait,
            )


@contextlib.contextmanager
def provider_slot() -> Iterator[None]:
    """Hold one of ``PAYMENTS_MAX_IN_FLIGHT`` provider slots, or raise ``Overloaded``."""
    key = "payments:in-flight"
    cache.add(key, 0, 120)
    try:
        current = cache.incr(key)
    except ValueError:
        cache.set(key, 1, 120)
        current = 1
    try:
        if current > settings.PAYMENTS_MAX_IN_FLIGHT:
            raise Overloaded()
        yield
    finally:
        with contextlib.suppress(ValueError):
            cache.decr(key)
