"""Reads for the trace: where each gift's cents are, the campaign disbursement feed, and the
platform's transparency figures. Public output names roles, partners and pseudonyms only."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Prefetch, Sum
from django.utils.translation import gettext as _

from campaigns.models import Beneficiary, BeneficiaryStatus, Campaign, Evidence, Milestone, MilestoneStatus
from campaigns.money import Money
from campaigns.roles import FINANCE_OFFICERS, VERIFIERS
from campaigns.verification.selectors import needs_funnel, needs_match_rate
from payments.allocation.models import Allocation
from payments.allocation.services import Breakdown, breakdown_of
from payments.donations.models import Donation
from payments.ledger.models import AccountKind, Posting
from payments.releases.models import Release, ReleaseStatus


@dataclass(frozen=True)
class Disbursement:
    release_id: int
    amount: Money
    partner: str
    beneficiary: str
    outcome: str
    verified_at: datetime | None
    verified_by_role: str
    approved_at: datetime | None
    approved_by_role: str
    paid_at: datetime | None
    status: str
    status_label: str
    evidence: tuple[tuple[str, object], ...] = ()  # (summary, date)


@dataclass(frozen=True)
class GiftTrace:
    donation: Donation
    breakdown: Breakdown
    released: tuple[Disbursement, ...] = field(default_factory=tuple)  # amounts are this gift's share


def _role_of(user, *, expected: str) -> str:
    """The staff role to show publicly (never the person's name)."""
    if user is None:
        return ""
    names = {VERIFIERS: _("Verifier"), FINANCE_OFFICERS: _("Finance officer")}
    groups = {group.name for group in user.groups.all()}  # prefetched by the callers below
    if expected in groups or user.is_superuser:
        return str(names[expected])
    return str(_("Staff"))


def _disbursement(release: Release, amount: Money | None = None) -> Disbursement:
    milestone: Milestone = release.milestone
    evidence = tuple((e.summary, e.dated) for e in milestone.evidence.all())
    outcome = milestone.get_kind_display() + (f" · {milestone.title}" if milestone.title else "")
    return Disbursement(
        release_id=release.pk,
        amount=amount or release.amount,
        partner=release.partner.name,
        beneficiary=milestone.beneficiary.pseudonym,
        outcome=outcome,
        verified_at=milestone.verified_at,
        verified_by_role=_role_of(milestone.verified_by, expected=VERIFIERS),
        approved_at=release.approved_at,
        approved_by_role=_role_of(release.approved_by, expected=FINANCE_OFFICERS),
        paid_at=release.paid_at,
        status=release.status,
        status_label=str(release.get_status_display()),
        evidence=evidence,
    )


_RELEASE_RELATED = (
    "partner",
    "milestone__beneficiary",
    "milestone__verified_by",
    "approved_by",
)
# The public shows the role of who verified and who approved: one query for all their groups.
_RELEASE_GROUPS = ("milestone__verified_by__groups", "approved_by__groups")


def gift_trace(*, donation: Donation) -> GiftTrace:
    """For one gift: cents held, released (to whom, for what, verified when and by which role),
    refunded and disputed. Read straight from the database (no cache), so it is current."""
    allocations = (
        Allocation.objects.filter(donation=donation)
        .select_related(*(f"release__{r}" for r in _RELEASE_RELATED))
        .prefetch_related(
            Prefetch("release__milestone__evidence", queryset=Evidence.objects.order_by("dated")),
            *(f"release__{g}" for g in _RELEASE_GROUPS),
        )
        .order_by("created_at", "id")
    )
    return GiftTrace(
        donation=donation,
        breakdown=breakdown_of(donation),
        released=tuple(_disbursement(a.release, a.amount) for a in allocations),
    )


def disbursement_feed(*, campaign: Campaign, limit: int = 50) -> list[Disbursement]:
    """Approved and paid releases of a campaign, newest first, with evidence summaries."""
    releases = (
        Release.objects.filter(campaign=campaign, status__in=[ReleaseStatus.APPROVED, ReleaseStatus.PAID])
        .select_related(*_RELEASE_RELATED)
        .prefetch_related(
            Prefetch("milestone__evidence", queryset=Evidence.objects.order_by("dated")), *_RELEASE_GROUPS
        )
        .order_by("-approved_at", "-id")[:limit]
    )
    return [_disbursement(r) for r in releases]


def pending_releases(*, campaign: Campaign) -> list[Release]:
    """Releases in their public notice period or paused: anyone may object to these."""
    return list(
        Release.objects.filter(
            campaign=campaign, status__in=[ReleaseStatus.REQUESTED, ReleaseStatus.OBJECTED]
        )
        .select_related("partner", "milestone__beneficiary")
        .order_by("notice_ends_at")
    )


def platform_transparency() -> dict:
    """Totals across campaigns (per currency, from the ledger), outcomes, and the needs funnel."""
    escrow = Posting.objects.filter(account__kind=AccountKind.CAMPAIGN_ESCROW)
    totals: dict[str, dict[str, Money]] = defaultdict(dict)
    for label, prefix, sign in (("raised", "donation.captured", 1), ("released", "release.", -1),
                                ("refunded", "refund.", -1)):  # fmt: skip
        rows = (
            escrow.filter(entry__kind__startswith=prefix).values("currency").annotate(t=Sum("amount_minor"))
        )
        for row in rows:
            totals[row["currency"]][label] = Money.from_minor(sign * int(row["t"]), row["currency"])
    for row in escrow.values("currency").annotate(t=Sum("amount_minor")):
        totals[row["currency"]]["held"] = Money.from_minor(int(row["t"]), row["currency"])
    for currency, values in totals.items():
        for label in ("raised", "held", "released", "refunded"):
            values.setdefault(label, Money.zero(currency))
    return {
        "totals": dict(sorted(totals.items())),
        "beneficiaries_verified": Beneficiary.objects.filter(status=BeneficiaryStatus.VERIFIED).count(),
        "beneficiaries_funded": Beneficiary.objects.filter(funded_at__isnull=False).count(),
        "outcomes_verified": Milestone.objects.filter(status=MilestoneStatus.VERIFIED).count(),
        "releases_paid": Release.objects.filter(status=ReleaseStatus.PAID).count(),
        "needs_funnel": needs_funnel(),
        "match_rate_by_region": needs_match_rate(by="province"),
        "match_rate_by_kind": needs_match_rate(by="kind"),
    }
