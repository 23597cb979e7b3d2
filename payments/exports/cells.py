"""What goes into one spreadsheet cell: text that cannot be read as a formula (OWASP "CSV
injection"), amounts as decimals of the currency's major unit, moments in the site's time."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from django.utils import timezone

from campaigns.money import Money
from campaigns.site_time import site_zone

# A spreadsheet reads a cell starting with one of these as a formula (tab and carriage return
# because some spreadsheets trim them and read what follows). OWASP, "CSV Injection".
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

Cell = str | int | Decimal | datetime | None


def neutralised(text: str) -> str:
    """``text`` with a leading apostrophe when a spreadsheet could read it as a formula
    (it starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return); otherwise unchanged.
    Only for text: numbers are written as numbers and never pass here."""
    if text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


def text_cell(value: object) -> str:
    """Any value shown as text (names, references, labels), neutralised; ``None`` is empty."""
    return neutralised("" if value is None else str(value))


def amount_cell(minor: int, currency: str) -> Decimal:
    """``minor`` units of ``currency`` as a Decimal of its major unit (yuan for CNY: 123450 →
    Decimal("1234.50")), through ``Money`` (ADR 0001). Never a float. Raises ``InvalidAmount``
    for an unknown currency or a non-int ``minor``."""
    return Money.from_minor(minor, currency).amount


def moment_cell(moment: datetime | None) -> datetime | None:
    """An aware datetime as the naive wall-clock time of the site's zone (ADR 0004), to the
    second; ``None`` stays empty. Spreadsheets have no time zones: the header names the zone."""
    if moment is None:
        return None
    return timezone.localtime(moment, site_zone()).replace(tzinfo=None, microsecond=0)
