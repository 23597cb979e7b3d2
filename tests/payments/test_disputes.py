"""Disputes from signed ``charge.dispute.*`` events (localstripe never sends them)."""

import pytest

from payments.figures.selectors import campaign_totals_uncached
from payments.ledger.services import account_for, balance_of, escrow_account
from payments.models import AccountKind, Dispute, DonationStatus
from tests.payments.conftest import cny, event, post_signed
from tests.payments.factories import give

pytestmark = pytest.mark.django_db


def dispute_event(gift, n, type_, status="needs_response", amount=None):
    return event(f"evt_dp_{gift.pk}_{n}", type_, {
        "id": f"dp_{gift.pk}", "object": "dispute", "amount": amount or gift.amount_minor, "currency": "cny",
        "charge": gift.provider_charge_id, "payment_intent": gift.provider_payment_intent_id,
        "reason": "fraudulent", "status": status})  # fmt: skip


def accounts(campaign):
    return (
        escrow_account(campaign),
        account_for(kind=AccountKind.DISPUTED, currency="CNY", campaign=campaign),
        account_for(kind=AccountKind.DISPUTE_LOSSES, currency="CNY", campaign=campaign),
    )


def test_dispute_holds_then_returns_when_won(
    client, fake_gateway, campaign, django_capture_on_commit_callbacks
):
    gift = give(campaign, "500")
    escrow, disputed, losses = accounts(campaign)

    with django_capture_on_commit_callbacks(execute=True):
        post_signed(client, dispute_event(gift, 1, "charge.dispute.created"))
        post_signed(client, dispute_event(gift, 1, "charge.dispute.created"))
    assert (balance_of(escrow), balance_of(disputed)) == (cny(0), cny(500))
    assert campaign_totals_uncached(campaign=campaign).disputed == cny(500)
    gift.refresh_from_db()
    assert gift.status == DonationStatus.DISPUTED

    with django_capture_on_commit_callbacks(execute=True):
        post_signed(client, dispute_event(gift, 2, "charge.dispute.closed", status="won"))
    assert (balance_of(escrow), balance_of(disputed), balance_of(losses)) == (cny(500), cny(0), cny(0))
    gift.refresh_from_db()
    assert gift.status == DonationStatus.SUCCEEDED


def test_lost_dispute_books_a_loss_even_when_closed_arrives_first(client, fake_gateway, campaign,
                                                                  django_capture_on_commit_callbacks):  # fmt: skip
    gift = give(campaign, "500")
    escrow, disputed, losses = accounts(campaign)

    with django_capture_on_commit_callbacks(execute=True):
        post_signed(client, dispute_event(gift, 2, "charge.dispute.closed", status="lost"))
        post_signed(client, dispute_event(gift, 1, "charge.dispute.created"))

    assert (balance_of(escrow), balance_of(disputed), balance_of(losses)) == (cny(0), cny(0), cny(500))
    assert Dispute.objects.get().status == "lost"


def test_dispute_on_unknown_charge_moves_nothing(
    client, fake_gateway, campaign, django_capture_on_commit_callbacks
):
    gift = give(campaign, "500")
    payload = dispute_event(gift, 1, "charge.dispute.created")
    payload["data"]["object"].update(charge="ch_elsewhere", payment_intent="pi_elsewhere")
    with django_capture_on_commit_callbacks(execute=True):
        assert post_signed(client, payload).status_code == 200
    assert not Dispute.objects.exists()
    assert balance_of(escrow_account(campaign)) == cny(500)
