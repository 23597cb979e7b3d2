"""Long tables of a campaign report move to a yearly appendix, rendered apart from the report.

Why (docs/adr/0410-reports-fonts-and-table-wrapping.md): WeasyPrint keeps the layout of a whole
document in memory until it is written, so a report with thousands of rows peaked at 634 MB. A
table with more than ``REPORTS_APPENDIX_ROWS`` rows is replaced in the report by a count per year,
and its rows are printed in an appendix per year, cut into parts of at most that many rows. Each
part is its own WeasyPrint document (``rendering.pdf.html_parts_to_pdf`` joins the PDFs), so the
peak memory is that of the largest part, whatever the campaign's size.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from campaigns.money import Money
from reports.selectors.outcomes import BeneficiaryOutcome, Disbursement, MilestoneEvent

UNDATED = "—"  # a row with no date (a release approved before dates were recorded) gets its own group


@dataclass(frozen=True)
class YearCount:
    year: str
    rows: int
    amount: Money | None = None  # disbursements only: what was released that year


@dataclass(frozen=True)
class AppendixPart:
    """One document of the appendix: some rows of one table for one year."""

    section: str  # "disbursements", "milestones" or "beneficiaries"
    year: str
    rows: list[Any]
    part: int  # 1-based, within this section and year
    parts: int


@dataclass(frozen=True)
class Split:
    counts: dict[str, list[YearCount]]  # section → rows per year, for the sections moved out
    parts: list[AppendixPart]


def _year(day: date | None) -> str:
    return str(day.year) if day is not None else UNDATED


SECTIONS: dict[str, Callable[[Any], date | None]] = {
    "disbursements": lambda r: r.day,
    "milestones": lambda m: m.day,
    "beneficiaries": lambda b: b.verified_on,
}


def _by_year(rows: Sequence[Any], day_of: Callable[[Any], date | None]) -> dict[str, list[Any]]:
    groups: dict[str, list[Any]] = defaultdict(list)
    for row in rows:
        groups[_year(day_of(row))].append(row)
    # Years in order; undated rows last.
    return dict(sorted(groups.items(), key=lambda item: (item[0] == UNDATED, item[0])))


def _amount(rows: list[Disbursement]) -> Money | None:
    if not rows or len({r.amount.currency for r in rows}) != 1:
        return None
    total = Money.zero(rows[0].amount.currency)
    for r in rows:
        total = total + r.amount
    return total


def split_long_tables(
    *,
    disbursements: list[Disbursement],
    milestones: list[MilestoneEvent],
    beneficiaries: list[BeneficiaryOutcome],
    max_rows: int,
) -> Split:
    """Move every table longer than ``max_rows`` (≥ 1) to the appendix; shorter ones stay.

    Parts are ordered by year, then by section as the report prints them, and hold at most
    ``max_rows`` rows each. Raises ``ValueError`` when ``max_rows`` is below 1.
    """
    if max_rows < 1:
        raise ValueError("max_rows must be at least 1")
    tables = {"disbursements": disbursements, "milestones": milestones, "beneficiaries": beneficiaries}
    counts: dict[str, list[YearCount]] = {}
    by_year: dict[str, list[AppendixPart]] = defaultdict(list)
    for section, rows in tables.items():
        if len(rows) <= max_rows:
            continue
        groups = _by_year(rows, SECTIONS[section])
        counts[section] = [
            YearCount(year, len(group), _amount(group) if section == "disbursements" else None)
            for year, group in groups.items()
        ]
        for year, group in groups.items():
            chunks = [group[i : i + max_rows] for i in range(0, len(group), max_rows)]
            for number, chunk in enumerate(chunks, start=1):
                by_year[year].append(AppendixPart(section, year, chunk, number, len(chunks)))
    ordered = sorted(by_year.items(), key=lambda item: (item[0] == UNDATED, item[0]))
    return Split(counts=counts, parts=[part for _year_, parts in ordered for part in parts])
