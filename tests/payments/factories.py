"""Gifts made through the real services against the in-memory gateway."""

from __future__ import annotations

import uuid

from django.db import transaction

from payments.donations.services import donation_charge, donation_create, donation_start_card
from payments.donations.states import donation_transition
from payments.gateway.card import get_gateway
from payments.models import Donation, DonationStatus
from tests.payments.conftest import cny


def give(campaign, amount: str = "100", *, email: str = "li.na@example.cn", payment_method: str = "pm_card_visa",
         **extra) -> Donation:  # fmt: skip
    """A complete gift: form, SetupIntent, the browser's card confirmation, the off-session charge."""
    donation = donation_create(
        campaign=campaign, amount=cny(amount), email=email, attempt=uuid.uuid4(), **extra
    )
    donation_start_card(donation=donation)
    donation.refresh_from_db()
    get_gateway().setup_intent_confirm(donation.provider_setup_intent_id, payment_method)
    donation_charge(donation=donation)
    donation.refresh_from_db()
    return donation


def charged_but_unheard(
    campaign, amount: str, *, email: str, payment_method: str = "pm_card_visa"
) -> Donation:
    """A gift charged at the provider whose reply we never saw: only a webhook can tell us."""
    donation = donation_create(campaign=campaign, amount=cny(amount), email=email, attempt=uuid.uuid4())
    donation_start_card(donation=donation)
    donation.refresh_from_db()
    gateway = get_gateway()
    gateway.setup_intent_confirm(donation.provider_setup_intent_id, payment_method)
    result = gateway.payment_charge_saved(
        amount=donation.amount, customer_id=donation.donor.provider_customer_id, payment_method_id=payment_method,
        key=f"charge:{donation.pk}:1", metadata={"donation_id": str(donation.public_id)},
    )  # fmt: skip
    # Our side got as far as the charge service does before it calls the provider (processing),
    # and no further: the reply was lost.
    with transaction.atomic():
        donation = Donation.objects.select_for_update().get(pk=donation.pk)
        donation_transition(donation, DonationStatus.PROCESSING, note="charge sent, reply lost")
    donation._intent_id = result.id
    return donation
