"""The demo: every service of Clearfund in one command, on embedded defaults (ADR 0002, 0006).

    python -m config.demo [--host 127.0.0.1] [--port 8000] [--smoke] [--no-report-fonts]

Starts embedded PostgreSQL and Redis unless DATABASE_URL / REDIS_URL are set, then localstripe,
gunicorn, two Celery workers (one for receipts, ADR 0239) and Celery beat, each its own process;
applies migrations, creates an admin
account, loads the demo content (each area's ``demo_*`` command) and prints where to go.

- Ports are bound by the launcher and handed to gunicorn (``--bind fd://``) and localstripe
  (``--fd``): never "checked free, then taken by another demo". Each answers a per-run token on a
  health URL; the launcher talks only to the processes it started, and localstripe registers this
  demo's webhook itself at start.
- It supervises them: a process that dies is restarted (at most 5 times a minute; then the demo stops,
  saying which); embedded PostgreSQL and Redis are restarted too.
- Ctrl-C or TERM stops everything it started, embedded PostgreSQL and Redis included (servers that
  were already running when it started are left running, and it says so).
- One demo per ``var/`` folder (``CLEARFUND_VAR_DIR``): a second one in the same clone is refused;
  demos in other clones run side by side. ``var/demo.json`` lists the running processes.

``--smoke`` checks the site, the admin login and the payment wiring (``config.demo_smoke``), then
stops everything: the tests use it. ``--no-report-fonts`` skips preparing the reports' Chinese font
(a minute or two of one core the first time on a machine; PDFs then embed the full system font):
the tests use it too, and test the font's preparation on its own.
"""

from __future__ import annotations

import argparse
import fcntl
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from config import launch

ROOT = Path(__file__).resolve().parents[1]
ADMIN_USER = "admin"
ADMIN_PASSWORD = "clearfund-admin"  # noqa: S105 - demo only, printed on start
STAFF_PASSWORD = "clearfund-demo"  # noqa: S105 - demo only, set by demo_campaigns
WEBHOOK_PATH = "/payments/webhooks/stripe/"
INSTANCE_PATH = "/__demo__/instance"  # the web process's token (web_application below)
# Each area contributes its demo data through an idempotent command, run in this order.
DEMO_COMMANDS = [
    "demo_campaigns",
    "demo_donations",
    "demo_matching",
    "demo_supporters",
    "demo_offline",
    "demo_verification",
    "demo_reports",
]
# Looser limits than production's for a demo tried by one machine's browsers (count/seconds).
DEMO_RATE_LIMITS = {"PAYMENTS_RATE_LIMIT_IP": "60/600", "PAYMENTS_RATE_LIMIT_EMAIL": "30/600"}


def log(message: str) -> None:
    print(f"[demo] {message}", flush=True)


class Stop(Exception):
    """Ctrl-C or TERM: stop everything."""


def _stop_requested(signum: int, _frame) -> None:
    raise Stop(signal.Signals(signum).name)


# --- The web process ---------------------------------------------------------------------------

_application = None


def web_application(environ: dict, start_response):
    """The WSGI application gunicorn serves in the demo: Clearfund, plus the per-run token on
    ``INSTANCE_PATH`` so the launcher knows the answer comes from the server it started."""
    global _application
    if environ.get("PATH_INFO") == INSTANCE_PATH:
        body = json.dumps({"token": os.environ.get(launch.TOKEN_ENV, ""), "pid": os.getpid()}).encode()
        start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
        return [body]
    if _application is None:
        from config.wsgi import application

        _application = application
    return _application(environ, start_response)


# --- One demo per var/ folder ------------------------------------------------------------------


class State:
    """``var/demo.json``: this demo's URLs, its processes and the embedded servers it owns, for
    people and tests; and ``var/demo.lock``, held while it runs."""

    def __init__(self, var_dir: Path) -> None:
        self.path = var_dir / "demo.json"
        self.lock_path = var_dir / "demo.lock"
        self.data: dict = {"pid": os.getpid(), "owns": [], "children": {}}
        self._lock = None

    def lock(self) -> dict | None:
        """Take the folder's lock; return what the previous demo left (it is not running), or
        raise ``SystemExit`` when a demo is running from this folder."""
        self._lock = open(self.lock_path, "a+")  # noqa: SIM115 - held for the demo's lifetime
        try:
            fcntl.flock(self._lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            running = self._read() or {}
            raise SystemExit(
                f"[demo] a demo is already running from {self.path.parent} (pid {running.get('pid')}, "
                f"{running.get('site', 'starting')}); stop it first, or run this one from another clone"
            ) from None
        return self._read()

    def _read(self) -> dict | None:
        try:
            return json.loads(self.path.read_text())
        except (FileNotFoundError, ValueError):
            return None

    def save(self, **changes) -> None:
        self.data.update(changes)
        partial = self.path.with_suffix(".partial")
        partial.write_text(json.dumps(self.data, indent=2))
        os.replace(partial, self.path)

    def remove(self) -> None:
        self.path.unlink(missing_ok=True)


# --- Embedded servers --------------------------------------------------------------------------


def start_data_stores(var_dir: Path, state: State, previous: dict | None, supervisor) -> list[str]:
    """Point DATABASE_URL / REDIS_URL at embedded servers unless set; return the names of those
    this demo owns (it started them, or a demo that died did): it stops them when it stops."""
    from config import embedded
    from config.supervision import Watched

    owns: list[str] = []
    inherited = set((previous or {}).get("owns", []))
    stores = [
        ("DATABASE_URL", "postgres", embedded.postgres_pid, embedded.ensure_postgres),
        ("REDIS_URL", "redis", embedded.redis_pid, embedded.ensure_redis),
    ]
    for variable, name, pid, ensure in stores:
        if os.environ.get(variable):
            continue
        running = pid(var_dir=var_dir)
        os.environ[variable] = ensure(var_dir=var_dir)
        if running is None or name in inherited:
            owns.append(name)
        else:
            log(f"embedded {name} was already running (pid {running}): it stays running after the demo")
        supervisor.watch(
            Watched(
                name=f"embedded {name}",
                pid=lambda pid=pid: pid(var_dir=var_dir),
                restart=lambda ensure=ensure: ensure(var_dir=var_dir),
            )
        )
    state.save(owns=owns)
    return owns


def stop_data_stores(var_dir: Path, owns: list[str]) -> None:
    from config import embedded

    for name, stop in (("redis", embedded.stop_redis), ("postgres", embedded.stop_postgres)):
        started = time.monotonic()
        if name in owns and stop(var_dir=var_dir):
            log(f"stopped embedded {name} ({time.monotonic() - started:.1f}s)")


# --- Launch ------------------------------------------------------------------------------------


def manage(*args: str) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, check=True)


def report_fonts() -> None:
    """The pre-subset Chinese font of the PDF reports (``manage.py report_fonts``, ADR 0410):
    written once (a minute or two), then found in place; before the worker starts, so it uses
    it. A machine without the CJK source font still gets a demo, with a warning."""
    log("preparing the PDF reports' Chinese font (once per machine)")
    done = subprocess.run([sys.executable, "manage.py", "report_fonts"], cwd=ROOT, check=False)
    if done.returncode != 0:
        log("report fonts not prepared; reports embed the full system font (see the message above)")


def available_commands() -> set[str]:
    import django
    from django.core.management import get_commands

    django.setup()
    return set(get_commands())


def ensure_admin() -> None:
    import django

    django.setup()
    from django.contrib.auth.models import User
    from django.db import connection

    from campaigns.demo_staff import demo_staff_named

    user, _created = User.objects.get_or_create(
        username=ADMIN_USER,
        defaults={"is_staff": True, "is_superuser": True, "email": "admin@clearfund.example"},
    )
    user.set_password(ADMIN_PASSWORD)
    user.save()
    demo_staff_named(user)
    connection.close()


def children(var_dir: Path, web_sock, stripe_sock, site: str) -> list:
    """The supervised processes, in start order."""
    from django.conf import settings

    from config.supervision import Child

    python = sys.executable
    stripe = Child(
        name="localstripe",
        argv=[python, "-m", "config.localstripe", "--fd", str(stripe_sock.fileno()),
              "--store", str(var_dir / "localstripe" / "store.pickle"), "--webhook", site + WEBHOOK_PATH],
        env={"CLEARFUND_WEBHOOK_SECRET": settings.STRIPE_WEBHOOK_SECRET},
        sock=stripe_sock, health="/_config/clearfund-instance", log=var_dir / "localstripe.log",
    )  # fmt: skip
    web = Child(
        name="web",
        argv=[python, "-m", "gunicorn", "config.demo:web_application", "--bind", f"fd://{web_sock.fileno()}",
              "--workers", "2", "--threads", "8", "--worker-class", "gthread",
              "--timeout", "60", "--graceful-timeout", "10",
              # gunicorn's control socket defaults to one path per user (~/.gunicorn/gunicorn.ctl),
              # which every demo on the machine would share; the launcher supervises instead.
              "--no-control-socket"],
        sock=web_sock, health=INSTANCE_PATH, log=var_dir / "web.log",
    )  # fmt: skip
    # One worker per queue (ADR 0239): receipts never hold a process the inbox's drains need.
    worker = Child(
        name="worker",
        argv=[python, "-m", "celery", "-A", "config", "worker", "-Q", settings.CELERY_TASK_DEFAULT_QUEUE,
              "-n", "worker@%h", "--concurrency", "2", "--loglevel", "INFO"],
        log=var_dir / "worker.log",
    )  # fmt: skip
    receipts = Child(
        name="receipts",
        argv=[python, "-m", "celery", "-A", "config", "worker", "-Q", settings.RECEIPTS_QUEUE,
              "-n", "receipts@%h", "--concurrency", "1", "--loglevel", "INFO"],
        log=var_dir / "receipts.log",
    )  # fmt: skip
    beat = Child(
        name="beat",
        argv=[python, "-m", "celery", "-A", "config", "beat", "--loglevel", "INFO",
              "--schedule", str(var_dir / "celerybeat-schedule")],
        log=var_dir / "beat.log",
    )  # fmt: skip
    return [stripe, web, worker, receipts, beat]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--host", default=os.environ.get("CLEARFUND_HOST", "127.0.0.1"))
    parser.add_argument("--port", type=int, default=int(os.environ.get("CLEARFUND_PORT", "8000")))
    parser.add_argument("--smoke", action="store_true", help="check the site answers, then stop")
    parser.add_argument(
        "--no-report-fonts",
        action="store_true",
        help="do not prepare the reports' Chinese font subset (PDFs then embed the full system font)",
    )
    args = parser.parse_args(argv)

    from config import embedded
    from config.supervision import GaveUp, Supervisor

    var_dir = embedded.VAR_DIR
    var_dir.mkdir(parents=True, exist_ok=True)
    (var_dir / "localstripe").mkdir(exist_ok=True)
    state = State(var_dir)
    previous = state.lock()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    # People see the demo as they would see the site: its own 404 and 500 pages, not Django's
    # debug pages (DJANGO_DEBUG=true brings those back). ADR 0404.
    os.environ.setdefault("DJANGO_DEBUG", "false")
    for variable, folder in [("DJANGO_MEDIA_ROOT", "media"), ("CLEARFUND_PRIVATE_ROOT", "private"),
                             ("EMAIL_FILE_PATH", "mail"), ("DJANGO_STATIC_ROOT", "static")]:  # fmt: skip
        os.environ.setdefault(variable, str(var_dir / folder))
    # Every browser of a tester comes from 127.0.0.1, so the production limit (10 payment attempts
    # per address per 10 minutes) would stop a tester after a few gifts: the demo allows more (the
    # environment still decides when it sets them). Production keeps its defaults. Issue 12.
    for variable, value in DEMO_RATE_LIMITS.items():
        os.environ.setdefault(variable, value)

    supervisor = Supervisor(cwd=ROOT, log=log)
    owns: list[str] = []
    for signum in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(signum, _stop_requested)
    try:
        log("starting PostgreSQL and Redis (embedded unless DATABASE_URL / REDIS_URL are set)")
        owns = start_data_stores(var_dir, state, previous, supervisor)

        web_sock = launch.listen(args.host, args.port)
        stripe_sock = launch.listen("127.0.0.1", 8420)
        site = f"http://{args.host}:{web_sock.getsockname()[1]}"
        stripe_base = f"http://127.0.0.1:{stripe_sock.getsockname()[1]}"
        # This demo's own localstripe, whatever the environment said.
        os.environ["STRIPE_API_BASE"] = stripe_base
        os.environ["STRIPE_JS_URL"] = f"{stripe_base}/js.stripe.com/v3/"
        os.environ["CLEARFUND_SITE_URL"] = site
        os.environ.setdefault("DJANGO_ALLOWED_HOSTS", f"{args.host},127.0.0.1,localhost")
        state.save(site=site, stripe=stripe_base)
        supervisor.on_change = lambda: state.save(
            children={child.name: child.pid for child in supervisor.children},
            embedded={w.name: w.pid() for w in supervisor.watched},
        )

        stripe, web, worker, receipts, beat = children(var_dir, web_sock, stripe_sock, site)
        supervisor.start(stripe)
        log("applying migrations")
        manage("migrate", "--noinput", "-v", "0")
        ensure_admin()
        supervisor.start(web)
        if not args.no_report_fonts:
            report_fonts()
        for child in (worker, receipts, beat):
            supervisor.start(child)

        commands = available_commands()
        for command in DEMO_COMMANDS:
            if command in commands:
                log(f"loading demo data: {command}")
                manage(command)
        supervisor.check()

        if args.smoke:
            from config.demo_smoke import smoke

            return smoke(site, stripe_base)
        print_welcome(site, stripe_base, var_dir)
        supervisor.run()
        return 0  # not reached: run() ends by an exception
    except Stop as stop:
        log(f"{stop}: stopping")
        return 0
    except GaveUp as gave_up:
        log(f"FAIL: {gave_up}")
        return 1
    except launch.LaunchError as error:
        log(f"FAIL: {error}")
        return 1
    except subprocess.CalledProcessError as error:
        log(f"FAIL: {' '.join(error.cmd[1:])} exited with {error.returncode}")
        return 1
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_IGN)  # a second TERM must not cut the shutdown short
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        supervisor.stop()
        stop_data_stores(var_dir, owns)
        state.remove()
        log("everything this demo started is stopped")


def print_welcome(site: str, stripe_base: str, var_dir: Path) -> None:
    lines = [
        "",
        "Clearfund demo is running.",
        f"  Site:        {site}/            (English: {site}/en/)",
        f"  Admin:       {site}/admin/      login {ADMIN_USER} / {ADMIN_PASSWORD}",
        f"  Staff:       editor, verifier, finance, finance2, fieldofficer, hospital and trainer (partners)"
        f" / {STAFF_PASSWORD}",
        f"  Payments:    localstripe at {stripe_base} (test card 4242 4242 4242 4242)",
        f"  Mail:        {var_dir / 'mail'}/ (receipts and links)",
        f"  Logs:        {var_dir}/*.log (web, worker, receipts, beat, localstripe)",
        "Press Ctrl-C to stop.",
        "",
    ]
    print("\n".join(lines), flush=True)


if __name__ == "__main__":
    sys.exit(main())
