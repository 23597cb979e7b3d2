"""Money: an exact amount in one currency.

Amounts are ``Decimal`` in Python and whole minor units (``fen``, cents) in the database. Floats
are refused at the door, and two currencies never mix silently. Conversion to minor units happens
in ``to_minor``/``from_minor`` only: model properties use it to read their integer columns and the
payment gateway uses it at the provider edge.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

# ISO 4217 exponents for the currencies the platform accepts. Extend deliberately: the gateway and
# the database both depend on this table.
CURRENCY_EXPONENTS: dict[str, int] = {"CNY": 2, "USD": 2, "EUR": 2, "HKD": 2, "JPY": 0}
CURRENCY_CHOICES = [(code, code) for code in CURRENCY_EXPONENTS]
CURRENCY_SYMBOLS: dict[str, str] = {"CNY": "¥", "USD": "$", "EUR": "€", "HKD": "HK$", "JPY": "¥"}


class CurrencyMismatch(ValueError):
    """Raised when an operation would combine amounts in two currencies."""


class InvalidAmount(ValueError):
    """Raised for floats, non-numbers, and amounts finer than the currency's minor unit."""


def _exponent(currency: str) -> int:
    try:
        return CURRENCY_EXPONENTS[currency]
    except KeyError:
        raise InvalidAmount(f"unsupported currency {currency!r}") from None


@dataclass(frozen=True, slots=True)
class Money:
    amount: Decimal
    currency: str

    def __post_init__(self) -> None:
        if isinstance(self.amount, float):
            raise InvalidAmount("money is never a float; pass a Decimal, int or str")
        try:
            amount = Decimal(self.amount)
        except (InvalidOperation, TypeError):
            raise InvalidAmount(f"not an amount: {self.amount!r}") from None
        if not amount.is_finite():
            raise InvalidAmount(f"not a finite amount: {self.amount!r}")
        quantum = Decimal(1).scaleb(-_exponent(self.currency))
        if amount != amount.quantize(quantum):
            raise InvalidAmount(f"{amount} has more precision than {self.currency} allows")
        object.__setattr__(self, "amount", amount.quantize(quantum))

    # --- construction -----------------------------------------------------------------------
    @classmethod
    def zero(cls, currency: str) -> Money:
        return cls(Decimal(0), currency)

    @classmethod
    def from_minor(cls, minor: int, currency: str) -> Money:
        if not isinstance(minor, int) or isinstance(minor, bool):
            raise InvalidAmount(f"minor units are an int, got {minor!r}")
        return cls(Decimal(minor).scaleb(-_exponent(currency)), currency)

    @classmethod
    def parse(cls, text: str, currency: str) -> Money:
        """Read what a person typed, e.g. ``"3000"``, ``"1,000"``, ``"¥12.50"``, ``"１００元"``.

        The same rules as ``campaigns.amount_input.parse_amount`` (ADR 0005), which it calls:
        raises ``AmountNotUnderstood`` (an ``InvalidAmount``) with a translatable message.
        """
        # Imported here because amount_input builds on this module; there is one parser, not two.
        from campaigns.amount_input import parse_amount

        return parse_amount(text, currency=currency)

    def to_minor(self) -> int:
        return int(self.amount.scaleb(_exponent(self.currency)))

    # --- arithmetic -------------------------------------------------------------------------
    def _same(self, other: object) -> Money:
        if not isinstance(other, Money):
            raise TypeError(f"cannot combine Money with {type(other).__name__}")
        if other.currency != self.currency:
            raise CurrencyMismatch(f"{self.currency} and {other.currency} do not mix")
        return other

    def __add__(self, other: Money) -> Money:
        return Money(self.amount + self._same(other).amount, self.currency)

    def __sub__(self, other: Money) -> Money:
        return Money(self.amount - self._same(other).amount, self.currency)

    def __neg__(self) -> Money:
        return Money(-self.amount, self.currency)

    def __mul__(self, factor: int) -> Money:
        if not isinstance(factor, int) or isinstance(factor, bool):
            raise TypeError("money multiplies by whole numbers only")
        return Money(self.amount * factor, self.currency)

    __rmul__ = __mul__

    def __lt__(self, other: Money) -> bool:
        return self.amount < self._same(other).amount

    def __le__(self, other: Money) -> bool:
        return self.amount <= self._same(other).amount

    def __gt__(self, other: Money) -> bool:
        return self.amount > self._same(other).amount

    def __ge__(self, other: Money) -> bool:
        return self.amount >= self._same(other).amount

    def __bool__(self) -> bool:
        return self.amount != 0

    def split_units(self, unit: Money) -> tuple[int, Money]:
        """How many whole ``unit`` amounts this buys, and the remainder."""
        self._same(unit)
        if unit.amount <= 0:
            raise InvalidAmount("a unit costs more than nothing")
        count = int(self.amount // unit.amount)
        return count, self - unit * count

    def percent_of(self, whole: Money) -> int:
        """Whole percent of ``whole`` (rounded half up, not capped)."""
        self._same(whole)
        if whole.amount <= 0:
            return 0
        return int((self.amount * 100 / whole.amount).quantize(Decimal(1), ROUND_HALF_UP))

    def __str__(self) -> str:
        symbol = CURRENCY_SYMBOLS.get(self.currency, self.currency + " ")
        text = f"{self.amount:,.{_exponent(self.currency)}f}"
        if text.endswith(".00"):
            text = text[:-3]
        return f"-{symbol}{text[1:]}" if text.startswith("-") else f"{symbol}{text}"
