"""``python -m config.demo --smoke``: what README command 1 promises, checked against a running demo."""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request

from config import launch
from config.demo import ADMIN_PASSWORD, ADMIN_USER, WEBHOOK_PATH, log


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


def smoke(site: str, stripe_base: str) -> int:
    """Check what README command 1 promises: the three campaigns in both languages, the admin
    login, and the payments wired to this demo's own localstripe: its webhook points here and the
    demo gifts were made there."""
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

    failures += payment_wiring_failures(site, stripe_base)

    for failure in failures:
        log("FAIL: " + failure)
    if failures:
        return 1
    log("smoke check passed")
    return 0


def payment_wiring_failures(site: str, stripe_base: str) -> list[str]:
    from django.conf import settings

    failures = []
    stripe = launch.instance(stripe_base + "/_config/clearfund-instance") or {}
    if stripe.get("webhooks") != {"clearfund": site + WEBHOOK_PATH}:
        failures.append(
            f"localstripe at {stripe_base} sends events to {stripe.get('webhooks')}, not to this demo"
        )
    request = urllib.request.Request(stripe_base + "/v1/payment_intents?limit=100")  # noqa: S310 - loopback
    request.add_header("Authorization", f"Bearer {settings.STRIPE_SECRET_KEY}")
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - loopback
        intents = json.loads(response.read())["data"]
    log(f"localstripe at {stripe_base}: {len(intents)} payments, webhook to {site + WEBHOOK_PATH}")
    if not intents:
        failures.append(f"no demo gift reached this demo's localstripe at {stripe_base}")
    return failures
