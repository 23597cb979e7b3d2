"""Webhook → ledger throughput on PostgreSQL, beside pgbench TPS measured in the same run.

Each event goes through the whole path in one request: signature check on the raw body, inbox
insert, processing after commit (Celery eager), re-fetch of the PaymentIntent from the provider
stand-in (in memory, no latency), donation row lock, ledger entry with its postings. Every event is
delivered twice (the second is the duplicate no-op), as providers do. Tasks queued with a countdown
(the coalesced unit-funding refresh, ADR 0223) run in a thread of this process after their
countdown, as a worker would; the timing waits for the last of them.

    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/cf_donations_bench REDIS_URL=redis://127.0.0.1:6379/2
    createdb -h 127.0.0.1 -U postgres cf_donations_bench   # once
    python bench/webhook_throughput.py --events 1000
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import time
import uuid

from common import countdown_tasks_in_a_thread, database_url, django_setup, live_campaign


def pgbench_tps(dburl: str, seconds: int) -> float:
    subprocess.run(["pgbench", "-i", "-q", "-s", "5", dburl], check=True, capture_output=True)
    out = subprocess.run(["pgbench", "-c", "1", "-j", "1", "-T", str(seconds), dburl], check=True,
                         capture_output=True, text=True).stdout  # fmt: skip
    subprocess.run(["pgbench", "-i", "-I", "d", dburl], check=False, capture_output=True)
    return float(re.search(r"tps = ([\d.]+)", out).group(1))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=1000)
    parser.add_argument("--pgbench-seconds", type=int, default=15)
    args = parser.parse_args()
    django_setup()

    from django.conf import settings
    from django.test import Client

    from payments.figures.selectors import campaign_totals_uncached
    from payments.gateway.card import get_gateway
    from payments.gateway.card_fake import sign_payload
    from payments.ledger.services import balance_of, escrow_account
    from payments.models import Donation, DonationStatus, DonorProfile

    campaign = live_campaign(f"bench-webhooks-{uuid.uuid4().hex[:8]}")
    gateway = get_gateway()
    donor, _ = DonorProfile.objects.get_or_create(email="bench@example.cn")
    gifts = []
    for i in range(args.events):
        amount_minor = 1000 + i
        d = Donation.objects.create(campaign=campaign, donor=donor, amount_minor=amount_minor, currency="CNY",
                                    status=DonationStatus.PROCESSING, idempotency_key=f"bench:{uuid.uuid4()}")  # fmt: skip
        result = gateway.payment_charge_saved(amount=d.amount, customer_id="cus_bench", payment_method_id="pm_card_visa",
                                              key=f"charge:{d.pk}:1", metadata={"donation_id": str(d.public_id)})  # fmt: skip
        gifts.append((d, result.id))
    payloads = []
    for d, intent in gifts:
        payload = {"id": f"evt_{uuid.uuid4().hex}", "object": "event", "type": "payment_intent.succeeded",
                   "created": int(time.time()), "data": {"object": {"id": intent, "metadata": {"donation_id": str(d.public_id)}}}}  # fmt: skip
        payloads.append(json.dumps(payload).encode())

    client = Client()
    profiler = None
    if os.environ.get("BENCH_PROFILE"):
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
    start = time.perf_counter()
    with countdown_tasks_in_a_thread() as delayed:
        for raw in payloads:
            # Signed as it is sent (an HMAC, microseconds): on a slow run a signature made at the start
            # would fall outside the provider's five-minute tolerance before its turn.
            body, header = sign_payload(raw, secret=settings.STRIPE_WEBHOOK_SECRET)
            for _ in range(2):
                r = client.post("/payments/webhooks/stripe/", data=body, content_type="application/json",
                                HTTP_STRIPE_SIGNATURE=header)  # fmt: skip
                assert r.status_code == 200, r.content
    elapsed = time.perf_counter() - start
    if profiler is not None:
        profiler.disable()
        profiler.dump_stats(os.environ["BENCH_PROFILE"])

    expected = sum(1000 + i for i in range(args.events))
    assert balance_of(escrow_account(campaign)).to_minor() == expected, (
        balance_of(escrow_account(campaign)),
        expected,
    )
    assert campaign_totals_uncached(campaign=campaign).raised.to_minor() == expected
    events_per_s = args.events / elapsed
    tps = pgbench_tps(database_url(), args.pgbench_seconds)
    print(f"webhook events processed: {args.events} (each delivered twice) in {elapsed:.2f}s")
    print(f"webhook → ledger: {events_per_s:.1f} events/s ({2 * args.events / elapsed:.1f} deliveries/s)")
    print(f"pgbench (TPC-B-like, 1 client, scale 5, {args.pgbench_seconds}s): {tps:.1f} TPS")
    print(f"ratio events/s ÷ pgbench TPS: {events_per_s / tps:.3f}")
    print(f"ledger check: escrow = {expected} minor units, exact")
    print(f"tasks run after a countdown (coalesced): {len(delayed)}")


if __name__ == "__main__":
    main()
