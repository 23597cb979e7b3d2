"""How the API writes money and texts: an amount is a decimal string of the currency's major unit
with every minor digit (``"500.00"`` for ¥500), never a float; the currency is beside it. Texts
people read come in the request's language (ADR 0403): the English twin, else the original."""

from __future__ import annotations

from campaigns.money import CURRENCY_EXPONENTS, Money
from campaigns.reader_language import in_reader_language


def amount_text(money: Money) -> str:
    """``Money("500", "CNY")`` → ``"500.00"``: exact, in the currency's major unit."""
    return f"{money.amount:.{CURRENCY_EXPONENTS[money.currency]}f}"


def reader_text(obj: object, field: str) -> str:
    """``obj.<field>`` in the request's language; the original where the English twin is empty
    (the API gives the text itself, without the pages' "not yet translated" mark)."""
    return in_reader_language(obj, field).text
