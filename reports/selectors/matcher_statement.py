"""The data of a matcher's statement: its pools (pledged, paid in, not paid in yet, matched,
returned to the matcher, left), the pay-ins finance confirmed, the leftovers returned (ADR 0238)
and the campaigns its matches went to, to date (ADR 0227). Read from the pools' kept ledger
balances, as the matcher's public page."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from campaigns.money import Money
from campaigns.reader_language import in_reader_language
from payments.matching.models import Matcher, PayInStatus, PoolPayIn, PoolReturn, ReturnStatus
from payments.matching.selectors import matcher_summary
from reports.selectors.common import Organisation, ReportDataError, organisation


@dataclass(frozen=True)
class PoolLine:
    title: str
    ratio: str
    starts_at: datetime
    ends_at: datetime
    status: str
    pledged: Money
    paid_in: Money
    unpaid: Money
    matched: Money
    returned: Money
    left: Money


@dataclass(frozen=True)
class PayInLine:
    confirmed_at: datetime | None
    pool: str
    method: str
    reference: str
    amount: Money


@dataclass(frozen=True)
class ReturnLine:
    confirmed_at: datetime | None
    pool: str
    reference: str
    amount: Money


@dataclass(frozen=True)
class CampaignLine:
    campaign: str
    matched: Money
    gifts: int


@dataclass(frozen=True)
class MatcherStatement:
    matcher: str
    statement_number: str
    organisation: Organisation
    pools: list[PoolLine] = field(default_factory=list)
    pay_ins: list[PayInLine] = field(default_factory=list)
    returns: list[ReturnLine] = field(default_factory=list)  # leftovers returned (ADR 0238)
    campaigns: list[CampaignLine] = field(default_factory=list)
    totals: dict[str, dict[str, Money]] = field(default_factory=dict)  # figure -> currency -> amount


def matcher_statement(*, matcher_id: int) -> MatcherStatement:
    """Raises ``ReportDataError`` when the matcher does not exist."""
    matcher = Matcher.objects.filter(pk=matcher_id).first()
    if matcher is None:
        raise ReportDataError(f"no matcher {matcher_id}")
    summary = matcher_summary(matcher=matcher)
    pay_ins = (
        PoolPayIn.objects.filter(pool__matcher=matcher, status=PayInStatus.CONFIRMED)
        .select_related("pool")
        .order_by("decided_at", "pk")
    )
    returns = (
        PoolReturn.objects.filter(pool__matcher=matcher, status=ReturnStatus.CONFIRMED)
        .select_related("pool")
        .order_by("decided_at", "pk")
    )
    return MatcherStatement(
        matcher=matcher.public_name,
        statement_number=f"CF-M-{matcher.pk}",
        organisation=organisation(),
        pools=[
            PoolLine(title=f.pool.public_title, ratio=f.pool.ratio_label, starts_at=f.pool.starts_at,
                     ends_at=f.pool.ends_at, status=str(f.pool.get_status_display()), pledged=f.pledged,
                     paid_in=f.paid_in, unpaid=f.unpaid, matched=f.matched, returned=f.returned, left=f.left)
            for f in summary.pools
        ],
        pay_ins=[
            PayInLine(confirmed_at=p.decided_at, pool=p.pool.public_title, method=str(p.get_method_display()),
                      reference=p.reference, amount=p.amount)
            for p in pay_ins
        ],
        returns=[
            ReturnLine(confirmed_at=r.decided_at, pool=r.pool.public_title, reference=r.reference, amount=r.amount)
            for r in returns
        ],
        campaigns=[
            CampaignLine(campaign=str(in_reader_language(c.campaign, "title")), matched=c.matched, gifts=c.gifts)
            for c in summary.campaigns
        ],
        totals={name: summary.total(name) for name in ("pledged", "paid_in", "unpaid", "matched", "returned", "left")},
    )  # fmt: skip
