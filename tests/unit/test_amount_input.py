"""What people type as an amount (issue 9 §7, ADR 0005): one parser, exact results, clear refusals."""

import pytest
from django import forms
from django.utils import translation

from campaigns.amount_input import AmountField, AmountNotUnderstood, parse_amount
from campaigns.money import InvalidAmount, Money

ACCEPTED = [
    # (typed, currency, minor units)
    ("100", "CNY", 10_000),
    (" 20 ", "CNY", 2_000),
    ("12.50", "CNY", 1_250),
    ("12.5", "CNY", 1_250),
    ("0.01", "CNY", 1),
    ("1,000", "CNY", 100_000),
    ("1，000", "CNY", 100_000),
    ("1,234,567.89", "CNY", 123_456_789),
    ("１２．５０", "CNY", 1_250),
    ("１，０００", "CNY", 100_000),
    ("¥100", "CNY", 10_000),
    ("￥100", "CNY", 10_000),
    ("¥ 100", "CNY", 10_000),
    ("100元", "CNY", 10_000),
    ("100 元", "CNY", 10_000),
    ("１００　元", "CNY", 10_000),
    ("RMB 100", "CNY", 10_000),
    ("rmb100", "CNY", 10_000),
    ("CNY 100", "CNY", 10_000),
    ("100 RMB", "CNY", 10_000),
    ("人民币100", "CNY", 10_000),
    ("¥1,000.50元", "CNY", 100_050),
    ("\u3000100\u200b", "CNY", 10_000),
    ("007", "CNY", 700),
    ("0", "CNY", 0),
    ("999999999999.99", "CNY", 99_999_999_999_999),
    ("$12.50", "USD", 1_250),
    ("US$12.50", "USD", 1_250),
    ("12.50 USD", "USD", 1_250),
    ("HK$100", "HKD", 10_000),
    ("100 €", "EUR", 10_000),
    ("¥500", "JPY", 500),
    ("500円", "JPY", 500),
]

REFUSED = [
    # (typed, currency, code, message in English)
    ("100,00", "CNY", "decimal_comma",
     "“100,00” is ambiguous: a comma only separates groups of three digits, and the decimal mark is "
     "a point. Did you mean 100.00 or 10,000?"),
    ("75,00", "CNY", "decimal_comma",
     "“75,00” is ambiguous: a comma only separates groups of three digits, and the decimal mark is "
     "a point. Did you mean 75.00 or 7,500?"),
    ("1.000,00", "CNY", "european",
     "In “1.000,00” the point and the comma are the other way round: here the decimal mark is a "
     "point and commas separate thousands. Did you mean 1,000.00?"),
    ("1,00,000", "CNY", "grouping",
     "In “1,00,000” the commas are not between groups of three digits. Type e.g. 1,000 or 1000."),
    ("1,0000", "CNY", "grouping",
     "In “1,0000” the commas are not between groups of three digits. Type e.g. 1,000 or 1000."),
    ("1e5", "CNY", "exponent", "Please type the whole amount in digits, e.g. 100000, not “1e5”."),
    ("1E+5", "CNY", "exponent", "Please type the whole amount in digits, e.g. 100000, not “1E+5”."),
    ("1_000", "CNY", "not_understood", "We could not read “1_000” as an amount. Type it like 100 or 12.50."),
    ("1 000", "CNY", "not_understood", "We could not read “1 000” as an amount. Type it like 100 or 12.50."),
    ("-5", "CNY", "negative", "An amount cannot be negative (we read “-5”)."),
    ("－５", "CNY", "negative", "An amount cannot be negative (we read “-5”)."),
    ("−5", "CNY", "negative", "An amount cannot be negative (we read “−5”)."),
    ("¥-5", "CNY", "negative", "An amount cannot be negative (we read “¥-5”)."),
    ("(5)", "CNY", "negative", "An amount cannot be negative (we read “(5)”)."),
    ("12.505", "CNY", "too_many_decimals",
     "“12.505” has 3 digits after the point; CNY amounts have at most 2."),
    ("1.000", "CNY", "too_many_decimals", "“1.000” has 3 digits after the point; CNY amounts have at most 2."),
    ("100.00", "JPY", "whole_only", "JPY amounts are whole numbers; “100.00” has digits after the point."),
    ("NaN", "CNY", "not_understood", "We could not read “NaN” as an amount. Type it like 100 or 12.50."),
    ("Infinity", "CNY", "not_understood",
     "We could not read “Infinity” as an amount. Type it like 100 or 12.50."),
    ("١٠٠", "CNY", "foreign_digits", "Please type the amount with the digits 0–9; “١٠٠” uses other digits."),
    ("۱۰۰", "CNY", "foreign_digits", "Please type the amount with the digits 0–9; “۱۰۰” uses other digits."),
    ("१००", "CNY", "foreign_digits", "Please type the amount with the digits 0–9; “१००” uses other digits."),
    ("10²", "CNY", "foreign_digits", "Please type the amount with the digits 0–9; “10²” uses other digits."),
    ("①⓪⓪", "CNY", "foreign_digits", "Please type the amount with the digits 0–9; “①⓪⓪” uses other digits."),
    ("$100", "CNY", "wrong_currency", "“$100” is marked as another currency ($); please type it in CNY."),
    ("100 USD", "CNY", "wrong_currency",
     "“100 USD” is marked as another currency (USD); please type it in CNY."),
    ("100元", "USD", "wrong_currency", "“100元” is marked as another currency (元); please type it in USD."),
    ("1" * 41, "CNY", "too_long", "That is too long to be an amount."),
    ("1000000000000", "CNY", "too_long", "That is too long to be an amount."),
    ("", "CNY", "empty", "Enter an amount."),
    ("　", "CNY", "empty", "Enter an amount."),
    ("¥", "CNY", "not_understood", "We could not read “¥” as an amount. Type it like 100 or 12.50."),
    ("100.", "CNY", "not_understood", "We could not read “100.” as an amount. Type it like 100 or 12.50."),
    ("1万", "CNY", "not_understood", "We could not read “1万” as an amount. Type it like 100 or 12.50."),
    ("12。50", "CNY", "not_understood", "We could not read “12。50” as an amount. Type it like 100 or 12.50."),
]  # fmt: skip


@pytest.mark.parametrize(("typed", "currency", "minor"), ACCEPTED)
def test_accepted_input_reads_as_exact_minor_units(typed, currency, minor):
    # when the typed text is parsed
    amount = parse_amount(typed, currency=currency)
    # then it is exactly that many minor units of that currency
    assert (amount.to_minor(), amount.currency) == (minor, currency)


@pytest.mark.parametrize(("typed", "currency", "code", "message"), REFUSED)
def test_refused_input_says_what_we_read_and_why(typed, currency, code, message):
    # when the typed text is parsed
    with pytest.raises(AmountNotUnderstood) as raised:
        parse_amount(typed, currency=currency)
    # then the refusal names its rule and explains itself, here in English
    with translation.override("en"):
        assert (raised.value.code, str(raised.value)) == (code, message)
    assert isinstance(raised.value, InvalidAmount)


def test_the_refusal_is_shown_in_chinese_to_a_chinese_reader():
    # given the ambiguous "100,00" refused
    with pytest.raises(AmountNotUnderstood) as raised:
        parse_amount("100,00", currency="CNY")
    # when the message is read in Simplified Chinese
    with translation.override("zh-hans"):
        shown = raised.value.message
    # then it is the Chinese text with both readings filled in
    assert shown == "“100,00”有歧义：逗号只用于每三位数字之间，小数点是“.”。您是指 100.00 还是 10,000？"


def test_money_parse_uses_the_same_rules():
    # when Money.parse reads what used to be charged as ¥10,000
    with pytest.raises(AmountNotUnderstood) as raised:
        Money.parse("100,00", "CNY")
    # then it is refused for the same reason, and full-width input reads as the parser reads it
    assert raised.value.code == "decimal_comma"
    assert Money.parse("１，０００元", "CNY") == parse_amount("1,000", currency="CNY")


def test_an_unsupported_currency_is_refused():
    with pytest.raises(InvalidAmount) as raised:
        parse_amount("100", currency="XYZ")
    assert str(raised.value) == "unsupported currency 'XYZ'"
    assert not isinstance(raised.value, AmountNotUnderstood)


class _GiftForm(forms.Form):
    amount = AmountField(currency="CNY")


def test_amount_field_cleans_to_money():
    # given a form with an amount typed on a Chinese keyboard
    form = _GiftForm(data={"amount": "￥１，２００．５０"})
    # when it is validated
    valid = form.is_valid()
    # then the cleaned value is the exact Money
    assert valid
    assert form.cleaned_data["amount"] == Money.from_minor(120_050, "CNY")


def test_amount_field_shows_the_parsers_message_in_the_readers_language():
    # given "75,00" typed into the form
    form = _GiftForm(data={"amount": "75,00"})
    # when it is validated in Chinese
    with translation.override("zh-hans"):
        valid = form.is_valid()
        errors = form.errors.as_data()["amount"]
        shown = [str(message) for error in errors for message in error]
    # then it is invalid with the parser's code and Chinese message
    assert not valid
    assert [e.code for e in errors] == ["decimal_comma"]
    assert shown == ["“75,00”有歧义：逗号只用于每三位数字之间，小数点是“.”。您是指 75.00 还是 7,500？"]


def test_amount_field_leaves_an_optional_empty_amount_empty():
    # given an optional amount left blank, and a field in another currency set after construction
    field = AmountField(currency="CNY", required=False)
    field.currency = "JPY"
    # then blank is None and the later currency is used
    assert field.clean("  ") is None
    assert field.clean("1,500") == Money.from_minor(1_500, "JPY")
