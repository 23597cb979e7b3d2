"""Donation intake requests/s with the provider stand-in delayed 300 ms per call.

POST /payments/donate/<slug>/start/ writes the Donation row, then makes two provider calls
(customer, SetupIntent) on the in-memory gateway with ``PAYMENTS_FAKE_LATENCY_SECONDS=0.3``: about
0.6 s of waiting per request. gunicorn runs threaded workers, and ``PAYMENTS_MAX_IN_FLIGHT`` caps
the requests waiting on the provider; past the cap the answer is 503 + Retry-After at once. The
run shows requests/s, the status mix and that no request timed out (client timeout 10 s).
``--clients`` lists the load levels (default 32 and 128, the issue's).

Each worker process has a connection pool of ``--pool`` connections (``DATABASE_POOL_MAX_SIZE``, as in
production; ADR 0228): a thread holds one only while it works with the database, not while it waits
on the provider, so 2 workers × 64 threads need far fewer than 128 connections. ``--pool 0`` runs
the old way (a persistent connection per thread; keep threads × workers under the server's limit).

    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/cf_donations_bench REDIS_URL=redis://127.0.0.1:6379/2
    python bench/intake_throughput.py --seconds 15
"""

from __future__ import annotations

import argparse
import http.client
import json
import uuid
from urllib.parse import urlencode

from common import django_setup, gunicorn, live_campaign
from loadgen import run


def csrf(conn: http.client.HTTPConnection) -> dict[str, str]:
    conn.request("GET", "/payments/csrf/")
    response = conn.getresponse()
    token = json.loads(response.read())["token"]
    return {"Cookie": f"csrftoken={token}", "X-CSRFToken": token,
            "Content-Type": "application/x-www-form-urlencoded"}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=64)
    parser.add_argument("--pool", type=int, default=16, help="connections per worker (0: one per thread)")
    parser.add_argument("--clients", default="32,128")
    args = parser.parse_args()
    django_setup()
    campaign = live_campaign("bench-intake")
    path = f"/payments/donate/{campaign.slug}/start/"

    def request(thread: int, n: int):
        body = urlencode({"amount": "100", "frequency": "one_off", "email": f"t{thread}-{n}@example.cn",
                          "attempt": str(uuid.uuid4()), "website": ""})  # fmt: skip
        return "POST", path, body.encode(), {}

    capacity = args.workers * args.threads
    env = {"PAYMENTS_FAKE_LATENCY_SECONDS": "0.3", "PAYMENTS_MAX_IN_FLIGHT": str(capacity - 4),
           "DATABASE_POOL_MAX_SIZE": str(args.pool)}  # fmt: skip
    print(
        f"gunicorn: {args.workers} workers × {args.threads} threads, pool {args.pool or 'off'}; "
        f"provider cap {capacity - 4}; 300 ms per call"
    )
    with gunicorn(workers=args.workers, threads=args.threads, env=env) as port:
        run("127.0.0.1", port, request, concurrency=8, seconds=3, setup=csrf)  # warm-up
        for clients in [int(c) for c in args.clients.split(",")]:
            result = run("127.0.0.1", port, request, concurrency=clients, seconds=args.seconds, setup=csrf)
            print(f"{clients:3d} clients: {result.summary()}")


if __name__ == "__main__":
    main()
