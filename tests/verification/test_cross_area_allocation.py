"""The donations area's refund and dispute services against released cents.

A gift whose cents were released to a partner cannot also be refunded or held as disputed: the
other donors' cents would pay for it and the trace would show more than 100 % of the gift. These
tests use the real services, which cap the amount at ``payments.allocation.services.donation_unreleased``
(see ADR 0301).
"""

import pytest

from campaigns.models import AuditEvent
from campaigns.money import Money
from payments.allocation.services import breakdown_of
from payments.disputes.services import dispute_closed, dispute_opened
from payments.ledger.services import balance_of, escrow_account
from payments.models import LedgerEntry, OutboxCommand, Refund
from payments.refunds.services import RefundNotAllowed, refund_request
from payments.releases.services import release_approve
from tests.builders import verified_milestone
from tests.verification.factories import BeneficiaryFactory, captured_donation

CAP_MISSING = "refund/dispute services do not yet cap at donation_unreleased (ADR 0301)"


@pytest.fixture
def released_gift(db, verifier, finance_officer):
    beneficiary = BeneficiaryFactory(verified_by=verifier)
    first = captured_donation(beneficiary.campaign, 300_000)
    captured_donation(beneficiary.campaign, 300_000, email="other@example.com")
    release_approve(release=verified_milestone(beneficiary=beneficiary, verifier=verifier).release,
                    actor=finance_officer)  # fmt: skip
    first.refresh_from_db()
    assert breakdown_of(first).released == Money("3000", "CNY")
    return first


def test_a_released_gift_cannot_be_refunded(released_gift):
    escrow = escrow_account(released_gift.campaign)

    with pytest.raises(RefundNotAllowed):
        refund_request(donation=released_gift, amount=Money("3000", "CNY"), reason="donor asked", actor=None,
                       key=f"test-refund:{released_gift.pk}")  # fmt: skip

    assert balance_of(escrow) == Money("3000", "CNY")  # the other donor's gift is untouched
    assert not Refund.objects.exists()
    assert not OutboxCommand.objects.exists()


def _postings(key):
    return {
        (p.account.kind, p.amount_minor)
        for p in LedgerEntry.objects.get(key=key).postings.select_related("account")
    }


def test_a_dispute_on_a_released_gift_is_fronted_by_the_platform_not_by_the_other_gifts(released_gift):
    dispute_opened(obj={"id": "dp_test_1", "amount": 300_000, "charge": released_gift.provider_charge_id,
                        "reason": "fraudulent"})  # fmt: skip

    released_gift.refresh_from_db()
    gift = breakdown_of(released_gift)
    assert (gift.held, gift.released, gift.disputed, gift.to_recover) == (
        Money("0", "CNY"), Money("3000", "CNY"), Money("3000", "CNY"), Money("3000", "CNY"),
    )  # fmt: skip
    assert balance_of(escrow_account(released_gift.campaign)) == Money("3000", "CNY")  # the other gift's
    assert _postings("dispute:dp_test_1:opened") == {("disputed", 300_000), ("platform_receivable", -300_000)}
    uncovered = AuditEvent.objects.get(action="dispute.uncovered")
    assert uncovered.data["uncovered_minor"] == 300_000


def test_a_dispute_on_a_partly_released_gift_takes_its_held_cents_and_fronts_the_rest(
    db, verifier, finance_officer
):
    beneficiary = BeneficiaryFactory(verified_by=verifier)
    gift = captured_donation(beneficiary.campaign, 500_000)
    milestone = verified_milestone(beneficiary=beneficiary, verifier=verifier)  # ¥3,000
    release_approve(release=milestone.release, actor=finance_officer)

    dispute_opened(obj={"id": "dp_test_3", "amount": 500_000, "charge": gift.provider_charge_id})

    assert _postings("dispute:dp_test_3:opened") == {
        ("disputed", 500_000), ("campaign_escrow", -200_000), ("platform_receivable", -300_000),
    }  # fmt: skip
    assert balance_of(escrow_account(gift.campaign)) == Money("0", "CNY")


def test_a_dispute_won_on_a_released_gift_gives_the_platform_back_what_it_fronted(released_gift):
    obj = {"id": "dp_test_4", "amount": 300_000, "charge": released_gift.provider_charge_id}
    dispute_opened(obj=obj)

    dispute_closed(obj={**obj, "status": "won"})

    assert _postings("dispute:dp_test_4:won") == {("disputed", -300_000), ("platform_receivable", 300_000)}
    released_gift.refresh_from_db()
    gift = breakdown_of(released_gift)
    assert (gift.disputed, gift.to_recover, gift.released) == (
        Money("0", "CNY"), Money("0", "CNY"), Money("3000", "CNY"),
    )  # fmt: skip
    assert balance_of(escrow_account(released_gift.campaign)) == Money("3000", "CNY")


def test_a_dispute_lost_on_a_released_gift_books_the_loss_and_leaves_the_fronted_part_to_recover(
    released_gift,
):
    obj = {
        "id": "dp_test_2",
        "amount": 300_000,
        "charge": released_gift.provider_charge_id,
        "reason": "fraudulent",
    }
    dispute_opened(obj=obj)

    dispute_closed(obj={**obj, "status": "lost"})

    assert balance_of(escrow_account(released_gift.campaign)) == Money("3000", "CNY")
    assert _postings("dispute:dp_test_2:lost") == {("disputed", -300_000), ("dispute_losses", 300_000)}
    released_gift.refresh_from_db()
    gift = breakdown_of(released_gift)
    assert (gift.lost_to_disputes, gift.to_recover, gift.disputed) == (
        Money("3000", "CNY"), Money("3000", "CNY"), Money("0", "CNY"),
    )  # fmt: skip


def test_the_refund_sweeper_leaves_partner_transfers_alone(db):
    from django.utils import timezone

    from payments.models import OutboxCommand
    from payments.refunds.tasks import outbox_sweep

    OutboxCommand.objects.create(kind="partner_transfer", key="release:999:transfer", payload={"release_id": 999},
                                 next_attempt_at=timezone.now())  # fmt: skip
    assert outbox_sweep() == 0  # the refund sweeper only runs refunds
