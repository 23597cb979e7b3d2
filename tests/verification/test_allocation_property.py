"""Property: whatever happens to a campaign's gifts, every donation's cents add up.

For every donation held + released + refunded + disputed + lost = captured + to recover (what the
platform fronted for cents already released) with no part negative, and
the per-donation figures agree with the ledger: released and refunded sums equal the campaign's
release and refund postings, held sums equal the escrow balance, disputed the disputed account.
"""

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from campaigns.money import Money
from payments.allocation.services import NotEnoughHeld, breakdown_of, campaign_gifts, donation_unreleased
from payments.disputes.services import dispute_opened
from payments.figures.selectors import campaign_totals_uncached
from payments.ledger.services import (
    InsufficientFunds,
    account_for,
    balance_of,
)
from payments.models import AccountKind, Allocation, Donation, LedgerEntry
from payments.releases.services import release_approve
from tests import builders
from tests.builders import verified_milestone
from tests.factories import CampaignFactory, PartnerFactory
from tests.verification.factories import BeneficiaryFactory, captured_donation

give = st.tuples(st.just("give"), st.integers(1, 4000).map(lambda y: y * 100), st.sampled_from([None, 0, 1]))
release = st.tuples(st.just("release"), st.integers(1, 6000).map(lambda y: y * 100), st.sampled_from([0, 1]))
refund = st.tuples(st.just("refund"), st.integers(0, 30), st.integers(1, 100))
dispute = st.tuples(st.just("dispute"), st.integers(0, 30), st.just(0))
operations = st.lists(st.one_of(give, give, release, refund, dispute), min_size=1, max_size=12)


def _refund(donation: Donation, percent: int) -> None:
    """A finance officer's refund through the real service, capped at the gift's unreleased cents
    (the service refuses more)."""
    left = donation_unreleased(donation=donation).to_minor()
    if left > 0:
        builders.refund(donation, min(left, max(1, donation.amount_minor * percent // 100)))


def _dispute(donation: Donation) -> None:
    """The bank disputes the whole gift: the real dispute service, as the webhook calls it."""
    dispute_opened(obj={"id": f"dp_{donation.pk}", "amount": donation.amount_minor,
                        "charge": donation.provider_charge_id, "reason": "fraudulent"})  # fmt: skip


def _check(campaign) -> None:
    gifts = list(campaign_gifts(campaign))
    parts = [breakdown_of(d) for d in gifts]
    for d, b in zip(gifts, parts, strict=True):
        released = b.approved_unpaid + b.paid
        # Glossary: captured + to_recover = held + approved_unpaid + paid + refunded + disputed + lost.
        assert b.held + released + b.refunded + b.disputed + b.lost_to_disputes == b.captured + b.to_recover
        assert b.captured == d.amount
        assert min(b.held.amount, b.approved_unpaid.amount, b.paid.amount, b.refunded.amount,
                   b.disputed.amount, b.lost_to_disputes.amount, b.to_recover.amount) >= 0  # fmt: skip
    totals = campaign_totals_uncached(campaign=campaign)
    zero = Money.zero(campaign.currency)
    assert sum((b.approved_unpaid for b in parts), zero) == totals.approved_unpaid
    assert sum((b.paid for b in parts), zero) == totals.paid
    assert sum((b.refunded for b in parts), zero) == totals.refunded
    assert sum((b.held for b in parts), zero) == totals.held
    assert sum((b.to_recover for b in parts), zero) == totals.to_recover
    disputed = account_for(kind=AccountKind.DISPUTED, currency=campaign.currency, campaign=campaign)
    assert sum((b.disputed for b in parts), zero) == balance_of(disputed)


@pytest.mark.django_db
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ops=operations)
def test_every_donation_is_accounted_for_to_the_cent(ops, verifier, finance_officer):
    with transaction.atomic():
        campaign = CampaignFactory(status="live", min_donation_minor=1)  # gifts of any size
        partner = PartnerFactory()
        people = [BeneficiaryFactory(campaign=campaign, verified_by=verifier) for _ in range(2)]
        donations: list[Donation] = []
        for op, a, b in ops:
            if op == "give":
                donations.append(captured_donation(campaign, a, earmark=None if b is None else people[b]))
            elif op == "release":
                milestone = verified_milestone(
                    beneficiary=people[b], verifier=verifier, partner=partner, minor=a
                )
                before = (Allocation.objects.count(), LedgerEntry.objects.count())
                try:
                    with transaction.atomic():
                        release_approve(release=milestone.release, actor=finance_officer)
                except (NotEnoughHeld, InsufficientFunds):
                    assert (Allocation.objects.count(), LedgerEntry.objects.count()) == before
            elif op == "refund" and donations:
                _refund(Donation.objects.get(pk=donations[a % len(donations)].pk), b)
            elif op == "dispute" and donations:
                _dispute(Donation.objects.get(pk=donations[a % len(donations)].pk))
            _check(campaign)
        transaction.set_rollback(True)
