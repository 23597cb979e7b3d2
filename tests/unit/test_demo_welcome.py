"""The demo as a tester meets it (issue 12): every staff login in its welcome, and payment limits a
tester on one machine does not hit after a few gifts (production keeps its own)."""

from pathlib import Path

from config import demo
from config.settings import base


def _per_ten_minutes(rate: str) -> float:
    count, seconds = rate.split("/")
    return int(count) * 600 / int(seconds)


def test_the_welcome_lists_every_staff_login_the_readme_names(capsys):
    demo.print_welcome("http://127.0.0.1:8000", "http://127.0.0.1:8420", Path("/tmp/var"))

    staff = next(line for line in capsys.readouterr().out.splitlines() if "Staff:" in line)
    for login in ("editor", "verifier", "finance", "fieldofficer", "hospital", "trainer"):
        assert login in staff


def test_the_demo_allows_more_payment_attempts_than_production():
    limits = demo.DEMO_RATE_LIMITS

    assert _per_ten_minutes(limits["PAYMENTS_RATE_LIMIT_IP"]) >= 60
    assert _per_ten_minutes(limits["PAYMENTS_RATE_LIMIT_IP"]) > _per_ten_minutes(base.PAYMENTS_RATE_LIMIT_IP)
    assert _per_ten_minutes(limits["PAYMENTS_RATE_LIMIT_EMAIL"]) > _per_ten_minutes(
        base.PAYMENTS_RATE_LIMIT_EMAIL
    )
