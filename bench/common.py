"""Shared set-up for the benchmarks: Django, a live campaign, a gunicorn process."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def django_setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def database_url() -> str:
    """The URL of the database Django is connected to, for a subprocess (worker, pgbench): a TCP
    host and port, or the socket folder of an embedded server (``?host=<folder>``, as
    ``config.embedded`` writes it)."""
    from urllib.parse import quote

    from django.db import connection

    db = connection.settings_dict
    user = quote(db["USER"] or "postgres")
    socket_dir = db["HOST"] if (db["HOST"] or "").startswith("/") else db.get("OPTIONS", {}).get("host", "")
    if socket_dir:
        port = f"&port={db['PORT']}" if db["PORT"] else ""
        return f"postgresql://{user}@/{db['NAME']}?host={quote(socket_dir, safe='/')}{port}"
    return f"postgresql://{user}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def live_campaign(slug: str):
    from campaigns.models import Campaign, CampaignStatus

    campaign, _ = Campaign.objects.update_or_create(
        slug=slug,
        defaults=dict(title="白内障复明手术 (bench)", kind="medical", currency="CNY", goal_minor=30_000_000,
                      unit_cost_minor=300_000, unit_label="one cataract surgery", min_donation_minor=1000,
                      deadline=date.today() + timedelta(days=90), status=CampaignStatus.LIVE),
    )  # fmt: skip
    return campaign


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def gunicorn(*, workers: int, threads: int, env: dict[str, str]):
    """gunicorn with threaded workers on a free loopback port; yields the port."""
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "config.wsgi:application", "--bind", f"127.0.0.1:{port}",
         "--workers", str(workers), "--threads", str(threads), "--worker-class", "gthread",
         "--timeout", "60", "--log-level", "warning", "--preload"],
        cwd=ROOT, env={**os.environ, "DJANGO_SETTINGS_MODULE": "bench.settings", **env},
    )  # fmt: skip
    try:
        for _ in range(600):  # up to a minute: a loaded machine imports the site slowly
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        # Warm every worker and thread (imports, template loading, DB connections).
        import http.client

        for _ in range(workers * threads):
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            conn.request("GET", "/bench/bare/")
            conn.getresponse().read()
            conn.close()
        yield port
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:  # a loaded machine: do not lose the run's figures for it
            proc.kill()
            proc.wait()


@contextmanager
def countdown_tasks_in_a_thread():
    """Under Celery eager, run a task sent with a ``countdown`` after it, in a thread of this process
    (as a worker would run it later), instead of at once inside the request. Tasks without a countdown
    still run eagerly. On exit, waits for every scheduled task, so their cost is inside a timing that
    encloses the block. Yields the list of (task name, args) run so far."""
    import threading

    from celery.app.task import Task
    from django.db import connection

    ran: list[tuple[str, tuple]] = []
    timers: list[threading.Timer] = []
    lock = threading.Lock()  # one "worker": scheduled tasks run one at a time
    apply_async = Task.apply_async

    def run(task, args):
        with lock:
            try:
                task.apply(args)
                ran.append((task.name, tuple(args)))
            finally:
                connection.close()

    def delayed(self, args=None, kwargs=None, **options):
        countdown = options.pop("countdown", None)
        if not countdown:
            return apply_async(self, args, kwargs, **options)
        timer = threading.Timer(countdown, run, (self, tuple(args or ())))
        timers.append(timer)
        timer.start()
        return None

    Task.apply_async = delayed
    try:
        yield ran
    finally:
        Task.apply_async = apply_async
        for timer in list(timers):
            timer.join()
