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


def test_a_gift_refunded_in_full_stays_refunded_and_off_the_wall_whatever_disputes_follow(
    client, fake_gateway, campaign, finance_officer, django_capture_on_commit_callbacks
):
    # given a gift with a public message, refunded in full
    from payments.donations.selectors import wall_of_support
    from payments.figures.selectors import donors_count
    from payments.refunds.services import refund_request

    gift = give(campaign, "300", public_message="加油", display_name="张三")
    with django_capture_on_commit_callbacks(execute=True):
        refund_request(donation=gift, amount=cny("300"), reason="donor asked", actor=finance_officer)

    # when the bank still opens a chargeback on it and the platform wins it
    with django_capture_on_commit_callbacks(execute=True):
        post_signed(client, dispute_event(gift, 1, "charge.dispute.created"))
        post_signed(client, dispute_event(gift, 2, "charge.dispute.closed", status="won"))

    # then the gift is still refunded, off the wall and out of the donor count; escrow never moved
    gift.refresh_from_db()
    assert gift.status == DonationStatus.REFUNDED
    assert wall_of_support(campaign=campaign) == []
    assert donors_count(campaign=campaign) == 0
    assert balance_of(escrow_account(campaign)) == cny(0)


def test_a_gift_lost_to_a_chargeback_leaves_the_wall_and_the_donor_count(
    client, fake_gateway, campaign, django_capture_on_commit_callbacks
):
    from payments.donations.selectors import wall_of_support
    from payments.figures.selectors import donors_count

    gift = give(campaign, "300", public_message="加油", display_name="张三")
    assert [w.name for w in wall_of_support(campaign=campaign)] == ["张三"]

    with django_capture_on_commit_callbacks(execute=True):
        post_signed(client, dispute_event(gift, 1, "charge.dispute.created"))
        post_signed(client, dispute_event(gift, 2, "charge.dispute.closed", status="lost"))

    gift.refresh_from_db()
    assert gift.status == DonationStatus.CHARGED_BACK
    assert wall_of_support(campaign=campaign) == []
    assert donors_count(campaign=campaign) == 0
