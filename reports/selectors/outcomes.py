"""Beneficiaries' outcomes and milestones for reports, read from the verification area's models.

Only pseudonymous, consented facts leave this module: pseudonym, age band, county, the story and
photo the beneficiary consented to, and outcome dates. Never ID numbers, phones or addresses.
Until the verification models exist on this branch the section reports itself unavailable
rather than inventing data.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from campaigns.models import Campaign


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
class Outcomes:
    available: bool
    units_delivered: int | None = None
    beneficiaries: list[BeneficiaryOutcome] = field(default_factory=list)
    milestones: list[MilestoneEvent] = field(default_factory=list)


def existing_file(path: str | Path | None) -> Path | None:
    if not path:
        return None
    candidate = Path(path)
    return candidate if candidate.is_file() else None


def campaign_outcomes(*, campaign: Campaign) -> Outcomes:
    try:
        from campaigns.models import Beneficiary  # noqa: F401 - arrives with the verification area
    except ImportError:
        return Outcomes(available=False)
    return Outcomes(available=False)
