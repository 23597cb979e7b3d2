from decimal import Decimal

import pytest
from django.db import IntegrityError

from campaigns.money import CurrencyMismatch, InvalidAmount, Money
from tests.factories import CampaignFactory


def test_money_refuses_floats():
    with pytest.raises(InvalidAmount):
        Money(0.1, "CNY")


def test_money_refuses_precision_finer_than_the_minor_unit():
    with pytest.raises(InvalidAmount):
        Money(Decimal("1.005"), "CNY")
    with pytest.raises(InvalidAmount):
        Money(Decimal("1.5"), "JPY")


def test_money_refuses_mixing_currencies():
    with pytest.raises(CurrencyMismatch):
        Money(Decimal("1"), "CNY") + Money(Decimal("1"), "USD")
    with pytest.raises(CurrencyMismatch):
        Money(Decimal("1"), "CNY") < Money(Decimal("1"), "USD")


def test_minor_units_round_trip_exactly():
    assert Money.from_minor(300_000, "CNY") == Money(Decimal("3000.00"), "CNY")
    assert Money(Decimal("0.01"), "CNY").to_minor() == 1
    assert Money.from_minor(500, "JPY").to_minor() == 500
    assert Money.parse(" 1,234.50 ", "CNY").to_minor() == 123_450


def test_parse_rejects_garbage():
    with pytest.raises(InvalidAmount):
        Money.parse("12abc", "CNY")
    with pytest.raises(InvalidAmount):
        Money.parse("NaN", "CNY")


def test_split_units_and_percent():
    count, rest = Money.parse("7500", "CNY").split_units(Money.parse("3000", "CNY"))
    assert count == 2
    assert rest == Money.parse("1500", "CNY")
    assert Money.parse("150", "CNY").percent_of(Money.parse("200", "CNY")) == 75


def test_str_shows_symbol_and_grouping():
    assert str(Money.parse("3000", "CNY")) == "¥3,000"
    assert str(Money.parse("12.5", "USD")) == "$12.50"


@pytest.mark.django_db
def test_database_refuses_a_non_positive_goal():
    with pytest.raises(IntegrityError):
        CampaignFactory(goal_minor=0)


@pytest.mark.django_db
def test_database_refuses_a_negative_unit_cost():
    with pytest.raises(IntegrityError):
        CampaignFactory(unit_cost_minor=-1)
