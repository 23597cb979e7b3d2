"""Servers of the test's own that a test may stop (never the machine's or the run's shared ones).

``own_redis`` is a redis-server started for one test (``config.embedded.ensure_redis`` in a
fresh short folder: a Unix socket path must stay under 108 bytes); ``redis_cache`` points the
cache at it and ``redis_broker`` the Celery producer, so stopping it is what a Redis outage is to
the web process.
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

import kombu.pools
import pytest

from config import embedded
from config.celery import app
from config.settings.base import broker_url_for
from payments.outbox.queueing import broker_outage
from tests.cms.conftest import home  # noqa: F401 - the CMS tests' home page fixture
from tests.cms_factories import CampaignIndexPageFactory, CampaignPageFactory


@dataclass
class OwnRedis:
    folder: Path
    url: str

    def stop(self) -> None:
        assert embedded.stop_redis(var_dir=self.folder)

    def start(self) -> None:
        assert embedded.ensure_redis(var_dir=self.folder) == self.url


@pytest.fixture
def own_redis():
    folder = Path(tempfile.mkdtemp(prefix="cf-faults-"))
    server = OwnRedis(folder=folder, url=embedded.ensure_redis(var_dir=folder))
    yield server
    embedded.stop_redis(var_dir=folder)
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def redis_cache(own_redis, settings):
    """The default cache on ``own_redis``, trying Redis again at once after a failure."""
    settings.CACHES = {
        "default": {
            "BACKEND": "config.cache.DegradingRedisCache",
            "LOCATION": own_redis.url,
            "KEY_PREFIX": "faults",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1, "DOWN_RETRY_SECONDS": 0},
        }
    }
    settings.TOTALS_CACHE_SECONDS = 3
    from config import cache as degrading

    degrading._OUTAGES.clear()
    yield own_redis
    degrading._OUTAGES.clear()


def _reset_producers() -> None:
    """Forget every broker connection and producer. kombu keeps its pools in a registry keyed by
    broker: closing a pool without clearing the registry would hand the same closed pool to every
    later test ("Acquire on closed pool"), so close and clear them all with ``kombu.pools.reset``."""
    kombu.pools.reset()
    app._pool = None
    app.__dict__.get("amqp") and setattr(app.amqp, "_producer_pool", None)


@pytest.fixture
def redis_broker(own_redis, settings):
    """Tasks are sent to ``own_redis`` (not run eagerly in the test process)."""
    previous = (app.conf.task_always_eager, app.conf.broker_url)
    app.conf.task_always_eager = False
    settings.CELERY_TASK_ALWAYS_EAGER = False
    app.conf.broker_url = broker_url_for(own_redis.url)
    settings.CELERY_BROKER_URL = app.conf.broker_url
    _reset_producers()
    broker_outage.down = False
    yield own_redis
    app.conf.task_always_eager, app.conf.broker_url = previous
    _reset_producers()
    broker_outage.down = False


@pytest.fixture
def campaign_page(home):  # noqa: F811 - the fixture imported above
    """A live campaign's page under the zh-hans home that is the default site's root."""
    index = CampaignIndexPageFactory(parent=home, show_in_menus=True)
    return CampaignPageFactory(parent=index, title="白内障复明手术 丹寨", campaign__min_donation_minor=1000)
