"""The data of a donor statement: one donor's gifts for a year or a campaign, their trace, a receipt."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Q
from django.db.models.functions import Coalesce

from campaigns.money import CurrencyMismatch, Money
from campaigns.reader_language import in_reader_language
from campaigns.site_time import site_date, site_year_bounds
from payments.donations.receipts import format_receipt_number
from payments.figures.vocabulary import label as figure_label
from reports.selectors.common import Organisation, ReportDataError, organisation


@dataclass(frozen=True)
class Gift:
    receipt_number: str
    day: date
    campaign: str
    amount: Money
    refunded: Money
    status: str


@dataclass(frozen=True)
class TraceLine:
    """Where a part of a gift is, in the figures of ``docs/glossary.md``: held, approved not yet
    paid or paid to a partner for an outcome, refunded, disputed, lost to disputes."""

    receipt_number: str
    state: str
    amount: Money
    partner: str = ""
    beneficiary: str = ""
    outcome: str = ""
    verified_on: date | None = None


@dataclass(frozen=True)
class GiftMatch:
    """What a matching pool added to one of the gifts, net of what refunds and lost disputes gave
    back (``payments.matching.selectors.gifts_matches``): the matcher's money, not the donor's, so
    it is listed beside the gift and never counted in the receipt's total."""

    receipt_number: str
    matcher: str
    amount: Money


@dataclass(frozen=True)
class DonorStatement:
    donor_id: int
    donor_email: str
    donor_name: str  # as on the receipts: the name the donor gave with their latest gift, else the email
    period: str
    statement_number: str
    organisation: Organisation
    gifts: list[Gift]
    totals: list[Money]  # one per currency
    trace: list[TraceLine] = field(default_factory=list)
    credit_notes: list[CreditNote] = field(default_factory=list)
    matches: list[GiftMatch] = field(default_factory=list)


@dataclass(frozen=True)
class CreditNote:
    """A succeeded refund of one of the gifts: its own number and the receipt it corrects."""

    number: str
    day: date
    receipt_number: str
    amount: Money


def statement_years(*, donor_id: int) -> list[int]:
    """The closed site-time years with a captured gift of the donor, newest first: each has a
    yearly statement (issue 15). The current year is in the statement to date."""
    from campaigns.site_time import site_today
    from payments.donations.selectors import gift_years
    from payments.models import DonorProfile

    donor = DonorProfile.objects.filter(pk=donor_id).first()
    return gift_years(donor=donor, before=site_today().year) if donor is not None else []


def _period_filter(period: str) -> Q:
    if period.isdigit() and len(period) == 4:
        # The site's calendar year (ADR 0004), whatever zone the worker has activated: a gift at
        # 2026-01-01 00:30 Beijing time belongs to 2026.
        start, end = site_year_bounds(int(period))
        return Q(day__gte=start, day__lt=end)
    if period.startswith("campaign-") and period.removeprefix("campaign-").isdigit():
        return Q(campaign_id=int(period.removeprefix("campaign-")))
    if period == "":
        return Q()
    raise ReportDataError(f"unknown statement period {period!r}: use a year or campaign-<id>")


def donor_statement(*, donor_id: int, period: str) -> DonorStatement:
    """A donor's captured gifts in ``period`` ("2026", "campaign-<id>", "" for all).

    Raises ``ReportDataError`` for an unknown donor or period.
    """
    from payments.models import CAPTURED_STATES, Donation, DonorProfile

    donor = DonorProfile.objects.filter(pk=donor_id).first()
    if donor is None:
        raise ReportDataError(f"donor {donor_id} does not exist")
    donations = (
        Donation.objects.filter(donor=donor, status__in=CAPTURED_STATES)
        .annotate(day=Coalesce("captured_at", "created_at"))
        .filter(_period_filter(period))
        .select_related("campaign", "offline")  # offline: the day it was received (gift_day)
        .prefetch_related("refunds")
        .order_by("day", "id")
    )
    gifts = []
    credit_notes: list[CreditNote] = []
    trace: list[TraceLine] = []
    matches: list[GiftMatch] = []
    sums: dict[str, Money] = {}
    name = ""
    for d in donations.iterator(chunk_size=2000):
        name = d.display_name or name
        when = site_date(d.day)
        # The gift's one receipt number (ADR 0412), as the mail and the donor's page show it.
        number = format_receipt_number(year=when.year, donation_id=d.pk)
        lines, lost, matched = _trace_lines(d, number)
        matches.extend(matched)
        credit_notes.extend(
            CreditNote(
                number=r.credit_note_number,
                day=site_date(r.completed_at),
                receipt_number=number,
                amount=r.amount,
            )
            for r in d.credit_notes
        )
        trace.extend(lines)
        gifts.append(
            Gift(
                receipt_number=number,
                day=d.gift_day or when,  # an offline gift: the day it was received
                campaign=str(in_reader_language(d.campaign, "title")),
                amount=d.amount,
                refunded=d.refunded,
                status=d.get_status_display(),
            )
        )
        try:
            # What the donor gave and did not get back: net of refunds and of chargebacks their bank
            # won for them (docs/glossary.md, lost to disputes).
            sums[d.currency] = sums.get(d.currency, Money.zero(d.currency)) + d.amount - d.refunded - lost
        except CurrencyMismatch as exc:  # cannot happen with the dict key, kept as a guard
            raise ReportDataError(str(exc)) from exc
    return DonorStatement(
        donor_id=donor.pk,
        donor_email=donor.email,
        donor_name=name or donor.email,
        period=period,
        statement_number=statement_number(donor_id=donor.pk, period=period),
        organisation=organisation(),
        gifts=gifts,
        totals=[sums[c] for c in sorted(sums)],
        trace=trace,
        credit_notes=credit_notes,
        matches=matches,
    )


def statement_number(*, donor_id: int, period: str) -> str:
    """The statement's number, printed on its cover and in its receipt section, read by people
    only (nothing parses it): CFS-2026-00000013 for a year, CFS-C5-00000013 for campaign 5,
    CFS-00000013 for all years."""
    if period.startswith("campaign-"):
        return f"CFS-C{period.removeprefix('campaign-')}-{donor_id:08d}"
    return "-".join(part for part in ("CFS", period, f"{donor_id:08d}") if part)


def _trace_lines(donation, number: str) -> tuple[list[TraceLine], Money, list[GiftMatch]]:
    """Where this gift's cents are now, from the verification area's allocation trace, how much
    of it was lost to disputes (returned to the card-holder by their bank), and what matching pools
    added to it (the trace's matches: no query of its own)."""
    from payments.trace.selectors import gift_trace

    trace = gift_trace(donation=donation)
    lines = [
        TraceLine(
            receipt_number=number,
            state=part.state_label,  # approved, not yet paid / paid to partners (the ledger's payout)
            amount=part.amount,
            partner=str(part.partner),
            beneficiary=str(part.beneficiary),
            outcome=part.outcome,
            verified_on=site_date(part.verified_at) if part.verified_at else None,
        )
        for part in trace.disbursements
    ]
    b = trace.breakdown
    for name in ("held", "refunded", "disputed", "lost_to_disputes"):
        amount = getattr(b, name)
        if amount:
            lines.append(TraceLine(receipt_number=number, state=figure_label(name), amount=amount))
    matches = [GiftMatch(number, str(m.matcher.public_name), m.amount) for m in trace.matches]
    return lines, b.lost_to_disputes, matches


def donors_with_gifts(*, period: str) -> list[int]:
    """Ids of donors with at least one captured gift in ``period``, for the yearly fan-out."""
    from payments.models import CAPTURED_STATES, Donation

    return list(
        Donation.objects.filter(status__in=CAPTURED_STATES)
        .annotate(day=Coalesce("captured_at", "created_at"))
        .filter(_period_filter(period))
        .order_by("donor_id")
        .values_list("donor_id", flat=True)
        .distinct()
    )


def donor_email(*, subject: str) -> str:
    """The address to send a statement to, from a ``donor:<id>`` subject ("" if none)."""
    from payments.models import DonorProfile

    value = subject.removeprefix("donor:")
    if not value.isdigit():
        return ""
    return DonorProfile.objects.filter(pk=int(value)).values_list("email", flat=True).first() or ""
