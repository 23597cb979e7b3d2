"""The demo: every service of Clearfund in one command, on embedded defaults.

    python -m config.demo [--host 127.0.0.1] [--port 8000] [--smoke]

Starts (or reuses) embedded PostgreSQL and Redis unless DATABASE_URL / REDIS_URL are set, then
localstripe, gunicorn, a Celery worker with beat; applies migrations, creates an admin account,
loads the demo content (each area's ``demo_*`` command) and prints where to go. ``--smoke`` fetches
the home page and a campaign page, then stops everything: CI uses it to test this command.
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ADMIN_USER = "admin"
ADMIN_PASSWORD = "clearfund-admin"  # noqa: S105 - demo only, printed on start
STAFF_PASSWORD = "clearfund-demo"  # noqa: S105 - demo only, set by demo_campaigns
WEBHOOK_PATH = "/payments/webhooks/stripe/"
# Each area contributes its demo data through an idempotent command, run in this order.
DEMO_COMMANDS = ["demo_campaigns", "demo_donations", "demo_verification", "demo_reports"]


def log(message: str) -> None:
    print(f"[demo] {message}", flush=True)


def port_free(host: str, port: int) -> bool:
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError:
            return False
    return True


def free_port(host: str, preferred: int) -> int:
    for port in range(preferred, preferred + 50):
        if port_free(host, port):
            return port
    raise SystemExit(f"no free port near {preferred}")


def wait_http(url: str, *, seconds: float = 60, process: subprocess.Popen | None = None) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise SystemExit(f"process for {url} exited with {process.returncode}")
        try:
            urllib.request.urlopen(url, timeout=2)  # noqa: S310 - loopback URL we built
            return
        except urllib.error.HTTPError:
            return  # it answered
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"{url} did not answer within {seconds:.0f}s")


class Services:
    def __init__(self) -> None:
        self.processes: list[tuple[str, subprocess.Popen]] = []

    def start(self, name: str, argv: list[str], *, env: dict[str, str] | None = None) -> subprocess.Popen:
        logfile = open(ROOT / "var" / f"{name}.log", "ab")  # noqa: SIM115 - lives as long as the process
        process = subprocess.Popen(
            argv, cwd=ROOT, env=env or os.environ.copy(), stdout=logfile, stderr=logfile
        )
        self.processes.append((name, process))
        log(f"started {name} (pid {process.pid}, log var/{name}.log)")
        return process

    def stop(self) -> None:
        signal.signal(signal.SIGTERM, signal.SIG_IGN)  # a second TERM must not cut the shutdown short
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        for name, process in reversed(self.processes):
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
                try:
                    process.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    process.kill()
                log(f"stopped {name}")


def manage(*args: str) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, check=True)


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

    user, _created = User.objects.get_or_create(
        username=ADMIN_USER,
        defaults={"is_staff": True, "is_superuser": True, "email": "admin@clearfund.example"},
    )
    user.set_password(ADMIN_PASSWORD)
    user.save()
    connection.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--host", default=os.environ.get("CLEARFUND_HOST", "127.0.0.1"))
    parser.add_argument("--port", type=int, default=int(os.environ.get("CLEARFUND_PORT", "8000")))
    parser.add_argument("--smoke", action="store_true", help="check the site answers, then stop")
    args = parser.parse_args(argv)

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    (ROOT / "var").mkdir(exist_ok=True)
    from config import embedded

    log("starting PostgreSQL and Redis (embedded unless DATABASE_URL / REDIS_URL are set)")
    os.environ.update(embedded.environment())

    port = free_port(args.host, args.port)
    site = f"http://{args.host}:{port}"
    stripe_port = free_port("127.0.0.1", 8420)
    stripe_base = f"http://127.0.0.1:{stripe_port}"
    os.environ.setdefault("STRIPE_API_BASE", stripe_base)
    os.environ.setdefault("STRIPE_JS_URL", f"{stripe_base}/js.stripe.com/v3/")
    os.environ.setdefault("CLEARFUND_SITE_URL", site)
    os.environ.setdefault("DJANGO_ALLOWED_HOSTS", f"{args.host},127.0.0.1,localhost")

    services = Services()
    # A TERM (from a process manager or a test) stops the services as cleanly as Ctrl-C does.
    signal.signal(signal.SIGTERM, lambda _signum, _frame: sys.exit(0))
    try:
        stripe_tmp = ROOT / "var" / "localstripe"
        stripe_tmp.mkdir(exist_ok=True)
        stripe = services.start(
            "localstripe",
            [sys.executable, "-m", "config.localstripe", "--port", str(stripe_port),
             "--store", str(stripe_tmp / "store.pickle")],
        )  # fmt: skip
        wait_http(f"{stripe_base}/v1/customers", process=stripe)

        log("applying migrations")
        manage("migrate", "--noinput", "-v", "0")
        ensure_admin()

        web = services.start(
            "web",
            [
                sys.executable, "-m", "gunicorn", "config.wsgi",
                "--bind", f"{args.host}:{port}",
                "--workers", "2", "--threads", "8", "--worker-class", "gthread",
                "--timeout", "60", "--graceful-timeout", "10",
            ],
        )  # fmt: skip
        services.start(
            "worker",
            [
                sys.executable, "-m", "celery", "-A", "config", "worker", "--beat",
                "--schedule", str(ROOT / "var" / "celerybeat-schedule"),
                "--concurrency", "2", "--loglevel", "INFO",
            ],
        )  # fmt: skip
        wait_http(site + "/", process=web, seconds=90)
        register_webhook(stripe_base, site)

        commands = available_commands()
        for command in DEMO_COMMANDS:
            if command in commands:
                log(f"loading demo data: {command}")
                manage(command)

        if args.smoke:
            return smoke(site)

        print_welcome(site, stripe_base)
        while all(process.poll() is None for _name, process in services.processes):
            time.sleep(1)
        for name, process in services.processes:
            if process.poll() is not None:
                log(f"{name} exited with {process.returncode}; see var/{name}.log")
        return 1
    except KeyboardInterrupt:
        return 0
    finally:
        services.stop()


def register_webhook(stripe_base: str, site: str) -> None:
    from django.conf import settings

    data = urllib.parse.urlencode(
        {"url": site + WEBHOOK_PATH, "secret": settings.STRIPE_WEBHOOK_SECRET}
    ).encode()
    request = urllib.request.Request(f"{stripe_base}/_config/webhooks/clearfund", data=data, method="POST")  # noqa: S310
    request.add_header("Authorization", f"Bearer {settings.STRIPE_SECRET_KEY}")
    urllib.request.urlopen(request, timeout=5)  # noqa: S310 - loopback


def fetch(
    opener: urllib.request.OpenerDirector, url: str, data: bytes | None = None, headers: dict | None = None
):
    """(status, body) of a request to the demo; HTTP errors are answers too."""
    request = urllib.request.Request(url, data=data, headers=headers or {})  # noqa: S310 - loopback
    try:
        with opener.open(request, timeout=30) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def smoke(site: str) -> int:
    """Check what README command 1 promises: the three campaigns in both languages, the admin
    login, and the payment webhook wired in."""
    import http.cookiejar
    import re

    import django

    django.setup()
    from cms.models import CampaignPage

    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    failures: list[str] = []
    status, home = fetch(opener, site + "/")
    if status != 200:
        failures.append(f"home page answered {status}")
    pages = list(CampaignPage.objects.live().select_related("locale"))
    if len([p for p in pages if p.locale.language_code == "zh-hans"]) < 3:
        failures.append("fewer than three live campaign pages in Chinese")
    if len([p for p in pages if p.locale.language_code == "en"]) < 3:
        failures.append("fewer than three live campaign pages in English")
    for page in pages:
        status, body = fetch(opener, site + page.url)
        log(f"{page.url}: {status}, {len(body)} bytes")
        if status != 200 or page.title not in body:
            failures.append(f"{page.url} answered {status} without its title")
        if page.locale.language_code == "zh-hans" and page.title not in home:
            failures.append(f"home page does not list {page.title}")

    status, form = fetch(opener, site + "/admin/login/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form)
    if status != 200 or token is None:
        failures.append(f"admin login page answered {status}")
    else:
        data = urllib.parse.urlencode(
            {"csrfmiddlewaretoken": token.group(1), "username": ADMIN_USER, "password": ADMIN_PASSWORD}
        ).encode()
        status, body = fetch(opener, site + "/admin/login/", data, {"Referer": site + "/admin/login/"})
        if status != 200 or "logout" not in body:
            failures.append(f"admin login with {ADMIN_USER} failed ({status})")
        else:
            log(f"admin login as {ADMIN_USER}: ok")

    status, _body = fetch(opener, site + WEBHOOK_PATH, b"{}", {"Stripe-Signature": "t=1,v1=bad"})
    if status != 400:
        failures.append(f"the webhook answered {status} to a bad signature, not 400")

    for failure in failures:
        log("FAIL: " + failure)
    if failures:
        return 1
    log("smoke check passed")
    return 0


def print_welcome(site: str, stripe_base: str) -> None:
    lines = [
        "",
        "Clearfund demo is running.",
        f"  Site:        {site}/            (English: {site}/en/)",
        f"  Admin:       {site}/admin/      login {ADMIN_USER} / {ADMIN_PASSWORD}",
        f"  Staff:       editor, verifier, finance / {STAFF_PASSWORD}",
        f"  Payments:    localstripe at {stripe_base} (test card 4242 4242 4242 4242)",
        "  Mail:        var/mail/ (receipts and links)",
        "  Logs:        var/*.log",
        "Press Ctrl-C to stop.",
        "",
    ]
    print("\n".join(lines), flush=True)


if __name__ == "__main__":
    sys.exit(main())
