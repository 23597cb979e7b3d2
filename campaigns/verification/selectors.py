"""Reads for verification: donation gate, overdue evidence, public beneficiaries, needs funnel."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.conf import settings
from django.db.models import Case, Count, Q, QuerySet, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from campaigns.models import (
    NEED_FUNNEL,
    PAID_NEED_STATUSES,
    PUBLIC_NEED_STATUSES,
    Beneficiary,
    BeneficiaryStatus,
    Campaign,
    Milestone,
    MilestoneStatus,
    Need,
)
from campaigns.models.campaign import GIVING_STATUSES
from campaigns.site_time import site_today


def overdue_milestones(*, campaign: Campaign, today: date | None = None) -> QuerySet[Milestone]:
    """Planned milestones whose evidence is more than ``EVIDENCE_OVERDUE_DAYS`` past due."""
    today = today or site_today()
    cutoff = today - timedelta(days=settings.EVIDENCE_OVERDUE_DAYS)
    return Milestone.objects.filter(
        beneficiary__campaign=campaign, status=MilestoneStatus.PLANNED, due_date__lt=cutoff
    )


def campaign_gift_refusal(*, campaign: Campaign, today: date | None = None) -> str | None:
    """Why ``campaign`` cannot take a gift on ``today`` (a site-time date, now when omitted), in
    words for the donor; ``None`` if it can.

    Checked at the moment of action (the donate form, creating a gift, charging its card, each
    monthly renewal), not left to the periodic deadline job. A gift is refused when the campaign
    is not live or funded; when its deadline has passed, i.e. from the first instant after the
    deadline day in the site's time zone (DESIGN §3a, ADR 0004); or while a milestone's outcome
    evidence is overdue past ``EVIDENCE_OVERDUE_DAYS`` (reporting the evidence lifts the stop).
    """
    today = today or site_today()
    if campaign.status not in GIVING_STATUSES:
        return _("This campaign is not taking gifts.")
    if campaign.is_past_deadline(today):
        return _("Gifts to this campaign closed at the end of its deadline day, %(deadline)s.") % {
            "deadline": campaign.deadline.isoformat()
        }
    if overdue_milestones(campaign=campaign, today=today).exists():
        return _("Gifts are paused until this campaign reports the evidence of its outcomes.")
    return None


def campaign_accepts_donations(*, campaign: Campaign, today: date | None = None) -> bool:
    """Whether a gift may be taken on ``today`` (site time, now when omitted): see
    ``campaign_gift_refusal`` for the rules."""
    return campaign_gift_refusal(campaign=campaign, today=today) is None


def public_beneficiaries(*, campaign: Campaign) -> QuerySet[Beneficiary]:
    """Verified beneficiaries for public pages. Use only public fields: pseudonym, age_band,
    county, ``public_story``, ``public_photo``, funded_at."""
    return (
        Beneficiary.objects.filter(campaign=campaign, status=BeneficiaryStatus.VERIFIED)
        .only(
            "pseudonym",
            "pseudonym_en",
            "age_band",
            "county",
            "county_en",
            "story",
            "story_en",
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
    """The needs board: vetted needs only, open ones first (posted, then matched, ...), newest
    first within a stage. Templates show only public fields (title, description, kind, amount,
    county, the beneficiary's pseudonym, the donor's chosen name); ``Need.is_open`` says whether a
    held need's hold has lapsed (it is then open again)."""
    stage = Case(*(When(status=status, then=Value(i)) for i, status in enumerate(NEED_FUNNEL)))
    return (
        Need.objects.filter(status__in=PUBLIC_NEED_STATUSES)
        .select_related("beneficiary", "partner")
        .order_by(stage, "-posted_at")[:limit]
    )


def _reached_match(now) -> Q:
    """Found a donor who paid: funded or further along. A claim held while its donor pays is not
    a match (it may lapse unpaid), so it counts as posted only (issue 12, ADR 0307)."""
    return Q(status__in=PAID_NEED_STATUSES)


def needs_funnel(*, now: datetime | None = None) -> list[tuple[str, int]]:
    """How many vetted needs reached each stage (a need that is delivered was also matched and
    funded). Matched counts paid claims only: a need held while its donor pays, or whose hold
    lapsed, counts as posted only, so matched equals funded. One query, whatever the number of
    needs."""
    now = now or timezone.now()
    public = Q(status__in=PUBLIC_NEED_STATUSES)
    row = Need.objects.aggregate(
        posted=Count("id", filter=public),
        matched=Count("id", filter=public & _reached_match(now)),
        **{
            stage: Count("id", filter=Q(status__in=NEED_FUNNEL[i:]))
            for i, stage in enumerate(NEED_FUNNEL)
            if i >= 2
        },
    )
    return [(stage, row[stage]) for stage in NEED_FUNNEL]


def needs_match_rate(*, by: str, now: datetime | None = None) -> list[dict]:
    """Share of vetted needs that found a donor who paid (funded or further; a held claim is not a
    match), grouped by ``province`` or ``kind``: one grouped
    query (one row per province or kind, so the cost is bounded by those, not by the needs)."""
    if by not in ("province", "kind"):
        raise ValueError("group needs by province or kind")
    now = now or timezone.now()
    rows = (
        Need.objects.filter(status__in=PUBLIC_NEED_STATUSES)
        .values(by)
        .annotate(posted=Count("id"), matched=Count("id", filter=_reached_match(now)))
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
