"""Reading an amount that a person typed: the one parser behind every form and API (ADR 0005).

Issue 9 §7 "What people type". Donors type in English or Chinese, with a Chinese IME's full-width
characters, currency marks, and thousands separators; a lax parser turned "100,00" into ¥10,000.
The rules here accept what is unambiguous and refuse the rest with a message that says what we read
and why we refused, in the user's language. Units: the result is a ``Money`` in the currency asked
for, exact to its minor unit (fen for CNY); nothing is ever rounded.

Accepted, e.g. for CNY: "100", " 20 ", "12.50", "1,000", "1，000", "１２．５０", "¥100", "￥100",
"RMB 100", "人民币100", "100元", "100 元", "0" (zero parses; the forms and services enforce their own
minimums). Refused: "100,00" and "75,00" (commas separate groups of three), "1.000,00", "1,00,000",
"1e5", "1_000", "-5", "12.505" and "1.000" (more decimals than the currency has), "NaN", "Infinity",
"١٠٠" and other scripts' digits, "10²" and other compatibility digits, "$100" in a CNY form,
input longer than ``MAX_INPUT_LENGTH`` characters or with more than ``MAX_WHOLE_DIGITS`` whole digits.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal

from django import forms
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from campaigns.money import CURRENCY_EXPONENTS, InvalidAmount, Money

MAX_INPUT_LENGTH = 40  # characters as typed; "RMB 1,000,000,000.00" is 20
MAX_WHOLE_DIGITS = 12  # under a trillion in the major unit; far below the BIGINT minor-unit columns

# Marks people put around an amount, per currency. Letter codes match in any case. A mark of
# another currency is refused rather than ignored: "$100" in a CNY form is not ¥100.
PREFIXES: dict[str, tuple[str, ...]] = {
    "CNY": ("¥", "RMB", "CNY", "人民币"),
    "USD": ("US$", "$", "USD"),
    "EUR": ("€", "EUR"),
    "HKD": ("HK$", "$", "HKD"),
    "JPY": ("¥", "JPY"),
}
SUFFIXES: dict[str, tuple[str, ...]] = {
    "CNY": ("元", "RMB", "CNY", "人民币"),
    "USD": ("USD",),
    "EUR": ("€", "EUR"),
    "HKD": ("HKD",),
    "JPY": ("円", "JPY"),
}
_ALL_PREFIXES = sorted({m for marks in PREFIXES.values() for m in marks}, key=len, reverse=True)
_ALL_SUFFIXES = sorted({m for marks in SUFFIXES.values() for m in marks}, key=len, reverse=True)

_ASCII_DIGITS = frozenset("0123456789")
_FULL_WIDTH_DIGITS = frozenset(chr(c) for c in range(0xFF10, 0xFF1A))
_MINUS_SIGNS = frozenset("-\u2212\u2012\u2013\u2014")  # after NFKC: hyphen-minus, minus, dashes
# Whitespace and the invisible characters that copying from a web page or chat app leaves at the ends.
_EDGES = " \t\r\n\u200b\u200c\u200d\u2060\ufeff"
_PLAIN = re.compile(r"(?P<whole>[0-9]+)(?:\.(?P<fraction>[0-9]+))?")
_GROUPED = re.compile(r"(?P<whole>[1-9][0-9]{0,2}(?:,[0-9]{3})+)(?:\.(?P<fraction>[0-9]+))?")
_DECIMAL_COMMA = re.compile(r"[0-9]+,[0-9]{1,2}")  # "100,00", "75,5"
_EUROPEAN = re.compile(r"[0-9]{1,3}(?:\.[0-9]{3})+,[0-9]+")  # "1.000,00"
_EXPONENT = re.compile(r"[0-9.,]+[eE][+-]?[0-9]+")

MESSAGES: dict[str, Promise] = {
    "empty": _("Enter an amount."),
    "too_long": _("That is too long to be an amount."),
    "foreign_digits": _("Please type the amount with the digits 0–9; “%(text)s” uses other digits."),
    "negative": _("An amount cannot be negative (we read “%(text)s”)."),
    "exponent": _("Please type the whole amount in digits, e.g. 100000, not “%(text)s”."),
    "decimal_comma": _(
        "“%(text)s” is ambiguous: a comma only separates groups of three digits, and the decimal "
        "mark is a point. Did you mean %(decimal)s or %(whole)s?"
    ),
    "european": _(
        "In “%(text)s” the point and the comma are the other way round: here the decimal mark is a "
        "point and commas separate thousands. Did you mean %(reading)s?"
    ),
    "grouping": _(
        "In “%(text)s” the commas are not between groups of three digits. Type e.g. 1,000 or 1000."
    ),
    "too_many_decimals": _(
        "“%(text)s” has %(places)s digits after the point; %(currency)s amounts have at most %(exponent)s."
    ),
    "whole_only": _("%(currency)s amounts are whole numbers; “%(text)s” has digits after the point."),
    "wrong_currency": _(
        "“%(text)s” is marked as another currency (%(mark)s); please type it in %(currency)s."
    ),
    "not_understood": _("We could not read “%(text)s” as an amount. Type it like 100 or 12.50."),
}


class AmountNotUnderstood(InvalidAmount):
    """Typed text that is not an amount under the rules above.

    ``code`` names the rule (a key of ``MESSAGES``); ``params`` fill its message, which is
    translated when read (``message``/``str()``), so the same error shows in the reader's language.
    """

    def __init__(self, code: str, **params: str) -> None:
        self.code = code
        self.params = params
        self.template = MESSAGES[code]
        super().__init__(code)

    @property
    def message(self) -> str:
        return str(self.template) % self.params if self.params else str(self.template)

    def __str__(self) -> str:
        return self.message

    def as_validation_error(self) -> forms.ValidationError:
        """The same refusal for a form: lazy message, ``code`` and ``params`` kept."""
        return forms.ValidationError(self.template, code=self.code, params=self.params)


def _refuse_exotic_digits(text: str) -> None:
    """Refuse digits that are neither ASCII nor full-width, before NFKC can hide them.

    NFKC turns superscripts, circled and mathematical digits into ASCII ones ("10²" → "102"), and
    ``Decimal``/``int`` read Arabic-Indic or Devanagari digits; both would silently change an amount.
    """
    for char in text:
        if char in _ASCII_DIGITS or char in _FULL_WIDTH_DIGITS:
            continue
        if unicodedata.decimal(char, None) is not None or unicodedata.digit(char, None) is not None:
            raise AmountNotUnderstood("foreign_digits", text=text.strip())
        if any(c in _ASCII_DIGITS for c in unicodedata.normalize("NFKC", char)):
            raise AmountNotUnderstood("foreign_digits", text=text.strip())


def _marked(text: str, mark: str, *, at_start: bool) -> bool:
    part = text[: len(mark)] if at_start else text[len(text) - len(mark) :]
    return part.upper() == mark.upper() if mark.isascii() else part == mark


def _strip_marks(text: str, *, currency: str) -> str:
    """Remove at most one currency mark before and one after the number; refuse another currency's."""
    shown = text
    for marks, own, at_start in (
        (_ALL_PREFIXES, PREFIXES.get(currency, ()), True),
        (_ALL_SUFFIXES, SUFFIXES.get(currency, ()), False),
    ):
        mark = next((m for m in marks if len(text) > len(m) and _marked(text, m, at_start=at_start)), None)
        if mark is None:
            continue
        if mark not in own:
            raise AmountNotUnderstood("wrong_currency", text=shown, mark=mark, currency=currency)
        text = (text[len(mark) :] if at_start else text[: -len(mark)]).strip()
    return text


def _number(text: str, *, shown: str) -> tuple[str, str]:
    """Split ``text`` into whole digits and fraction digits, or say which rule it breaks."""
    if text[:1] in _MINUS_SIGNS or text[-1:] in _MINUS_SIGNS or (text[:1], text[-1:]) == ("(", ")"):
        raise AmountNotUnderstood("negative", text=shown)
    for pattern in (_PLAIN, _GROUPED):
        match = pattern.fullmatch(text)
        if match:
            return match["whole"].replace(",", ""), match["fraction"] or ""
    if _EXPONENT.fullmatch(text):
        raise AmountNotUnderstood("exponent", text=shown)
    if _DECIMAL_COMMA.fullmatch(text):
        whole, fraction = text.split(",")
        raise AmountNotUnderstood(
            "decimal_comma", text=shown, decimal=f"{whole}.{fraction}", whole=f"{int(whole + fraction):,}"
        )
    if _EUROPEAN.fullmatch(text):
        whole, fraction = text.split(",")
        raise AmountNotUnderstood("european", text=shown, reading=f"{whole.replace('.', ',')}.{fraction}")
    if re.fullmatch(r"[0-9,]+(?:\.[0-9]+)?", text) and "," in text:
        raise AmountNotUnderstood("grouping", text=shown)
    raise AmountNotUnderstood("not_understood", text=shown)


def parse_amount(text: str, *, currency: str) -> Money:
    """The amount ``text`` means, in ``currency`` (an ISO 4217 code of ``CURRENCY_EXPONENTS``).

    Rules (ADR 0005): NFKC first, so full-width digits, "，", "．" and "￥" read as their ASCII
    forms; then at most one mark of ``currency`` before and after; then ASCII digits with an
    optional point and at most the currency's decimals; commas only between groups of three.
    Zero is a valid amount: minimums are the caller's rule. Raises ``AmountNotUnderstood`` (an
    ``InvalidAmount``) with a translatable message saying what was read and why it was refused,
    and ``InvalidAmount`` for an unsupported currency.
    """
    if currency not in CURRENCY_EXPONENTS:
        raise InvalidAmount(f"unsupported currency {currency!r}")
    if not isinstance(text, str):
        raise InvalidAmount(f"an amount to parse is text, got {type(text).__name__}")
    if len(text) > MAX_INPUT_LENGTH:
        raise AmountNotUnderstood("too_long")
    _refuse_exotic_digits(text)
    shown = unicodedata.normalize("NFKC", text).strip(_EDGES)
    if not shown:
        raise AmountNotUnderstood("empty")
    whole, fraction = _number(_strip_marks(shown, currency=currency), shown=shown)
    if len(whole.lstrip("0")) > MAX_WHOLE_DIGITS:
        raise AmountNotUnderstood("too_long")
    exponent = CURRENCY_EXPONENTS[currency]
    if len(fraction) > exponent and exponent == 0:
        raise AmountNotUnderstood("whole_only", text=shown, currency=currency)
    if len(fraction) > exponent:
        raise AmountNotUnderstood(
            "too_many_decimals",
            text=shown,
            places=str(len(fraction)),
            currency=currency,
            exponent=str(exponent),
        )
    return Money(Decimal(f"{whole}.{fraction or '0'}"), currency)


class AmountField(forms.CharField):
    """A text input whose cleaned value is a ``Money`` read by ``parse_amount``.

    ``currency`` is the ISO code the amount is in (a form for one campaign may set
    ``form.fields[name].currency`` in its ``__init__``). Invalid input raises ``ValidationError``
    with the parser's message and code; minimums and maximums stay with the form or service.
    """

    def __init__(self, *, currency: str, **kwargs) -> None:
        kwargs.setdefault("max_length", MAX_INPUT_LENGTH)
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}))
        super().__init__(**kwargs)
        self.currency = currency

    def clean(self, value) -> Money | None:
        text = super().clean(value)
        if text in self.empty_values:
            return None
        try:
            return parse_amount(text, currency=self.currency)
        except AmountNotUnderstood as error:
            raise error.as_validation_error() from None
