"""All-or-nothing at the deadline: refunds resumed after an interruption, each donor once."""

from datetime import date, timedelta

import pytest

from campaigns.models import CampaignStatus, FundingModel
from payments.all_or_nothing.services import all_or_nothing_settle
from payments.figures.selectors import campaign_totals_uncached
from payments.ledger.services import balance_of, escrow_account
from payments.models import DonationStatus, OutboxCommand, Refund
from payments.refunds.services import outbox_due_ids, outbox_execute
from tests.factories import CampaignFactory
from tests.payments.conftest import cny
from tests.payments.factories import give

pytestmark = pytest.mark.django_db


@pytest.fixture
def aon(db):
    return CampaignFactory(status=CampaignStatus.LIVE, funding_model=FundingModel.ALL_OR_NOTHING,
                           goal_minor=1_000_000, deadline=date.today() + timedelta(days=1))  # fmt: skip


def test_goal_met_keeps_escrow(fake_gateway, aon):
    give(aon, "10000")
    result = all_or_nothing_settle(today=aon.deadline + timedelta(days=1))
    aon.refresh_from_db()
    assert result["funded"] == 1 and aon.status == CampaignStatus.FUNDED
    assert balance_of(escrow_account(aon)) == cny("10000")
    assert not Refund.objects.exists()


def test_missed_goal_refunds_each_donor_once_across_an_interruption(fake_gateway, aon):
    # given eight gifts to a campaign that will miss its goal; one donor opted into a sibling
    gifts = [give(aon, str(100 + i), email=f"d{i}@example.cn") for i in range(7)]
    sibling = CampaignFactory(status=CampaignStatus.LIVE)
    moved = give(aon, "500", email="mover@example.cn", sibling_opt_in=True)
    after = aon.deadline + timedelta(days=1)

    # when the job runs but the worker dies after refunding three donors at the provider
    all_or_nothing_settle(today=after)
    ids = outbox_due_ids()
    assert len(ids) == 7
    for pk in ids[:3]:
        outbox_execute(command_id=pk)
    fake_gateway.crash_after_next("refund_create", RuntimeError("worker killed after the provider refunded"))
    with pytest.raises(RuntimeError):
        outbox_execute(command_id=ids[3])
    assert len(fake_gateway.refunds) == 4  # the provider did refund the fourth donor
    assert OutboxCommand.objects.filter(status="pending").count() == 4  # but we never recorded it

    # and the job and the sweeper run again (twice, for good measure)
    for _ in range(2):
        all_or_nothing_settle(today=after)
        for pk in outbox_due_ids():
            outbox_execute(command_id=pk)

    # then every donor was refunded exactly once at the provider and in the ledger
    refunded = sorted(r["payment_intent"] for r in fake_gateway.refunds.values())
    assert refunded == sorted(g.provider_payment_intent_id for g in gifts)
    assert Refund.objects.count() == 7 and OutboxCommand.objects.filter(status="done").count() == 7
    for g in gifts:
        g.refresh_from_db()
        assert g.status == DonationStatus.REFUNDED
    moved.refresh_from_db()
    assert (moved.status, moved.moved_to) == (DonationStatus.MOVED, sibling)
    aon.refresh_from_db()
    assert aon.status == CampaignStatus.FAILED
    assert balance_of(escrow_account(aon)) == cny(0)
    assert balance_of(escrow_account(sibling)) == cny("500")
    assert campaign_totals_uncached(campaign=sibling).donors == 1


def test_a_gift_lost_to_a_chargeback_is_neither_moved_nor_refunded_when_the_campaign_fails(
    client, fake_gateway, aon, django_capture_on_commit_callbacks
):
    # given a failed all-or-nothing campaign where the bank took one gift back (lost chargeback),
    # its donor having opted into a sibling, and one plain gift
    from tests.payments.conftest import event, post_signed

    CampaignFactory(status=CampaignStatus.LIVE)
    lost = give(aon, "300", email="lost@example.cn", sibling_opt_in=True)
    plain = give(aon, "200", email="plain@example.cn")
    for n, (type_, status) in enumerate([("charge.dispute.created", "needs_response"),
                                         ("charge.dispute.closed", "lost")]):  # fmt: skip
        with django_capture_on_commit_callbacks(execute=True):
            post_signed(client, event(f"evt_lost_{n}", type_, {
                "id": "dp_lost", "object": "dispute", "amount": 30000, "currency": "cny", "status": status,
                "charge": lost.provider_charge_id, "payment_intent": lost.provider_payment_intent_id}))  # fmt: skip

    # when the deadline job settles the campaign
    with django_capture_on_commit_callbacks(execute=True):
        result = all_or_nothing_settle(today=aon.deadline + timedelta(days=1))

    # then only the plain gift is refunded; the charged-back gift is not moved or refunded again
    lost.refresh_from_db()
    plain.refresh_from_db()
    assert (result["failed"], result["refunded"], result["moved"]) == (1, 1, 0)
    assert (lost.status, lost.moved_to) == (DonationStatus.CHARGED_BACK, None)
    assert plain.status == DonationStatus.REFUNDED
    assert balance_of(escrow_account(aon)) == cny("0")
