"""The connection pool is for web processes only (ADR 0228): Celery's prefork children must not share
a pool their parent opened."""

import pytest

from config.settings.base import web_pool_size


@pytest.mark.parametrize(
    ("argv", "size"),
    [
        (["/srv/venv/bin/gunicorn", "config.wsgi"], 20),
        (["manage.py", "runserver"], 20),
        (["/srv/venv/bin/celery", "-A", "config", "worker"], 0),
        (["/srv/venv/lib/python3.11/site-packages/celery/__main__.py", "-A", "config", "beat"], 0),
        ([], 20),
    ],
)
def test_celery_processes_get_no_pool(argv, size):
    assert web_pool_size(argv, 20) == size
