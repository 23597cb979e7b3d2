"""Render time and query count of the public pages (in-process, Django test client, warm caches).

    DJANGO_SETTINGS_MODULE=config.settings.dev python bench/cms_pages.py [requests-per-page]

Needs the demo content (``manage.py demo_campaigns``). Prints one line per URL: median and p95
milliseconds, queries per request and response size.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")

import django

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

URLS = ["/", "/campaigns/", "/campaigns/?kind=medical&q=白内障", "/campaigns/cataract-surgery/",
        "/en/campaigns/cataract-surgery/", "/about/"]  # fmt: skip


def main(n: int) -> None:
    client = Client(HTTP_HOST="127.0.0.1")
    print(f"{'url':45} {'median ms':>9} {'p95 ms':>7} {'queries':>7} {'bytes':>7}")
    for url in URLS:
        client.get(url)
        timings = []
        for _ in range(n):
            start = time.perf_counter()
            response = client.get(url)
            timings.append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200, (url, response.status_code)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        p95 = statistics.quantiles(timings, n=20)[18]
        print(
            f"{url:45} {statistics.median(timings):9.1f} {p95:7.1f} {len(queries):7d} {len(response.content):7d}"
        )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 50)
