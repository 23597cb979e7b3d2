"""Beneficiaries' outcomes, milestones and disbursements for reports, from the verification area.

Only pseudonymous, consented facts leave this module: pseudonym, age band, county, the story and
photo the beneficiary consented to, outcome dates, partner names and public evidence summaries.
Never names, ID numbers, phones or addresses: the registry record is not even loaded.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from django.db.models import OuterRef, Prefetch

from campaigns.models import (
    Beneficiary,
    BeneficiaryStatus,
    Campaign,
    Evidence,
    Milestone,
    MilestoneStatus,
)
from campaigns.money import Money
from campaigns.reader_language import in_reader_language
from campaigns.site_time import site_date
from payments.figures.selectors import release_paid
from payments.figures.vocabulary import label
from payments.models import Release, ReleaseStatus


@dataclass(frozen=True)
class BeneficiaryOutcome:
    pseudonym: str
    age_band: str
    county: str
    outcome: str
    verified_on: date | None
    story: str = ""
    photo_path: Path | None = None  # a local file that exists, checked here so rendering never fails
    photo_missing: bool = False  # consented photo recorded but its file is gone


@dataclass(frozen=True)
class MilestoneEvent:
    day: date
    pseudonym: str
    title: str
    status: str


@dataclass(frozen=True)
class Disbursement:
    day: date | None
    amount: Money
    partner: str
    beneficiary: str
    outcome: str
    status: str
    reference: str
    evidence: str = ""


@dataclass(frozen=True)
class Outcomes:
    units_delivered: int
    beneficiaries: list[BeneficiaryOutcome] = field(default_factory=list)
    milestones: list[MilestoneEvent] = field(default_factory=list)
    disbursements: list[Disbursement] = field(default_factory=list)


def _local(day) -> date | None:
    return site_date(day) if day is not None else None


def _photo(beneficiary: Beneficiary) -> tuple[Path | None, bool]:
    image = beneficiary.public_photo
    if image is None:
        return None, False
    try:
        path = Path(image.file.path)
    except (NotImplementedError, ValueError):  # remote storage or no file: not renderable offline
        return None, True
    return (path, False) if path.is_file() else (None, True)


def _outcome_label(milestone: Milestone) -> str:
    label = str(milestone.get_kind_display())
    title = in_reader_language(milestone, "title")
    return f"{label} · {title}" if title else label


def campaign_outcomes(*, campaign: Campaign) -> Outcomes:
    milestones = list(
        Milestone.objects.filter(beneficiary__campaign=campaign)
        .exclude(status=MilestoneStatus.REJECTED)
        .select_related("beneficiary")
        .only(
            "kind", "title", "title_en", "status", "due_date", "reported_at", "verified_at",
            "beneficiary__pseudonym", "beneficiary__pseudonym_en",
        )
        .order_by("due_date", "id")
    )  # fmt: skip
    verified_by_beneficiary: dict[int, list[Milestone]] = defaultdict(list)
    events = []
    for m in milestones:
        if m.status == MilestoneStatus.VERIFIED:
            verified_by_beneficiary[m.beneficiary_id].append(m)
        day = _local(m.verified_at) or _local(m.reported_at) or m.due_date
        events.append(
            MilestoneEvent(
                day,
                str(in_reader_language(m.beneficiary, "pseudonym")),
                _outcome_label(m),
                m.get_status_display(),
            )
        )
    events.sort(key=lambda e: (e.day, e.pseudonym))

    people = []
    beneficiaries = (
        Beneficiary.objects.filter(campaign=campaign, status=BeneficiaryStatus.VERIFIED)
        .select_related("photo")
        .only(
            "pseudonym", "pseudonym_en", "age_band", "county", "county_en", "story", "story_en",
            "story_consent", "photo", "photo_consent", "verified_at",
        )
        .order_by("verified_at", "id")
    )  # fmt: skip
    for b in beneficiaries.iterator(chunk_size=500):
        done = verified_by_beneficiary.get(b.pk, [])
        photo, missing = _photo(b)
        latest = max((m.verified_at for m in done), default=None)
        people.append(
            BeneficiaryOutcome(
                pseudonym=str(in_reader_language(b, "pseudonym")),
                age_band=b.get_age_band_display() if b.age_band else "",
                county=str(in_reader_language(b, "county")),
                outcome="; ".join(_outcome_label(m) for m in done),
                verified_on=_local(latest or b.verified_at),
                story=str(in_reader_language(b, "public_story")),
                photo_path=photo,
                photo_missing=missing,
            )
        )
    return Outcomes(
        units_delivered=sum(len(v) for v in verified_by_beneficiary.values()),
        beneficiaries=people,
        milestones=events,
        disbursements=_disbursements(campaign),
    )


def _disbursements(campaign: Campaign) -> list[Disbursement]:
    """Approved releases (paid or not yet, by the ledger's payout entry) with the public
    summaries of their evidence."""
    releases = (
        Release.objects.filter(campaign=campaign, status__in=(ReleaseStatus.APPROVED, ReleaseStatus.PAID))
        .select_related("partner", "milestone__beneficiary")
        .prefetch_related(Prefetch("milestone__evidence", queryset=Evidence.objects.order_by("dated", "id")))
        .annotate(paid_out=release_paid(OuterRef("pk")))
        .order_by("approved_at", "id")
    )
    return [
        Disbursement(
            day=_local((r.paid_at if r.paid_out else None) or r.approved_at),
            amount=r.amount,
            partner=str(in_reader_language(r.partner, "name")),
            beneficiary=str(in_reader_language(r.milestone.beneficiary, "pseudonym")),
            outcome=_outcome_label(r.milestone),
            # The glossary's word for where this money is: approved, not yet paid / paid to partners.
            status=label("paid" if r.paid_out else "approved_unpaid"),
            reference=f"R-{r.pk:06d}",
            evidence="; ".join(
                f"{in_reader_language(e, 'summary')} ({e.dated:%Y-%m-%d})" for e in r.milestone.evidence.all()
            ),
        )
        for r in releases.iterator(chunk_size=500)
    ]
