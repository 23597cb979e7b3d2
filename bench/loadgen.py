"""A small closed-loop HTTP load generator: N threads, keep-alive connections, fixed duration."""

from __future__ import annotations

import http.client
import statistics
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class Result:
    seconds: float
    statuses: Counter = field(default_factory=Counter)
    latencies: list[float] = field(default_factory=list)
    timeouts: int = 0
    errors: int = 0

    def merge(self, other: Result) -> None:
        """Add ``other`` (a later run of the same variant) to this one."""
        self.seconds += other.seconds
        self.statuses.update(other.statuses)
        self.latencies.extend(other.latencies)
        self.timeouts += other.timeouts
        self.errors += other.errors

    @property
    def requests(self) -> int:
        return sum(self.statuses.values())

    @property
    def rps(self) -> float:
        return self.requests / self.seconds

    def summary(self) -> str:
        lat = sorted(self.latencies) or [0.0]
        p50 = statistics.median(lat) * 1000
        p99 = lat[min(len(lat) - 1, int(len(lat) * 0.99))] * 1000
        return (f"{self.rps:8.1f} req/s  n={self.requests}  statuses={dict(self.statuses)}  "
                f"timeouts={self.timeouts} errors={self.errors}  p50={p50:.0f}ms p99={p99:.0f}ms")  # fmt: skip


Request = Callable[[int, int], tuple[str, str, bytes | None, dict[str, str]]]


def run(host: str, port: int, make_request: Request, *, concurrency: int, seconds: float, timeout: float = 10.0,
        setup: Callable[[http.client.HTTPConnection], dict[str, str]] | None = None) -> Result:  # fmt: skip
    """Each thread sends ``make_request(thread, n)`` → (method, path, body, headers) in a loop."""
    result = Result(seconds=seconds)
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def worker(index: int) -> None:
        conn = http.client.HTTPConnection(host, port, timeout=timeout)
        extra = setup(conn) if setup else {}
        n = 0
        while time.monotonic() < deadline:
            method, path, body, headers = make_request(index, n)
            n += 1
            start = time.monotonic()
            try:
                conn.request(method, path, body=body, headers={**extra, **headers})
                response = conn.getresponse()
                response.read()
                status = response.status
            except TimeoutError:
                with lock:
                    result.timeouts += 1
                conn.close()
                conn = http.client.HTTPConnection(host, port, timeout=timeout)
                continue
            except (OSError, http.client.HTTPException):
                with lock:
                    result.errors += 1
                conn.close()
                conn = http.client.HTTPConnection(host, port, timeout=timeout)
                continue
            with lock:
                result.statuses[status] += 1
                result.latencies.append(time.monotonic() - start)
        conn.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(concurrency)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return result
