"""SQL statements and transactions of the hot paths, counted (deterministic; nothing is timed).

Counts, in-process through Django's test client with the bench settings (in-memory provider
stand-in, Celery eager so a task runs inside the request that enqueues it):

- one ``payment_intent.succeeded`` webhook event (signature check, inbox, processing, receipt,
  unit funding refresh), then the same event delivered again (the duplicate);
- one donation intake request ``POST /payments/donate/<slug>/start/`` from the browser of the
  warm-up, and one from a new browser (no cookies: an anonymous giver's first gift);
- one uncached render (totals cache off; header and fragment caches warm, as between two gifts)
  of the CMS campaign page ``/campaigns/cataract-surgery/`` and of the giving page
  ``/payments/donate/<slug>/``.

A *statement* is one ``cursor.execute`` (savepoints included, listed apart); a *transaction* is
one commit: an outermost ``atomic`` block, or a statement run in autocommit mode.

    createdb -h 127.0.0.1 -U postgres cf_statements_bench          # once
    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/cf_statements_bench REDIS_URL=redis://127.0.0.1:6379/2
    python bench/statements.py            # add --show to print every statement
"""

from __future__ import annotations

import argparse
import json
import time
import uuid
from contextlib import contextmanager
from dataclasses import dataclass, field

from common import django_setup, live_campaign


@dataclass
class Count:
    statements: list[str] = field(default_factory=list)
    commits: int = 0

    @property
    def savepoints(self) -> int:
        return sum(
            1 for s in self.statements if s.lstrip().upper().startswith(("SAVEPOINT", "RELEASE SAVEPOINT"))
        )

    def line(self, label: str) -> str:
        return (
            f"{label:58s} {len(self.statements):4d} statements ({self.savepoints} savepoint), "
            f"{self.commits} transactions"
        )


@contextmanager
def counting():
    """Count the statements and commits of the default connection inside the block."""
    from django.db import connection

    count = Count()

    def wrapper(execute, sql, params, many, context):
        if connection.get_autocommit() and not connection.in_atomic_block:
            count.commits += 1  # a statement in autocommit mode is a transaction of its own
        count.statements.append(sql)
        return execute(sql, params, many, context)

    real_commit = connection.commit

    def commit():
        count.commits += 1
        return real_commit()

    connection.commit = commit
    try:
        with connection.execute_wrapper(wrapper):
            yield count
    finally:
        del connection.commit


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--show", action="store_true", help="print every statement")
    args = parser.parse_args()
    django_setup()

    from django.conf import settings
    from django.core.cache import cache
    from django.core.management import call_command
    from django.test import Client
    from django.test.utils import override_settings

    from cms.models import CampaignPage
    from payments.gateway.card import get_gateway
    from payments.gateway.card_fake import sign_payload
    from payments.models import Donation, DonationStatus, DonorProfile

    if not CampaignPage.objects.live().filter(slug="cataract-surgery").exists():
        call_command("demo_campaigns", verbosity=0)
    page = CampaignPage.objects.live().get(slug="cataract-surgery", locale__language_code="zh-hans")
    campaign = page.campaign
    giving = live_campaign("bench-statements")
    gateway = get_gateway()
    donor, _ = DonorProfile.objects.get_or_create(email="statements-bench@example.cn")
    client = Client(HTTP_HOST="127.0.0.1")
    results: list[tuple[str, Count]] = []

    def webhook_body() -> tuple[bytes, str, Donation]:
        gift = Donation.objects.create(campaign=campaign, donor=donor, amount_minor=5000, currency="CNY",
                                       status=DonationStatus.PROCESSING, idempotency_key=f"stmt:{uuid.uuid4()}")  # fmt: skip
        result = gateway.payment_charge_saved(amount=gift.amount, customer_id="cus_stmt", payment_method_id="pm_card_visa",
                                              key=f"charge:{gift.pk}:1", metadata={"donation_id": str(gift.public_id)})  # fmt: skip
        payload = {"id": f"evt_{uuid.uuid4().hex}", "object": "event", "type": "payment_intent.succeeded",
                   "created": int(time.time()),
                   "data": {"object": {"id": result.id, "metadata": {"donation_id": str(gift.public_id)}}}}  # fmt: skip
        body, header = sign_payload(json.dumps(payload).encode(), secret=settings.STRIPE_WEBHOOK_SECRET)
        return body, header, gift

    def post_event(body: bytes, header: str) -> None:
        response = client.post("/payments/webhooks/stripe/", data=body, content_type="application/json",
                               HTTP_STRIPE_SIGNATURE=header)  # fmt: skip
        assert response.status_code == 200, response.content

    def intake(browser=None) -> None:
        response = (browser or client).post(f"/payments/donate/{giving.slug}/start/",
                               {"amount": "100", "frequency": "one_off", "email": f"s{uuid.uuid4().hex[:8]}@example.cn",
                                "attempt": str(uuid.uuid4()), "website": ""})  # fmt: skip
        assert response.status_code == 200, (response.status_code, response.content[:300])

    def render(url: str) -> None:
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)

    cache.clear()
    # Warm every path once (imports, templates, site settings, header and fragment caches).
    body, header, _ = webhook_body()
    post_event(body, header)
    intake()
    with override_settings(TOTALS_CACHE_SECONDS=0):
        for url in (page.url, f"/payments/donate/{giving.slug}/"):
            render(url)
            render(url)

    body, header, gift = webhook_body()
    with counting() as count:
        post_event(body, header)
    gift.refresh_from_db()
    assert gift.captured_at is not None, "the event did not capture the gift"
    results.append(("webhook payment_intent.succeeded (first delivery)", count))
    with counting() as count:
        post_event(body, header)
    results.append(("webhook, the same event again (duplicate)", count))
    with counting() as count:
        intake()
    results.append(("donation intake POST /payments/donate/<slug>/start/", count))
    # The bench's and most givers' case: a browser with no cookie of ours yet (no session).
    with counting() as count:
        intake(Client(HTTP_HOST="127.0.0.1"))
    results.append(("donation intake, a new browser (no cookies)", count))
    # Pages as an anonymous visitor sees them (no session cookie), caches warmed after the gifts
    # above changed the totals (as between two gifts: header and fragment caches warm).
    client = Client(HTTP_HOST="127.0.0.1")
    with override_settings(TOTALS_CACHE_SECONDS=0):
        for label, url in (("campaign page /campaigns/<slug>/, uncached render", page.url),
                           ("giving page /payments/donate/<slug>/, uncached render", f"/payments/donate/{giving.slug}/")):  # fmt: skip
            render(url)
            render(url)
            with counting() as count:
                render(url)
            results.append((label, count))

    for label, count in results:
        print(count.line(label))
        if args.show:
            for sql in count.statements:
                print("      " + " ".join(sql.split())[:200])


if __name__ == "__main__":
    main()
