"""Card-testing defence and launch-spike protection for the donation intake.

Rate limits count payment attempts per client IP and per email in fixed windows held in the
shared cache (Redis), so every web process sees the same counts. A blocked attempt raises
``AttemptBlocked`` before any row or provider object exists. ``provider_slot`` caps the number of
requests that wait on the provider at once across all processes; past the cap the intake answers
503 with Retry-After at once instead of tying up every worker. (A small counter of our own rather
than django-ratelimit: we need the same counters for two keys and for the in-flight cap, with a
Retry-After that tells the donor when to try again; see ADR 0204.)

When Redis cannot be reached (``config.cache.CacheUnavailable``) both counters fall back to
counters of this process with the same limits, and the gift goes ahead: the limits still hold per
process (so at most the number of web processes times looser), and refusing every gift during a
cache outage would turn an infrastructure fault into lost donations (ADR 0007).
"""

from __future__ import annotations

import contextlib
import hashlib
import threading
import time
import uuid
from collections.abc import Iterator

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from config.cache import UNREACHABLE, CacheUnavailable
from payments.donations.card_testing import card_cooling_remaining


class AttemptBlocked(Exception):
    """Too many attempts, or a robot: nothing was created. ``retry_after`` in seconds."""

    def __init__(self, message: str, *, retry_after: int = 60) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class Overloaded(Exception):
    """Too many donations are talking to the provider right now."""

    retry_after = 5


def _minutes(seconds: int) -> int:
    """``seconds`` as whole minutes for a "please wait N minutes" refusal: rounded, at least 1."""
    return max(1, round(seconds / 60))


def _parse(rate: str) -> tuple[int, int]:
    count, seconds = rate.split("/")
    return int(count), int(seconds)


class _LocalCounters:
    """Counters of this process alone, used while the shared cache cannot be reached."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._counts: dict[str, tuple[int, float]] = {}  # key -> (count, expires at, monotonic)

    def incr(self, key: str, *, ttl: float, delta: int = 1) -> int:
        now = time.monotonic()
        with self._lock:
            if len(self._counts) > 10_000:  # forget expired windows; bounded memory
                self._counts = {k: v for k, v in self._counts.items() if v[1] > now}
            count, expires = self._counts.get(key, (0, now + ttl))
            if expires <= now:
                count, expires = 0, now + ttl
            count += delta
            self._counts[key] = (count, expires)
            return count


local_counters = _LocalCounters()


def _count(key: str, *, ttl: int) -> int:
    """Add one to ``key`` in the shared cache (Redis), or in this process while it is down."""
    try:
        cache.add(key, 0, ttl)
        try:
            return cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, ttl)
            return 1
    except CacheUnavailable:
        return local_counters.incr(key, ttl=ttl)


def _hit(scope: str, ident: str, rate: str) -> int | None:
    """Count one attempt; return seconds until the window resets if over the limit, else None."""
    limit, window = _parse(rate)
    now = int(time.time())
    start = now - now % window
    # A digest, not the address itself: keys stay short, and no donor's email sits in the cache.
    digest = hashlib.sha256(ident.encode()).hexdigest()[:32]
    count = _count(f"rl:{scope}:{digest}:{start}", ttl=window + 5)
    if count > limit:
        return max(1, start + window - now)
    return None


def rate_limit_hit(*, scope: str, ident: str, rate: str) -> int | None:
    """Count one request of ``ident`` (an address, an email) under ``scope`` against ``rate``
    (``"count/seconds"``); seconds until the window resets if over the limit, else None. The same
    shared counters (and their fallback while Redis is down) as the gift intake's limits."""
    return _hit(scope, ident, rate)


def attempt_check(*, ip: str, email: str, honeypot: str = "") -> None:
    """Count a payment attempt. Raises ``AttemptBlocked`` for a filled honeypot, for a client
    cooling off after too many refused cards (``card_cooling_remaining``, ADR 0011), or past a
    limit."""
    if honeypot:
        raise AttemptBlocked(_("Your gift could not be accepted. Please try again later."), retry_after=600)
    cooling = card_cooling_remaining(ip=ip)
    if cooling:
        m = _minutes(cooling)
        message = ngettext(
            "Too many cards were declined from your connection. Please wait %(m)d minute and try again.",
            "Too many cards were declined from your connection. Please wait %(m)d minutes and try again.",
            m,
        )
        raise AttemptBlocked(message % {"m": m}, retry_after=cooling)
    for scope, ident, rate in (
        ("ip", ip or "unknown", settings.PAYMENTS_RATE_LIMIT_IP),
        ("email", email.strip().lower(), settings.PAYMENTS_RATE_LIMIT_EMAIL),
    ):
        wait = _hit(scope, ident, rate)
        if wait is not None:
            m = _minutes(wait)
            message = ngettext(
                "Too many payment attempts. Please wait %(m)d minute and try again.",
                "Too many payment attempts. Please wait %(m)d minutes and try again.",
                m,
            )
            raise AttemptBlocked(message % {"m": m}, retry_after=wait)


def claim_check(*, ip: str) -> None:
    """Count a claim on the needs board from ``ip`` against ``NEEDS_CLAIM_RATE`` (the same
    counters as gifts, ADR 0307). Raises ``AttemptBlocked`` past it."""
    wait = _hit("need-claim", ip or "unknown", settings.NEEDS_CLAIM_RATE)
    if wait is not None:
        m = _minutes(wait)
        message = ngettext(
            "Too many claims from your connection. Please wait %(m)d minute and try again.",
            "Too many claims from your connection. Please wait %(m)d minutes and try again.",
            m,
        )
        raise AttemptBlocked(message % {"m": m}, retry_after=wait)


# Take a slot if fewer than the cap are held: drop the slots whose time is up, count the rest, add
# ours with its own expiry. One script, so two processes never both take the last slot.
_TAKE_SLOT = """
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[4]) then
    return 0
end
redis.call('ZADD', KEYS[1], ARGV[2], ARGV[3])
redis.call('EXPIRE', KEYS[1], ARGV[5])
return 1
"""


def _clock() -> float:
    """Seconds since the epoch; one place, so tests can move time."""
    return time.time()


def _redis():
    # The shared cache's own connection (django.core.cache.backends.redis.RedisCache).
    return cache._cache.get_client(None, write=True)


@contextlib.contextmanager
def provider_slot() -> Iterator[None]:
    """Hold one of ``PAYMENTS_MAX_IN_FLIGHT`` provider slots for the block, or raise ``Overloaded``.

    Each slot is its own token in a Redis sorted set, scored by when it expires
    (``PAYMENTS_PROVIDER_SLOT_SECONDS`` after it was taken, longer than any request may run): a
    slot held is counted until it is given back, and a slot whose process died is dropped when its
    own time is up. (A single counter with one expiry drifted: when it expired, slots still held
    were forgotten and more requests were let in; their later decrements then lowered the count
    of the new ones.) Giving a slot back removes only that token. ADR 0010.

    While Redis cannot be reached the slots are counted in this process alone, with the same cap
    (ADR 0007).
    """
    key = cache.make_key("payments:in-flight-slots")
    token = uuid.uuid4().hex
    lifetime = settings.PAYMENTS_PROVIDER_SLOT_SECONDS
    now = _clock()
    try:
        client = _redis()
        taken = client.eval(_TAKE_SLOT, 1, key, now, now + lifetime, token, settings.PAYMENTS_MAX_IN_FLIGHT,
                            int(lifetime) + 1)  # fmt: skip
    except (CacheUnavailable, *UNREACHABLE):
        with local_slots.hold():
            yield
        return
    if not taken:
        raise Overloaded()
    try:
        yield
    finally:
        with contextlib.suppress(*UNREACHABLE):  # the slot then expires at its own time
            client.zrem(key, token)


class _LocalSlots:
    """Provider slots of this process alone, while Redis cannot be reached: exact, since every
    slot taken here is given back here."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._held = 0

    @contextlib.contextmanager
    def hold(self) -> Iterator[None]:
        with self._lock:
            if self._held >= settings.PAYMENTS_MAX_IN_FLIGHT:
                raise Overloaded()
            self._held += 1
        try:
            yield
        finally:
            with self._lock:
                self._held -= 1


local_slots = _LocalSlots()
