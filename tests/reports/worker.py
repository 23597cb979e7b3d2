"""A real Celery worker in a subprocess, against the test database and the REDIS_URL broker."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote, urlencode

from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]


def database_url(settings_dict: dict, *, name: str | None = None) -> str:
    """A ``DATABASE_URL`` naming exactly the server of ``settings_dict`` (Django's connection
    settings): a socket folder (``HOST`` starting with ``/`` or ``OPTIONS['host']``, as the embedded
    server has) stays a socket folder, a port stays that port, other options are kept. Database
    ``name`` instead of the connection's own when given."""
    options = {k: str(v) for k, v in (settings_dict.get("OPTIONS") or {}).items()}
    host = str(settings_dict.get("HOST") or "")
    port = str(settings_dict.get("PORT") or "")
    user = quote(settings_dict.get("USER") or "", safe="")
    password = settings_dict.get("PASSWORD") or ""
    credentials = user + (":" + quote(password, safe="") if password else "") + "@" if user else ""
    if host.startswith("/"):
        options["host"] = host
        host = ""
    if port and not host:
        options.setdefault("port", port)
    netloc = credentials + host + (f":{port}" if host and port else "")
    query = ("?" + urlencode(options)) if options else ""
    return f"postgres://{netloc}/{quote(name or settings_dict['NAME'], safe='')}{query}"


def worker_environment(private_root: Path) -> dict[str, str]:
    """The test process's environment, pointed at the test database on the same server."""
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.test",
        DATABASE_URL=database_url(connection.settings_dict),
        REDIS_URL=settings.REDIS_URL,
        CELERY_BROKER_URL=settings.CELERY_BROKER_URL,
        CLEARFUND_PRIVATE_ROOT=str(private_root),
        PYTHONUNBUFFERED="1",
    )
    return env


@contextmanager
def celery_worker(
    private_root: Path, *, concurrency: int = 1, log: Path | None = None, env: dict[str, str] | None = None
):
    """Start ``celery worker`` (prefork), wait until it is ready, stop it (and its children) after.

    ``env`` adds environment variables, e.g. a short ``CLEARFUND_BROKER_VISIBILITY_TIMEOUT``.
    """
    name = f"reports-test-{uuid.uuid4().hex[:8]}@%h"
    log = log or private_root.parent / f"worker-{uuid.uuid4().hex[:6]}.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    handle = log.open("w")
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "-P",
            "prefork",
            "-c",
            str(concurrency),
            "-n",
            name,
            "--loglevel=INFO",
            "--without-mingle",
            "--without-gossip",
            "--without-heartbeat",
        ],
        cwd=ROOT,
        env={**worker_environment(private_root), **(env or {})},
        stdout=handle,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group, so teardown can stop the pool too
    )
    try:
        deadline = time.monotonic() + 60
        while "ready." not in log.read_text():
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("celery worker did not start:\n" + log.read_text()[-3000:])
            time.sleep(0.2)
        yield proc, log
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=10)
        handle.close()


def wait_for(predicate, *, timeout: float, interval: float = 0.2, what: str = "condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")
