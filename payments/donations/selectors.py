"""Reads about gifts: the public wall of support and a donor's own list."""

from __future__ import annotations

from dataclasses import dataclass

from django.apps import apps
from django.db.models import BigIntegerField, F, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import get_language

from campaigns.models import Campaign
from campaigns.site_time import site_date
from payments.donations.models import CAPTURED_STATES, Donation, DonationStatus, DonorProfile


@dataclass(frozen=True)
class WallEntry:
    name: str
    message: str
    dedication: str
    day: object  # a site-time date (ADR 0004): the day only, so a time cannot single out a donor


def wall_of_support(
    *, campaign: Campaign, limit: int = 20, supporter_page_id: int | None = None
) -> list[WallEntry]:
    """Public messages of gifts whose money counts in this campaign, newest first: the same gifts
    the donor count counts (``payments.figures.selectors.donors_count``). A gift refunded in full,
    or taken back by open or lost chargebacks, leaves the wall; a gift moved from a failed campaign
    shows where its money went. Amounts are never shown, and an anonymous gift shows neither name
    nor anything from the donor's profile. With ``supporter_page_id``, only the gifts given through
    that supporter page (``SupporterGift``; its wall, issue 13)."""
    # Disputes build on gifts, so their model is looked up by name (ADR 0206).
    dispute = apps.get_model("payments", "Dispute")
    disputed = dispute.objects.filter(donation=OuterRef("pk"), status__in=dispute.HOLDING_STATUSES)
    here = Q(campaign=campaign) & ~Q(status=DonationStatus.MOVED)
    moved_in = Q(moved_to=campaign, status=DonationStatus.MOVED)
    gifts = (
        Donation.objects.filter(here | moved_in, captured_at__isnull=False, status__in=CAPTURED_STATES)
        .annotate(
            disputed_minor=Coalesce(
                Subquery(disputed.order_by().values("donation").annotate(t=Sum("amount_minor")).values("t")),
                Value(0),
                output_field=BigIntegerField(),
            )
        )
        .filter(amount_minor__gt=F("refunded_minor") + F("disputed_minor"))
        .filter(~Q(public_message="") | ~Q(dedication="") | Q(anonymous=False))
        .filter(Q() if supporter_page_id is None else Q(supporter_gift__page_id=supporter_page_id))
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
        .select_related("campaign", "moved_to", "offline")  # the trace shows how an offline gift came
        .prefetch_related("refunds")
        .order_by("-created_at")
    )


def gift_years(*, donor: DonorProfile, before: int | None = None) -> list[int]:
    """The site-time years (ADR 0004) in which ``donor`` has a captured gift, newest first; with
    ``before``, only years earlier than it (the closed years, for yearly statements; issue 15)."""
    from django.db.models.functions import ExtractYear

    from campaigns.site_time import site_zone

    years = (
        Donation.objects.filter(donor=donor, status__in=CAPTURED_STATES, captured_at__isnull=False)
        .annotate(year=ExtractYear("captured_at", tzinfo=site_zone()))
        .values_list("year", flat=True)
        .distinct()
    )
    return sorted((y for y in years if before is None or y < before), reverse=True)


def campaign_page_url(*, campaign: Campaign, request: HttpRequest | None = None) -> str:
    """The path of the campaign's public page in the active language (else in another language),
    or its donation page while no page is live. The CMS pages are read through the record's
    ``pages`` relation: ``payments`` imports nothing from ``cms`` (README, layers)."""
    pages = campaign.pages.live().public().order_by("pk")
    page = pages.filter(locale__language_code=get_language()).first() or pages.first()
    url = page.get_url(request) if page is not None else None
    return url or reverse("payments:donate_page", kwargs={"slug": campaign.slug})
