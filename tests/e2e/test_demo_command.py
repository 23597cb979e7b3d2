"""README command 1, end to end: the demo launcher starts every service, loads the demo content and
serves the home page and the campaign pages; then it stops everything it started."""

import os
import socket
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _fresh_database_url() -> str:
    db = settings.DATABASES["default"]
    # Named after this run's test database, so parallel runs on one server never share it.
    demo_db = f"{db['NAME']}_demo"
    params = {
        "host": db["HOST"] or None,
        "port": db["PORT"] or None,
        "user": db["USER"],
        "dbname": "postgres",
    }
    with psycopg.connect(**{k: v for k, v in params.items() if v}, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{demo_db}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{demo_db}"')
    host = db["HOST"] or ""
    if host.startswith("/"):
        return f"postgres://{db['USER']}@/{demo_db}?host={host}"
    return f"postgres://{db['USER']}@{host}:{db['PORT'] or 5432}/{demo_db}"


@pytest.mark.slow
def test_demo_command_serves_the_campaigns_and_stops_cleanly():
    env = {
        **os.environ,
        "DATABASE_URL": _fresh_database_url(),
        "REDIS_URL": settings.REDIS_URL,
        "DJANGO_SETTINGS_MODULE": "config.settings.dev",
    }

    result = subprocess.run(
        [sys.executable, "-m", "config.demo", "--smoke", "--port", str(_free_port())],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )

    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
    assert "smoke check passed" in result.stdout
    assert "stopped web" in result.stdout
