"""Webhook → ledger throughput on PostgreSQL, beside pgbench TPS measured in the same run.

Two modes (``--mode``):

- ``production`` (default): the shape production runs (ADR 0229). gunicorn as the demo runs it
  (2 gthread workers × 8 threads) takes the deliveries from ``--clients`` concurrent clients (as
  the provider sends them: several connections at once); each ``payment_intent.succeeded`` is
  delivered ``--deliveries`` times (default 2: the second is the duplicate no-op). A real Celery
  worker (``--concurrency 2``, the demo's) drains the inbox in batches and runs every task the
  events queue (receipts, the coalesced unit-funding refresh). Events/s = events from the first
  delivery until the last gift is in the ledger (polled every 50 ms once every delivery was
  answered). pgbench then runs with the same number of clients on the same server (scale =
  clients, at least 5, so its own rows are not a point of contention it would not have).
  The provider stand-in is ``bench.gateway.BenchGateway`` (zero latency; its intents readable from
  the worker process).
- ``inline``: the one-client mode of earlier runs: one client, sequential, each event through the
  whole path in its request (Celery eager), delivered twice; pgbench with 1 client, scale 5.

Both assert at the end that the campaign's escrow equals the sum of the gifts, to the minor unit.

    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/cf_donations_bench REDIS_URL=redis://127.0.0.1:6379/2
    createdb -h 127.0.0.1 -U postgres cf_donations_bench   # once
    python bench/webhook_throughput.py --events 2000 --clients 8
    python bench/webhook_throughput.py --mode inline --events 1000
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from pathlib import Path

from common import ROOT, countdown_tasks_in_a_thread, database_url, django_setup, gunicorn, live_campaign


def pgbench_tps(dburl: str, seconds: int, *, clients: int = 1, scale: int = 5) -> float:
    subprocess.run(["pgbench", "-i", "-q", "-s", str(scale), dburl], check=True, capture_output=True)
    jobs = min(clients, os.cpu_count() or 1)
    out = subprocess.run(["pgbench", "-c", str(clients), "-j", str(jobs), "-T", str(seconds), dburl], check=True,
                         capture_output=True, text=True).stdout  # fmt: skip
    subprocess.run(["pgbench", "-i", "-I", "d", dburl], check=False, capture_output=True)
    return float(re.search(r"tps = ([\d.]+)", out).group(1))


def load() -> str:
    return " / ".join(f"{x:.2f}" for x in os.getloadavg())


def event_body(*, intent_id: str, public_id: str) -> bytes:
    payload = {"id": f"evt_{uuid.uuid4().hex}", "object": "event", "type": "payment_intent.succeeded",
               "created": int(time.time()), "data": {"object": {"id": intent_id, "metadata": {"donation_id": public_id}}}}  # fmt: skip
    return json.dumps(payload).encode()


def check_escrow(campaign, expected: int) -> None:
    from payments.figures.selectors import campaign_totals_uncached
    from payments.ledger.services import balance_of, escrow_account

    held = balance_of(escrow_account(campaign)).to_minor()
    assert held == expected, (held, expected)
    assert campaign_totals_uncached(campaign=campaign).raised.to_minor() == expected


# --- production shape ----------------------------------------------------------------------------
def seed_gifts(campaign, n: int) -> list:
    """``n`` gifts in ``processing``, each from a donor of its own, each charged at the stand-in
    (its intent id carries its amount, ``bench.gateway``)."""
    from bench.gateway import bench_intent_id
    from payments.models import Donation, DonationStatus, DonorProfile

    run = uuid.uuid4().hex[:8]
    donors = DonorProfile.objects.bulk_create(
        [DonorProfile(email=f"wh-{run}-{i}@example.cn") for i in range(n)], batch_size=1000
    )
    gifts = Donation.objects.bulk_create(
        [Donation(campaign=campaign, donor=donors[i], amount_minor=1000 + i, currency="CNY",
                  status=DonationStatus.PROCESSING, idempotency_key=f"bench:{run}:{i}") for i in range(n)],
        batch_size=1000,
    )  # fmt: skip
    return [(g, bench_intent_id(amount_minor=g.amount_minor, gift_pk=g.pk)) for g in gifts]


def celery_worker(
    env: dict[str, str], log_path: Path, *, queue: str = "", concurrency: int = 2
) -> subprocess.Popen:
    """A worker as the demo runs it (``celery -A config worker --concurrency 2``, with ``-Q queue``
    and a node name of its own when the tree routes receipts to a queue of their own, ADR 0239);
    returns once it says it is ready."""
    log = open(log_path, "w")  # noqa: SIM115 (closed with the process)
    argv = [sys.executable, "-m", "celery", "-A", "config", "worker", "--concurrency", str(concurrency),
            "--loglevel", "INFO"]  # fmt: skip
    if queue:
        argv += ["-Q", queue, "-n", f"bench-{queue}@%h"]
    proc = subprocess.Popen(argv, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    for _ in range(1200):
        if " ready." in log_path.read_text(errors="replace"):
            return proc
        if proc.poll() is not None:
            raise RuntimeError(f"celery worker exited: {log_path.read_text()[-2000:]}")
        time.sleep(0.1)
    raise RuntimeError("celery worker not ready after 120 s")


def celery_workers(env: dict[str, str], log_dir: Path) -> list[subprocess.Popen]:
    """The demo's workers: one (both queues) for a tree without a receipts queue; else the
    default queue's worker (concurrency 2) and the receipts worker (concurrency 1), as
    ``config.demo`` starts them."""
    from django.conf import settings

    receipts = getattr(settings, "RECEIPTS_QUEUE", "")
    if not receipts:
        return [celery_worker(env, log_dir / "worker.log")]
    return [
        celery_worker(env, log_dir / "worker.log", queue=settings.CELERY_TASK_DEFAULT_QUEUE),
        celery_worker(env, log_dir / "receipts.log", queue=receipts, concurrency=1),
    ]


def deliver_all(port: int, bodies: list[bytes], *, clients: int, deliveries: int, secret: str) -> Counter:
    """``clients`` threads, each with a keep-alive connection, take the next event and post it
    ``deliveries`` times in a row (signed as it is sent). Returns the status counts."""
    from payments.gateway.card_fake import sign_payload

    statuses: Counter = Counter()
    lock = threading.Lock()
    todo = iter(bodies)

    def client() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        while True:
            with lock:
                raw = next(todo, None)
            if raw is None:
                break
            body, header = sign_payload(raw, secret=secret)
            for _ in range(deliveries):
                conn.request("POST", "/payments/webhooks/stripe/", body=body,
                             headers={"Content-Type": "application/json", "Stripe-Signature": header})  # fmt: skip
                response = conn.getresponse()
                response.read()
                with lock:
                    statuses[response.status] += 1
        conn.close()

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return statuses


def production(args: argparse.Namespace) -> None:
    from django.conf import settings
    from django.core.cache import cache
    from django.utils import timezone

    from config.celery import app
    from payments.models import Donation, WebhookEvent, WebhookStatus
    from payments.outbox.models import SentMessage

    try:
        from payments.webhooks.drain import DRAIN_MARK
    except ImportError:  # a tree from before ADR 0229 (one processing task per event): no mark to clear
        DRAIN_MARK = "webhook-drain-due"

    campaign = live_campaign(f"bench-webhooks-{uuid.uuid4().hex[:8]}")
    gifts = seed_gifts(campaign, args.events)
    bodies = [event_body(intent_id=intent, public_id=str(g.public_id)) for g, intent in gifts]
    expected = sum(g.amount_minor for g, _ in gifts)
    gift_ids = [g.pk for g, _ in gifts]

    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bench.settings", "CELERY_TASK_ALWAYS_EAGER": "false",
           "PAYMENTS_GATEWAY": "bench.gateway.BenchGateway"}  # fmt: skip
    app.control.purge()  # nothing left on this broker from an earlier run
    cache.delete(DRAIN_MARK)
    log_dir = Path(tempfile.mkdtemp(prefix="bench-webhook-"))
    log_path = log_dir / "worker.log"
    print(f"load average at start: {load()}")
    started_at = timezone.now()
    workers = celery_workers(env, log_dir)
    try:
        web_env = {k: env[k] for k in ("CELERY_TASK_ALWAYS_EAGER", "PAYMENTS_GATEWAY")}
        with gunicorn(workers=2, threads=8, env=web_env) as port:
            time.sleep(2)  # the worker's sweeps on connect have run
            start = time.perf_counter()
            statuses = deliver_all(port, bodies, clients=args.clients, deliveries=args.deliveries,
                                   secret=settings.STRIPE_WEBHOOK_SECRET)  # fmt: skip
            delivered = time.perf_counter() - start
            captured = Donation.objects.filter(pk__in=gift_ids, captured_at__isnull=False)
            while captured.count() < args.events:
                if time.perf_counter() - start > args.timeout:
                    raise RuntimeError(f"only {captured.count()} of {args.events} gifts in the ledger")
                time.sleep(0.05)
            elapsed = time.perf_counter() - start
        receipts = SentMessage.objects.filter(
            kind="receipt", subject_key__in=[f"donation:{pk}" for pk in gift_ids]
        )
        while receipts.count() < args.events and time.perf_counter() - start < args.timeout:
            time.sleep(0.2)
        receipts_done = time.perf_counter() - start
        receipts_sent = receipts.count()
    finally:
        for worker in workers:
            worker.terminate()
        for worker in workers:
            try:
                worker.wait(timeout=60)
            except subprocess.TimeoutExpired:
                worker.kill()
    load_end = load()

    check_escrow(campaign, expected)
    events = WebhookEvent.objects.filter(received_at__gte=started_at)
    states = Counter(events.values_list("status", "attempts"))
    assert states == Counter({(WebhookStatus.PROCESSED, 1): args.events}), states
    drains = sum(1 for line in log_path.read_text(errors="replace").splitlines()
                 if "payments.tasks.webhook_drain[" in line and line.rstrip().endswith("received"))  # fmt: skip
    logs = "\n".join(p.read_text(errors="replace") for p in log_dir.glob("*.log"))
    receipt_tasks = sum(1 for line in logs.splitlines()
                        if re.search(r"payments\.tasks\.send_receipts?\[", line) and line.rstrip().endswith("received"))  # fmt: skip
    tps = pgbench_tps(database_url(), args.pgbench_seconds, clients=args.clients, scale=max(5, args.clients))
    events_per_s = args.events / elapsed
    print(f"deliveries: {args.events} events × {args.deliveries} from {args.clients} clients in {delivered:.2f}s "
          f"({args.events * args.deliveries / delivered:.1f} deliveries/s); statuses {dict(statuses)}")  # fmt: skip
    print(f"webhook → ledger: last of {args.events} gifts in the ledger {elapsed:.2f}s after the first delivery: "
          f"{events_per_s:.1f} events/s")  # fmt: skip
    print(f"receipts: {receipts_sent} of {args.events} sent {receipts_done:.2f}s after the first delivery")
    print(f"drain tasks run by the worker: {drains}; receipt tasks: {receipt_tasks}")
    print(
        f"pgbench (TPC-B-like, {args.clients} clients, scale {max(5, args.clients)}, {args.pgbench_seconds}s): {tps:.1f} TPS"
    )
    print(f"ratio events/s ÷ pgbench TPS: {events_per_s / tps:.3f}")
    print(f"ledger check: escrow = {expected} minor units = Σ gifts, exact; every event processed once")
    print(f"load average at end of the webhook part: {load_end}; after pgbench: {load()}")


# --- one client, processing inside the request -----------------------------------------------------
def inline(args: argparse.Namespace) -> None:
    from django.conf import settings
    from django.test import Client

    from payments.gateway.card import get_gateway
    from payments.gateway.card_fake import sign_payload
    from payments.models import Donation, DonationStatus, DonorProfile

    campaign = live_campaign(f"bench-webhooks-{uuid.uuid4().hex[:8]}")
    gateway = get_gateway()
    donor, _ = DonorProfile.objects.get_or_create(email="bench@example.cn")
    payloads = []
    for i in range(args.events):
        d = Donation.objects.create(campaign=campaign, donor=donor, amount_minor=1000 + i, currency="CNY",
                                    status=DonationStatus.PROCESSING, idempotency_key=f"bench:{uuid.uuid4()}")  # fmt: skip
        result = gateway.payment_charge_saved(amount=d.amount, customer_id="cus_bench", payment_method_id="pm_card_visa",
                                              key=f"charge:{d.pk}:1", metadata={"donation_id": str(d.public_id)})  # fmt: skip
        payloads.append(event_body(intent_id=result.id, public_id=str(d.public_id)))

    client = Client()
    profiler = None
    if os.environ.get("BENCH_PROFILE"):
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
    print(f"load average at start: {load()}")
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
    check_escrow(campaign, expected)
    events_per_s = args.events / elapsed
    tps = pgbench_tps(database_url(), args.pgbench_seconds)
    print(f"webhook events processed: {args.events} (each delivered twice) in {elapsed:.2f}s")
    print(f"webhook → ledger: {events_per_s:.1f} events/s ({2 * args.events / elapsed:.1f} deliveries/s)")
    print(f"pgbench (TPC-B-like, 1 client, scale 5, {args.pgbench_seconds}s): {tps:.1f} TPS")
    print(f"ratio events/s ÷ pgbench TPS: {events_per_s / tps:.3f}")
    print(f"ledger check: escrow = {expected} minor units, exact")
    print(f"tasks run after a countdown (coalesced): {len(delayed)}")
    print(f"load average at end: {load()}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--mode", choices=["production", "inline"], default="production")
    parser.add_argument("--events", type=int, default=1000)
    parser.add_argument("--clients", type=int, default=8, help="production mode: concurrent deliverers")
    parser.add_argument("--deliveries", type=int, default=2, help="production mode: times each event is sent")
    parser.add_argument("--timeout", type=float, default=900, help="production mode: give up after (s)")
    parser.add_argument("--pgbench-seconds", type=int, default=15)
    args = parser.parse_args()
    django_setup()
    (production if args.mode == "production" else inline)(args)


if __name__ == "__main__":
    main()
