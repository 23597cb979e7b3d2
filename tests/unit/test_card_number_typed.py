"""A card number typed as printed on the card ("4242 4242 4242 4242") sets the card up in
localstripe's fake as it does at Stripe; before, the fake refused it and the gift waited for its
card (config/localstripe.py)."""

import pytest
from localstripe.resources import Card, PaymentMethod, UserError

from config.localstripe import accept_typed_card_numbers, card_number_digits

CARD = {"exp_month": "12", "exp_year": "31", "cvc": "123"}


@pytest.fixture
def typed_numbers_accepted(monkeypatch):
    monkeypatch.setattr(PaymentMethod, "__init__", PaymentMethod.__init__)
    monkeypatch.setattr(Card, "__init__", Card.__init__)
    accept_typed_card_numbers(PaymentMethod, Card)


@pytest.mark.parametrize("typed", ["4242 4242 4242 4242", "4242-4242-4242-4242", " 4242424242424242\t"])
def test_a_card_number_with_spaces_or_dashes_is_read_as_its_digits(typed_numbers_accepted, typed):
    method = PaymentMethod(type="card", card={"number": typed, **CARD})

    assert method.card["last4"] == "4242"
    assert card_number_digits(typed) == "4242424242424242"


def test_a_wrong_number_is_still_refused(typed_numbers_accepted):
    with pytest.raises(UserError):
        PaymentMethod(type="card", card={"number": "4242 4242 4242", **CARD})


def test_without_the_normaliser_the_fake_refuses_a_spaced_number():
    with pytest.raises(UserError):
        PaymentMethod(type="card", card={"number": "4242 4242 4242 4242", **CARD})
