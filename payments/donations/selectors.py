"""Reads about gifts: the public wall of support and a donor's own list."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q

from campaigns.models import Campaign
from campaigns.site_time import site_date
from payments.donations.models import Donation, DonationStatus, DonorProfile


@dataclass(frozen=True)
class WallEntry:
    name: str
    message: str
    dedication: str
    day: object  # a site-time date (ADR 0004): the day only, so a time cannot single out a donor


def wall_of_support(*, campaign: Campaign, limit: int = 20) -> list[WallEntry]:
    """Public messages of received gifts, newest first. Amounts are never shown, and an anonymous
    gift shows neither name nor anything from the donor's profile."""
    gifts = (
        Donation.objects.filter(campaign=campaign, captured_at__isnull=False)
        .exclude(status__in=[DonationStatus.REFUNDED])
        .filter(~Q(public_message="") | ~Q(dedication="") | Q(anonymous=False))
        .order_by("-captured_at")
        .only("display_name", "anonymous", "public_message", "dedication", "captured_at")[:limit]
    )
    return [
        WallEntry(
            name=g.wall_name, message=g.public_message, dedication=g.dedication, day=site_date(g.captured_at)
        )
        for g in gifts
    ]


def donor_gifts(*, donor: DonorProfile) -> list[Donation]:
    """A donor's own gifts, newest first, for their private page."""
    return list(
        Donation.objects.filter(donor=donor)
        .exclude(status__in=[DonationStatus.CREATED, DonationStatus.AWAITING_CARD])
        .select_related("campaign", "moved_to")
        .prefetch_related("refunds")
        .order_by("-created_at")
    )
