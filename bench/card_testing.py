"""Card testing through the card form: a simulated attack against the real intake and webhook.

A card tester drives ``--ips`` addresses (behind one trusted proxy, as in production) through
``--attempts`` card tests spread over ``--seconds``: each address works like one browser, one
test after another, trying cards from a list of ``--cards`` stolen numbers (``--valid`` of them
good) on the card setup secret the donation form handed it. A test "reaches the provider" when
the provider looks at the card (refused or saved); a test against a cancelled setup, or one for
which the intake refused a new setup (429), tests nothing. Meanwhile ``--donors`` real donors on
other addresses give, ``--mistypes`` of them after one refused card.

Everything runs in this process: the donation views and the webhook endpoint through Django's
test client (REMOTE_ADDR = the proxy, X-Forwarded-For = the client), the in-memory provider
stand-in, Celery eager. Time is simulated: actions run in the order of their simulated time, and
the provider's ``setup_intent.setup_failed`` event reaches the webhook ``--latency`` seconds after
the refusal. The limits' windows (an hour, ten minutes) are far longer than the run, so running
faster than the simulated minute changes no decision.

    createdb -h 127.0.0.1 -U postgres cf_cardtesting_bench     # once
    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/cf_cardtesting_bench REDIS_URL=redis://127.0.0.1:6379/2
    python bench/card_testing.py --latency 1
"""

from __future__ import annotations

import argparse
import heapq
import itertools
import logging
import os
import random
import uuid
from collections import Counter
from dataclasses import dataclass, field

from common import django_setup, live_campaign

PROXY = "10.0.0.1"


@dataclass
class Browser:
    ip: str
    client: object
    setup: str = ""
    reached: int = 0
    refused: int = 0
    limit_hit_at: float | None = None  # when the provider refused its allowance-th card
    reached_after_limit: int = 0
    outcomes: Counter = field(default_factory=Counter)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--attempts", type=int, default=1000)
    parser.add_argument("--cards", type=int, default=200)
    parser.add_argument("--valid", type=float, default=0.1, help="share of the stolen cards that are good")
    parser.add_argument("--ips", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--donors", type=int, default=200)
    parser.add_argument("--mistypes", type=float, default=0.1, help="share of donors refused once first")
    parser.add_argument("--latency", type=float, default=1.0, help="refusal → webhook, simulated seconds")
    parser.add_argument("--seed", type=int, default=10)
    args = parser.parse_args()
    os.environ["CACHE_KEY_PREFIX"] = f"bench-cardtesting-{os.getpid()}"  # a fresh cache namespace
    django_setup()
    logging.getLogger("django.request").setLevel(logging.ERROR)  # 429s are the point, not news

    import time

    from django.conf import settings
    from django.test import Client
    from django.urls import reverse
    from django.utils import translation

    from config.settings import base
    from payments.gateway.card import CardDeclined, TerminalGatewayError, get_gateway
    from payments.gateway.card_fake import sign_payload
    from payments.models import CardSetup, Donation

    # The production limits, behind one proxy (bench/settings.py lifts the rate limits).
    settings.TRUSTED_PROXY_COUNT = 1
    settings.PAYMENTS_RATE_LIMIT_IP = base.PAYMENTS_RATE_LIMIT_IP
    settings.PAYMENTS_RATE_LIMIT_EMAIL = base.PAYMENTS_RATE_LIMIT_EMAIL
    rng = random.Random(args.seed)
    campaign = live_campaign("bench-card-testing")
    CardSetup.objects.all().delete()  # this database's earlier runs
    gateway = get_gateway()
    with translation.override("en"):
        start_url = reverse("payments:donation_start", kwargs={"slug": campaign.slug})
    seq = itertools.count()
    queue: list = []

    def at(t: float, action, *params) -> None:
        heapq.heappush(queue, (t, next(seq), action, params))

    def post(browser: Browser, url: str, data: dict):
        return browser.client.post(
            url, data, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=f"6.6.6.6, {browser.ip}"
        )

    def start(browser: Browser, data: dict) -> str:
        response = post(browser, start_url, data)
        if response.status_code != 200:
            return ""
        return Donation.objects.get(public_id=response.json()["donation"]).provider_setup_intent_id

    def refused_event(t: float, setup_id: str) -> None:
        payload = {"id": f"evt_{uuid.uuid4().hex}", "object": "event", "type": "setup_intent.setup_failed",
                   "created": int(time.time()), "data": {"object": {"id": setup_id, "object": "setup_intent",
                   "last_setup_error": {"code": "card_declined", "message": "Your card was declined."}}}}  # fmt: skip
        at(t + args.latency, deliver, payload)

    webhooks = Client()

    def deliver(t: float, payload: dict) -> None:
        body, header = sign_payload(payload, secret=settings.STRIPE_WEBHOOK_SECRET)
        code = webhooks.post("/payments/webhooks/stripe/", data=body, content_type="application/json",
                             HTTP_STRIPE_SIGNATURE=header).status_code  # fmt: skip
        assert code == 200, code

    def form(email: str) -> dict:
        return {
            "amount": "100",
            "frequency": "one_off",
            "email": email,
            "attempt": str(uuid.uuid4()),
            "website": "",
        }

    # --- the card tester ------------------------------------------------------------------
    cards = [
        f"pm_card_visa_stolen{n}" if n < args.cards * args.valid else f"pm_card_declined_stolen{n}"
        for n in range(args.cards)
    ]
    testers = [Browser(f"203.0.113.{i + 1}", Client()) for i in range(args.ips)]

    def card_test(t: float, browser: Browser, card: str) -> None:
        for _ in range(2):  # at most: the setup it holds, then one new one
            if not browser.setup:
                browser.setup = start(browser, form(f"t{uuid.uuid4().hex[:10]}@example.com"))
                if not browser.setup:
                    browser.outcomes["refused at the intake (429)"] += 1
                    return
            try:
                gateway.setup_intent_confirm(browser.setup, card)
            except TerminalGatewayError as exc:
                if isinstance(exc, CardDeclined):
                    count_reached(browser)
                    browser.refused += 1
                    if browser.refused == allowance:
                        browser.limit_hit_at = t
                    browser.outcomes["reached the provider: refused"] += 1
                    refused_event(t, browser.setup)
                    return
                browser.setup = ""  # cancelled: get another
                continue
            count_reached(browser)
            browser.outcomes["reached the provider: card saved (good card found)"] += 1
            browser.setup = ""
            return
        browser.outcomes["setup cancelled, no new one"] += 1

    def count_reached(browser: Browser) -> None:
        browser.reached += 1
        if browser.limit_hit_at is not None:
            browser.reached_after_limit += 1

    per_ip = args.attempts // args.ips
    allowance = int(settings.PAYMENTS_CARD_FAILURES_PER_CLIENT.split("/")[0])
    for browser in testers:
        for k in range(per_ip):
            at((k + rng.random()) * args.seconds / per_ip, card_test, browser, rng.choice(cards))

    # --- real donors ----------------------------------------------------------------------
    donors = [Browser(f"198.18.{i // 250}.{i % 250 + 1}", Client()) for i in range(args.donors)]
    results: Counter = Counter()

    def donor_give(t: float, browser: Browser, data: dict, mistype: bool) -> None:
        setup = start(browser, data)
        if not setup:
            results["refused at the intake"] += 1
            return
        if mistype:
            try:
                gateway.setup_intent_confirm(setup, "pm_card_declined_typo")
            except CardDeclined:
                refused_event(t, setup)
            at(t + 5, donor_give, browser, data, False)  # tries another card 5 s later
            return
        gateway.setup_intent_confirm(setup, "pm_card_visa")
        public_id = Donation.objects.get(provider_setup_intent_id=setup).public_id
        charged = post(browser, reverse("payments:donation_charge", kwargs={"public_id": public_id}), {})
        results["succeeded" if charged.status_code == 200 and charged.json()["status"] == "succeeded"
                else f"failed: {charged.status_code}"] += 1  # fmt: skip

    for n, browser in enumerate(donors):
        data = form(f"donor{n}-{uuid.uuid4().hex[:6]}@example.cn")
        at(rng.random() * args.seconds, donor_give, browser, data, rng.random() < args.mistypes)

    wall = time.monotonic()
    while queue:
        t, _n, action, params = heapq.heappop(queue)
        action(t, *params)
    wall = time.monotonic() - wall

    # --- results --------------------------------------------------------------------------
    outcomes = sum((b.outcomes for b in testers), Counter())
    reached = sum(b.reached for b in testers)
    beyond = sum(max(0, b.reached - allowance) for b in testers)
    after_first = args.ips * per_ip - args.ips * allowance
    print(f"attack: {args.ips * per_ip} card tests from {args.ips} addresses over {args.seconds:.0f} simulated s, "
          f"{args.cards} cards ({args.valid:.0%} good), webhook latency {args.latency} s")  # fmt: skip
    for name, count in sorted(outcomes.items()):
        print(f"  {name}: {count}")
    print(f"  reached the provider: {reached} ({reached / (args.ips * per_ip):.1%} of all tests)")
    print(
        f"  beyond the first {allowance} per address: {beyond} of {after_first} tests = {beyond / after_first:.2%}"
    )
    after_limit = sum(b.reached_after_limit for b in testers)
    print(f"  after an address's {allowance}th refused card: {after_limit} of {after_first} tests = "
          f"{after_limit / after_first:.2%} (in flight while the event was on its way)")  # fmt: skip
    print(f"  most reaching the provider from one address: {max(b.reached for b in testers)}")
    print(f"donors: {args.donors} ({args.mistypes:.0%} refused once first): {dict(results)}; "
          f"succeeded {results['succeeded'] / args.donors:.1%}")  # fmt: skip
    print(f"wall time {wall:.1f} s, load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
