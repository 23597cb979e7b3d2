"""The Redis cache backend that degrades instead of failing the request (issue #10, ADR 0007).

Every cache in Clearfund is an optimisation over PostgreSQL: totals, routing, page headers, panels
and whole anonymous responses are recomputed from the database on a miss. So when Redis cannot be
reached the cache behaves as an empty cache that stores nothing: reads miss, writes are dropped,
``add`` and ``delete`` answer ``False``. Only counting cannot be faked: ``incr``/``decr`` raise
:class:`CacheUnavailable`, and the one caller that counts (the donation intake's rate limits,
``payments.donations.protection``) decides what is safe for its path.

The outage is logged once when it starts and once when Redis answers again, never per request.
After a failure the backend does not try Redis again for ``DOWN_RETRY_SECONDS`` (an ``OPTIONS``
entry, default 2 s): requests during an outage cost no connection attempt, and a Redis that
hangs rather than refuses costs at most one socket timeout per process per interval.
"""

from __future__ import annotations

import functools
import logging
import threading
import time

import redis
from django.core.cache.backends.redis import RedisCache, RedisCacheClient

log = logging.getLogger(__name__)

# What "Redis cannot be reached" looks like from redis-py: refused, reset, socket gone, timed out,
# still loading its data after a restart.
UNREACHABLE = (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError)


class CacheUnavailable(Exception):
    """The cache cannot be reached, so a counter cannot be read or changed."""


class _Outage:
    """Whether one Redis location is known to be down, shared by the threads of a process."""

    def __init__(self, location: str, retry_seconds: float) -> None:
        self.location = location
        self.retry_seconds = retry_seconds
        self.down_until = 0.0  # monotonic time before which Redis is not tried again
        self.down = False
        self.lock = threading.Lock()

    def skip(self) -> bool:
        return self.down and time.monotonic() < self.down_until

    def failed(self, exc: BaseException) -> None:
        with self.lock:
            self.down_until = time.monotonic() + self.retry_seconds
            if not self.down:
                self.down = True
                log.warning(
                    "cache unavailable (%s: %s): serving from the database until Redis answers",
                    type(exc).__name__,
                    exc,
                )

    def answered(self) -> None:
        if self.down:
            with self.lock:
                if self.down:
                    self.down = False
                    log.warning("cache available again (%s)", self.location)


_OUTAGES: dict[str, _Outage] = {}
_OUTAGES_LOCK = threading.Lock()


def _degrading(fallback):
    """Wrap a client method: on an unreachable Redis return ``fallback(*args)`` instead."""

    def decorate(method):
        @functools.wraps(method)
        def wrapper(self, *args, **kwargs):
            if self._outage.skip():
                return fallback(*args, **kwargs)
            try:
                result = method(self, *args, **kwargs)
            except UNREACHABLE as exc:
                self._outage.failed(exc)
                return fallback(*args, **kwargs)
            self._outage.answered()
            return result

        return wrapper

    return decorate


def _unavailable(*args, **kwargs):
    raise CacheUnavailable("the cache (Redis) cannot be reached")


class DegradingRedisCacheClient(RedisCacheClient):
    """Django's Redis client with each operation answering as an empty cache when Redis is down."""

    def __init__(self, servers, *, outage: _Outage, **options) -> None:
        super().__init__(servers, **options)
        self._outage = outage
        self._clients: dict[int, redis.Redis] = {}

    def get_client(self, key=None, *, write: bool = False) -> redis.Redis:
        """One ``redis.Redis`` per connection pool, made once. Django's client builds a new one
        for every operation, and redis-py's constructor (its table of ~80 reply callbacks) cost
        about a tenth of a donation intake request's CPU (issue 11, ADR 0228). A ``Redis`` object
        holds no connection of its own (its pool does) and is safe to share."""
        pool = self._get_connection_pool(write)
        index = id(pool)
        client = self._clients.get(index)
        if client is None:
            client = self._clients[index] = self._client(connection_pool=pool)
        return client

    add = _degrading(lambda key, value, timeout: False)(RedisCacheClient.add)
    get = _degrading(lambda key, default: default)(RedisCacheClient.get)
    set = _degrading(lambda key, value, timeout: None)(RedisCacheClient.set)
    touch = _degrading(lambda key, timeout: False)(RedisCacheClient.touch)
    delete = _degrading(lambda key: False)(RedisCacheClient.delete)
    get_many = _degrading(lambda keys: {})(RedisCacheClient.get_many)
    has_key = _degrading(lambda key: False)(RedisCacheClient.has_key)
    incr = _degrading(_unavailable)(RedisCacheClient.incr)
    set_many = _degrading(lambda data, timeout: None)(RedisCacheClient.set_many)
    delete_many = _degrading(lambda keys: None)(RedisCacheClient.delete_many)
    clear = _degrading(lambda: False)(RedisCacheClient.clear)


class DegradingRedisCache(RedisCache):
    """``django.core.cache.backends.redis.RedisCache`` that degrades to an empty cache (see module).

    ``OPTIONS``: ``DOWN_RETRY_SECONDS`` (float, default 2) as above; the rest go to redis-py as for
    Django's backend (set ``socket_connect_timeout`` / ``socket_timeout`` so a hung server costs
    seconds, not minutes). ``incr``/``decr`` raise :class:`CacheUnavailable` during an outage.
    """

    def __init__(self, server, params) -> None:
        options = dict(params.get("OPTIONS", {}))
        retry_seconds = float(options.pop("DOWN_RETRY_SECONDS", 2.0))
        super().__init__(server, {**params, "OPTIONS": options})
        location = ",".join(self._servers)
        # Django makes one backend object per thread: the outage is shared by the whole process,
        # so it is logged once, not once per thread.
        with _OUTAGES_LOCK:
            self._outage = _OUTAGES.setdefault(location, _Outage(location, retry_seconds))
        self._outage.retry_seconds = retry_seconds

    @functools.cached_property
    def _cache(self) -> DegradingRedisCacheClient:
        return DegradingRedisCacheClient(self._servers, outage=self._outage, **self._options)

    @property
    def available(self) -> bool:
        """False while an outage is known (no connection is attempted to find out)."""
        return not self._outage.down
