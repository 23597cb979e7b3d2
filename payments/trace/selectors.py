"""Reads for the trace: where each gift's cents are, the campaign disbursement feed, and the
platform's transparency figures. Public output names roles, partners and pseudonyms only."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import OuterRef, Prefetch
from django.utils.translation import gettext as _

from campaigns.models import (
    Beneficiary,
    BeneficiaryStatus,
    Campaign,
    Evidence,
    Milestone,
    MilestoneStatus,
    NeedKind,
    NeedStatus,
)
from campaigns.money import Money
from campaigns.reader_language import ReaderText, in_reader_language
from campaigns.registry.provinces import province_in_reader_language
from campaigns.roles import FINANCE_OFFICERS, VERIFIERS
from campaigns.verification.selectors import needs_funnel, needs_match_rate
from payments.allocation.models import Allocation
from payments.allocation.services import Breakdown, breakdown_annotated, breakdown_of, with_breakdown
from payments.donations.models import Donation, DonorProfile
from payments.donations.selectors import donor_gifts
from payments.figures.selectors import CurrencyTotals, platform_totals, release_paid
from payments.figures.vocabulary import RELEASE_STATES
from payments.ledger.models import LedgerEntry
from payments.matching.selectors import GiftMatch, gifts_matches
from payments.releases.models import Release, ReleaseStatus


@dataclass(frozen=True)
class Disbursement:
    release_id: int
    amount: Money
    partner: ReaderText
    beneficiary: ReaderText
    outcome: str
    verified_at: datetime | None
    verified_by_role: str
    approved_at: datetime | None
    approved_by_role: str
    paid_at: datetime | None
    status: str
    # The figure this money is in (docs/glossary.md): "approved_unpaid" until the release's payout
    # entry is in the ledger, then "paid"; ``state_label`` is its word on every page and PDF.
    state: str
    state_label: str
    evidence: tuple[tuple[ReaderText, object], ...] = ()  # (summary, date)
    # The verifier's display name as staff set it in their account (first and last name), or ""
    # when they set none; never a username, an email or anything about the beneficiary.
    verified_by_name: str = ""
    # The need of the needs board whose delivery this release pays for (its page shows every
    # stage: gift → need → release → paid, ADR 0307), or ``None``.
    need_id: int | None = None


@dataclass(frozen=True)
class ReceivedOffline:
    """How and when a gift made outside the payment provider reached us (ADR 0230)."""

    day: date  # the day the village station or the bank received it, not the day it was typed in
    method: str  # the channel's label in the active language ("Cash at a village station")


@dataclass(frozen=True)
class GiftTrace:
    donation: Donation
    breakdown: Breakdown
    disbursements: tuple[Disbursement, ...] = field(default_factory=tuple)  # amounts: this gift's share
    # Matching pools that matched this gift, with what of each match is still in escrow (ADR 0227).
    matches: tuple[GiftMatch, ...] = field(default_factory=tuple)
    # A cash or bank-transfer gift: the trace shows the day it was received and how (issue 13).
    offline: ReceivedOffline | None = None


def _received_offline(donation: Donation) -> ReceivedOffline | None:
    """The offline record of a confirmed offline gift (``OfflineGift.donation``), or ``None`` for a
    gift through the provider. One query unless the caller selected ``offline`` with the gift."""
    try:
        record = donation.offline
    except ObjectDoesNotExist:
        return None
    return ReceivedOffline(day=record.received_on, method=str(record.get_channel_display()))


def _role_of(user, *, expected: str) -> str:
    """The staff role to show publicly (never the person's name)."""
    if user is None:
        return ""
    names = {VERIFIERS: _("Verifier"), FINANCE_OFFICERS: _("Finance officer")}
    groups = {group.name for group in user.groups.all()}  # prefetched by the callers below
    if expected in groups or user.is_superuser:
        return str(names[expected])
    return str(_("Staff"))


def _display_name(user) -> str:
    """The name a staff member shows the public: the first and last name of their account."""
    return user.get_full_name().strip() if user is not None else ""


def _disbursement(release: Release, amount: Money | None = None, *, paid: bool) -> Disbursement:
    milestone: Milestone = release.milestone
    evidence = tuple((in_reader_language(e, "summary"), e.dated) for e in milestone.evidence.all())
    title = in_reader_language(milestone, "title")
    outcome = milestone.get_kind_display() + (f" · {title}" if title else "")
    if milestone.stage_label:  # a stage of a staged grant (ADR 0310)
        outcome += f" · {milestone.stage_label}"
    return Disbursement(
        release_id=release.pk,
        amount=amount or release.amount,
        partner=in_reader_language(release.partner, "name"),
        beneficiary=in_reader_language(milestone.beneficiary, "pseudonym"),
        outcome=outcome,
        verified_at=milestone.verified_at,
        verified_by_role=_role_of(milestone.verified_by, expected=VERIFIERS),
        approved_at=release.approved_at,
        approved_by_role=_role_of(release.approved_by, expected=FINANCE_OFFICERS),
        paid_at=release.paid_at if paid else None,
        status=release.status,
        state="paid" if paid else "approved_unpaid",
        state_label=str(RELEASE_STATES["paid" if paid else "approved_unpaid"]),
        evidence=evidence,
        verified_by_name=_display_name(milestone.verified_by),
        need_id=milestone.need_id,
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
    """For one gift: its cents in the figures of ``docs/glossary.md`` (held, approved not yet
    paid, paid to partners, refunded, disputed, lost to disputes) and each release that took a
    share (to whom, for what, verified when and by which role). Read straight from the database
    (no cache), so it is current."""
    allocations = (
        Allocation.objects.filter(donation=donation)
        .annotate(paid_out=release_paid(OuterRef("release_id")))
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
        disbursements=tuple(_disbursement(a.release, a.amount, paid=a.paid_out) for a in allocations),
        matches=tuple(gifts_matches([donation.pk]).get(donation.pk, ())),
        offline=_received_offline(donation),
    )


def donor_gift_traces(*, donor: DonorProfile) -> list[GiftTrace]:
    """The trace of each of a donor's gifts (``donor_gifts``: newest first, not the ones never
    sent to the provider), as ``gift_trace`` reads it for one gift. A fixed number of queries
    whatever the number of gifts, and none reads the campaigns' other gifts: the cost of a donor's
    page does not grow with the campaigns they gave to."""
    gifts = donor_gifts(donor=donor)
    annotated = {row.pk: row for row in with_breakdown(Donation.objects.filter(pk__in=[g.pk for g in gifts]))}
    allocations = (
        Allocation.objects.filter(donation__in=[g.pk for g in gifts])
        .annotate(paid_out=release_paid(OuterRef("release_id")))
        .select_related(*(f"release__{r}" for r in _RELEASE_RELATED))
        .prefetch_related(
            Prefetch("release__milestone__evidence", queryset=Evidence.objects.order_by("dated")),
            *(f"release__{g}" for g in _RELEASE_GROUPS),
        )
        .order_by("created_at", "id")
    )
    lines: dict[int, list[Disbursement]] = {g.pk: [] for g in gifts}
    for allocation in allocations:
        lines[allocation.donation_id].append(
            _disbursement(allocation.release, allocation.amount, paid=allocation.paid_out)
        )
    matches = gifts_matches([g.pk for g in gifts])
    return [
        GiftTrace(
            donation=gift,
            breakdown=breakdown_annotated(annotated[gift.pk]),
            disbursements=tuple(lines[gift.pk]),
            matches=tuple(matches.get(gift.pk, ())),
            offline=_received_offline(gift),
        )
        for gift in gifts
    ]


def disbursement_feed(*, campaign: Campaign, limit: int = 50) -> list[Disbursement]:
    """Approved releases of a campaign (paid or not yet), newest first, with evidence summaries."""
    releases = (
        Release.objects.filter(campaign=campaign, status__in=[ReleaseStatus.APPROVED, ReleaseStatus.PAID])
        .annotate(paid_out=release_paid(OuterRef("pk")))
        .select_related(*_RELEASE_RELATED)
        .prefetch_related(
            Prefetch("milestone__evidence", queryset=Evidence.objects.order_by("dated")), *_RELEASE_GROUPS
        )
        .order_by("-approved_at", "-id")[:limit]
    )
    return [_disbursement(r, paid=r.paid_out) for r in releases]


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
    """Money figures per currency (``payments.figures.selectors.platform_totals``, the campaign
    page's definitions), outcomes, and the needs funnel (posted → matched → funded → delivered →
    verified) with its match rate overall, by region and by kind: a fixed number of grouped
    queries, whatever the number of needs."""
    totals: dict[str, CurrencyTotals] = {t.currency: t for t in platform_totals()}
    funnel = needs_funnel()  # one query, vetted needs only (campaigns.verification.selectors)
    posted, matched = funnel[0][1], funnel[1][1]
    return {
        "totals": totals,
        "beneficiaries_verified": Beneficiary.objects.filter(status=BeneficiaryStatus.VERIFIED).count(),
        "beneficiaries_funded": Beneficiary.objects.filter(funded_at__isnull=False).count(),
        "outcomes_verified": Milestone.objects.filter(status=MilestoneStatus.VERIFIED).count(),
        # One payout entry per paid release (``release:<id>:paid``), as the "paid" figure counts.
        "releases_paid": LedgerEntry.objects.filter(kind__startswith="payout.").count(),
        # Labels, not codes: people read these (the PDF report shows the same labels).
        "needs_funnel": [(NeedStatus(stage).label, count) for stage, count in funnel],
        "needs_match": {
            "posted": posted,
            "matched": matched,
            "rate": round(100 * matched / posted) if posted else 0,
        },
        "match_rate_by_region": [
            {**row, "group": province_in_reader_language(row["group"])}
            for row in needs_match_rate(by="province")
        ],
        "match_rate_by_kind": [
            {**row, "group": NeedKind(row["group"]).label} for row in needs_match_rate(by="kind")
        ],
    }
