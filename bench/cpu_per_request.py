"""CPU per request, in-process: the bare view, the campaign page (uncached and cached hit), the giving
page and one donation intake request, each through Django's test client with the bench settings.

Prints the median CPU time (``time.process_time``) and wall time of ``--requests`` requests after
5 warm ones. CPU time of this process only: PostgreSQL's and Redis's work is not in it, their
waiting is in the wall time. ``--profile DIR`` writes a cProfile (CPU-time clock) per path instead
(open with ``python -m pstats``). Compare two trees by running this script from each, alternately,
in the same minutes (Money at scale §12 in ``docs/benchmarks.md``).

    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/cf_hb_cpu REDIS_URL=redis://127.0.0.1:6379/7
    python bench/cpu_per_request.py --requests 150
"""

from __future__ import annotations

import argparse
import cProfile
import statistics
import time
import uuid
from pathlib import Path

from common import django_setup, live_campaign


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=150)
    parser.add_argument("--profile", type=Path, default=None, help="write one cProfile per path here")
    parser.add_argument("--only", default="", help="measure only the paths whose label contains this")
    args = parser.parse_args()
    django_setup()
    from django.conf import settings
    from django.test import Client
    from page_throughput import story_page

    story = story_page()[1]
    giving = f"/payments/donate/{live_campaign('bench-page').slug}/"
    intake = f"/payments/donate/{live_campaign('bench-intake').slug}/start/"
    client = Client(enforce_csrf_checks=True)
    token = client.get("/payments/csrf/").json()["token"]

    def gift(n: int):
        body = {"amount": "100", "frequency": "one_off", "email": f"cpu{n}-{uuid.uuid4().hex[:8]}@example.cn",
                "attempt": str(uuid.uuid4()), "website": ""}  # fmt: skip
        response = client.post(intake, body, HTTP_X_CSRFTOKEN=token)
        assert response.status_code == 200, response.content[:200]

    cases = [("bare view", 0, lambda n: client.get("/bench/bare/")),
             ("campaign page, uncached", 0, lambda n: client.get(story)),
             ("campaign page, cached hit", 3, lambda n: client.get(story)),
             ("giving page, uncached", 0, lambda n: client.get(giving)),
             ("donation intake", 0, gift)]  # fmt: skip
    for label, cache_seconds, call in cases:
        if args.only not in label:
            continue
        settings.TOTALS_CACHE_SECONDS = cache_seconds
        for n in range(5):
            call(n)
        if args.profile:
            args.profile.mkdir(parents=True, exist_ok=True)
            profile = cProfile.Profile(time.process_time)
            profile.enable()
            for n in range(args.requests):
                call(n)
            profile.disable()
            out = args.profile / (label.replace(" ", "_").replace(",", "") + ".prof")
            profile.dump_stats(out)
            print(f"{label:28s} profile written to {out}")
            continue
        cpu, wall = [], []
        for n in range(args.requests):
            t0, c0 = time.perf_counter(), time.process_time()
            call(n)
            cpu.append(time.process_time() - c0)
            wall.append(time.perf_counter() - t0)
        print(f"{label:28s} median CPU {statistics.median(cpu) * 1000:7.2f} ms   "
              f"wall {statistics.median(wall) * 1000:7.2f} ms")  # fmt: skip


if __name__ == "__main__":
    main()
