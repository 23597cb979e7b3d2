"""Money for report tests, made through the real services (``tests.builders``)."""

from __future__ import annotations

from campaigns.models import Campaign
from tests.builders import gift as _gift
from tests.builders import paid_release, refund

__all__ = ["captured_donation", "gift", "paid_release"]


def gift(campaign: Campaign, minor: int, *, email: str = "donor@example.com"):
    """A gift of ``minor`` received into the campaign's escrow."""
    return _gift(campaign, minor, email=email)


def captured_donation(campaign: Campaign, *, email: str, minor: int, refunded_minor: int = 0):
    """A received gift, ``refunded_minor`` of it refunded."""
    donation = _gift(campaign, minor, email=email)
    if refunded_minor:
        refund(donation, refunded_minor)
    return donation
