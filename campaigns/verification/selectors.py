"""Reads for verification: donation gate, overdue evidence, public beneficiaries, needs funnel."""

from __future__ import annotations

from datetime import date, timedelta

from django.conf import settings
from django.db.models import Case, Count, Q, QuerySet, Value, When
from django.utils import timezone

from campaigns.models import (
    NEED_FUNNEL,
    Beneficiary,
    BeneficiaryStatus,
    Campaign,
    Milestone,
    MilestoneStatus,
    Need,
)


def overdue_milestones(*, campaign: Campaign, today: date | None = None) -> QuerySet[Milestone]:
    """Planned milestones whose evidence is more than ``EVIDENCE_OVERDUE_DAYS`` past due."""
    today = today or timezone.localdate()
    cutoff = today - timedelta(days=settings.EVIDENCE_OVERDUE_DAYS)
    return Milestone.objects.filter(
        beneficiary__campaign=campaign, status=MilestoneStatus.PLANNED, due_date__lt=cutoff
    )


def campaign_accepts_donations(*, campaign: Campaign, today: date | None = None) -> bool:
    """Whether a gift may be taken now: the campaign is live (or funded) and has no milestone
    whose evidence is overdue past the grace period. Reporting evidence lifts the stop."""
    if not campaign.accepts_donations:
        return False
    return not overdue_milestones(campaign=campaign, today=today).exists()


def public_beneficiaries(*, campaign: Campaign) -> QuerySet[Beneficiary]:
    """Verified beneficiaries for public pages. Use only public fields: pseudonym, age_band,
    county, ``public_story``, ``public_photo``, funded_at."""
    return (
        Beneficiary.objects.filter(campaign=campaign, status=BeneficiaryStatus.VERIFIED)
        .only(
            "pseudonym",
            "age_band",
            "county",
            "story",
            "story_consent",
            "photo",
            "photo_consent",
            "funded_at",
            "verified_at",
            "campaign",
        )
        .order_by("verified_at", "id")
    )


def campaign_outcome_counts(*, campaign: Campaign) -> dict[str, int]:
    """Verified beneficiaries, how many of them are funded, and verified outcomes: one query."""
    verified = Q(status=BeneficiaryStatus.VERIFIED)
    return Beneficiary.objects.filter(campaign=campaign).aggregate(
        verified=Count("id", filter=verified, distinct=True),
        funded=Count("id", filter=verified & Q(funded_at__isnull=False), distinct=True),
        outcomes_verified=Count(
            "milestones", filter=Q(milestones__status=MilestoneStatus.VERIFIED), distinct=True
        ),
    )


def public_needs(*, limit: int = 200) -> QuerySet[Need]:
    """The needs board: open needs first (posted, then matched, ...), newest first within a stage.
    Templates show only public fields (title, kind, amount, county, the beneficiary's pseudonym)."""
    stage = Case(*(When(status=status, then=Value(i)) for i, status in enumerate(NEED_FUNNEL)))
    return Need.objects.select_related("beneficiary").order_by(stage, "-posted_at")[:limit]


def needs_funnel() -> list[tuple[str, int]]:
    """How many needs reached each stage (a need that is delivered was also matched and funded)."""
    counts = dict(Need.objects.values_list("status").annotate(n=Count("id")))
    reached, result = 0, []
    for stage in reversed(NEED_FUNNEL):
        reached += counts.get(stage, 0)
        result.append((stage, reached))
    return list(reversed(result))


def needs_match_rate(*, by: str) -> list[dict]:
    """Share of posted needs that found a donor, grouped by ``province`` or ``kind``."""
    if by not in ("province", "kind"):
        raise ValueError("group needs by province or kind")
    rows = (
        Need.objects.values(by)
        .annotate(posted=Count("id"), matched=Count("id", filter=~Q(status="posted")))
        .order_by(by)
    )
    return [
        {
            "group": r[by],
            "posted": r["posted"],
            "matched": r["matched"],
            "rate": round(100 * r["matched"] / r["posted"]) if r["posted"] else 0,
        }
        for r in rows
    ]
