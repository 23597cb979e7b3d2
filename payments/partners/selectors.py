"""Reads for a partner's own screens: its cases (outcomes and needs) and what was released and
paid to it. Every read is scoped to one partner; callers pass the partner of the signed-in user
(``campaigns.verification.permissions.partner_of``), never one taken from the request."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from campaigns.models import Milestone, Need, Partner
from campaigns.money import Money
from payments.releases.models import Release, ReleaseStatus


@dataclass(frozen=True)
class PartnerMoney:
    released: Money  # approved for the partner (paid or not yet)
    paid: Money


def partner_cases(*, partner: Partner, limit: int = 200) -> QuerySet[Milestone]:
    """The partner's outcomes (cases), newest due first, with the beneficiary's pseudonym."""
    return (
        Milestone.objects.filter(partner=partner)
        .select_related("beneficiary__campaign")
        .order_by("-due_date", "-id")[:limit]
    )


def partner_needs(*, partner: Partner, limit: int = 200) -> QuerySet[Need]:
    """Needs this partner delivers, vetted ones only."""
    return (
        Need.objects.filter(partner=partner)
        .exclude(status__in=["proposed", "rejected"])
        .select_related("beneficiary")
        .order_by("-posted_at")[:limit]
    )


def partner_releases(*, partner: Partner, limit: int = 200) -> QuerySet[Release]:
    """Releases to this partner, newest first, with the case they paid for."""
    return (
        Release.objects.filter(partner=partner)
        .select_related("milestone__beneficiary")
        .order_by("-requested_at", "-id")[:limit]
    )


def partner_money(*, partner: Partner) -> list[PartnerMoney]:
    """Released (approved or paid) and paid to the partner: one ``PartnerMoney`` per currency it
    was paid in (by currency code), never summed across currencies; zero in the site's default
    currency when nothing was released yet. One query (review finding 17: a partner paid in
    another currency saw ¥0)."""
    from campaigns.models import Campaign

    released: dict[str, int] = {}
    paid: dict[str, int] = {}
    rows = Release.objects.filter(
        partner=partner, status__in=[ReleaseStatus.APPROVED, ReleaseStatus.PAID]
    ).values_list("currency", "status", "amount_minor")
    for currency, status, minor in rows:
        released[currency] = released.get(currency, 0) + minor
        if status == ReleaseStatus.PAID:
            paid[currency] = paid.get(currency, 0) + minor
    if not released:
        released[Campaign._meta.get_field("currency").default] = 0
    return [
        PartnerMoney(
            released=Money.from_minor(minor, currency), paid=Money.from_minor(paid.get(currency, 0), currency)
        )
        for currency, minor in sorted(released.items())
    ]
