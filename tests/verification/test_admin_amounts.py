"""Amounts typed on the verification admin's outcome and needs forms use the one parser (ADR 0005)."""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import translation

from campaigns.models import Need
from tests.verification.factories import BeneficiaryFactory


def _post_need(client, verifier, amount: str):
    verifier.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(verifier)
    beneficiary = BeneficiaryFactory(verified_by=verifier)
    form = {
        "beneficiary": beneficiary.pk,
        "title": "轮椅",
        "kind": "mobility",
        "amount": amount,
        "currency": "CNY",
    }
    with translation.override("en"):
        return client.post(reverse("needs:add"), form, HTTP_ACCEPT_LANGUAGE="en")


@pytest.mark.parametrize(("typed", "minor"), [("900", 90_000), ("1,000", 100_000), ("１０００元", 100_000)])
def test_a_need_amount_is_read_as_the_donation_form_reads_it(client, verifier, typed, minor):
    # when a verifier posts a need with the amount typed this way
    _post_need(client, verifier, typed)
    # then it is stored in exact minor units
    assert Need.objects.get().amount_minor == minor


@pytest.mark.parametrize(
    ("typed", "shown"),
    [
        ("1e5", "Please type the whole amount in digits, e.g. 100000, not “1e5”."),
        ("1_000", "We could not read “1_000” as an amount. Type it like 100 or 12.50."),
        ("١٠٠", "Please type the amount with the digits 0–9; “١٠٠” uses other digits."),
        ("0", "The amount must be more than zero."),
    ],
)
def test_a_need_amount_the_parser_refuses_is_an_error_on_the_form(client, verifier, typed, shown):
    # when a verifier posts a need with an amount that is refused
    response = _post_need(client, verifier, typed)
    # then the form shows why and nothing is stored
    assert response.status_code == 200
    assert response.context["form"].errors["amount"] == [shown]
    assert not Need.objects.exists()
