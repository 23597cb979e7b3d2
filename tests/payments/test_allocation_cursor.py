"""``allocate_release`` reads a campaign's gifts from a cursor, not all of them (ADR 0213), and
still writes exactly the allocations of the rule "earmarked gifts first, then every unearmarked
gift first in, first out", which ``_reference`` below computes by reading every gift."""

from datetime import timedelta

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from payments.allocation import services as allocation
from payments.allocation.services import (
    NotEnoughHeld,
    breakdown_annotated,
    campaign_gifts,
    donation_unreleased,
    with_breakdown,
)
from payments.disputes.services import dispute_closed, dispute_opened
from payments.ledger.services import InsufficientFunds
from payments.models import Allocation, AllocationCursor, Donation, LedgerEntry
from payments.releases.services import release_approve
from tests import builders
from tests.builders import verified_milestone
from tests.factories import CampaignFactory, PartnerFactory
from tests.verification.factories import BeneficiaryFactory, captured_donation


def _reference(campaign, *, beneficiary_id: int, amount_minor: int) -> list[tuple[int, int]] | None:
    """The rule over every gift of the campaign: (gift id, cents) in order, None if too little."""
    eligible = [
        g
        for g in with_breakdown(campaign_gifts(campaign))
        if g.earmark_beneficiary_id in (None, beneficiary_id)
    ]
    eligible.sort(key=lambda d: (d.earmark_beneficiary_id != beneficiary_id, d.captured_at, d.pk))
    wanted, rows = amount_minor, []
    for gift in eligible:
        held = breakdown_annotated(gift).held.to_minor()
        if wanted and held > 0:
            rows.append((gift.pk, min(held, wanted)))
            wanted -= min(held, wanted)
    return None if wanted else rows


def _allocated(release) -> list[tuple[int, int]]:
    return list(
        Allocation.objects.filter(release=release).order_by("pk").values_list("donation_id", "amount_minor")
    )


def _dispute(donation: Donation, status: str = "") -> None:
    obj = {"id": f"dp_{donation.pk}", "amount": donation.amount_minor, "charge": donation.provider_charge_id,
           "reason": "fraudulent"}  # fmt: skip
    if status:
        dispute_closed(obj={**obj, "status": status})
    else:
        dispute_opened(obj=obj)


give = st.tuples(
    st.just("give"), st.integers(1, 40).map(lambda y: y * 100), st.sampled_from([None, None, 0, 1])
)
release = st.tuples(st.just("release"), st.integers(1, 60).map(lambda y: y * 100), st.sampled_from([0, 1]))
refund = st.tuples(st.just("refund"), st.integers(0, 30), st.integers(1, 100))
dispute = st.tuples(st.just("dispute"), st.integers(0, 30), st.sampled_from(["", "won", "lost"]))
operations = st.lists(st.one_of(give, give, give, release, release, refund, dispute), min_size=1, max_size=14)


@pytest.mark.django_db
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ops=operations)
def test_allocations_from_the_cursor_equal_the_rule_over_every_gift(
    ops, verifier, finance_officer, monkeypatch
):
    # given batches of two gifts and no margin before the cursor: the cursor alone decides what is read
    monkeypatch.setattr(allocation, "ALLOCATION_BATCH", 2)
    monkeypatch.setattr(allocation, "LATE_CAPTURE_MARGIN", timedelta(0))
    with transaction.atomic():
        campaign = CampaignFactory(status="live", min_donation_minor=1)
        partner = PartnerFactory()
        people = [BeneficiaryFactory(campaign=campaign, verified_by=verifier) for _ in range(2)]
        gifts: list[Donation] = []
        for op, a, b in ops:
            if op == "give":
                gifts.append(captured_donation(campaign, a, earmark=None if b is None else people[b]))
            elif op == "release":
                milestone = verified_milestone(
                    beneficiary=people[b], verifier=verifier, partner=partner, minor=a
                )
                expected = _reference(campaign, beneficiary_id=people[b].pk, amount_minor=a)
                before = (Allocation.objects.count(), LedgerEntry.objects.count(),
                          list(AllocationCursor.objects.values_list("captured_at", "donation_id")))  # fmt: skip
                # when the release is approved
                try:
                    with transaction.atomic():
                        release_approve(release=milestone.release, actor=finance_officer)
                except (NotEnoughHeld, InsufficientFunds):
                    # then a refused approval writes nothing, the cursor included
                    assert expected is None
                    after = (Allocation.objects.count(), LedgerEntry.objects.count(),
                             list(AllocationCursor.objects.values_list("captured_at", "donation_id")))  # fmt: skip
                    assert after == before
                else:
                    # then it took exactly the gifts and cents the rule takes
                    assert _allocated(milestone.release) == expected
            elif op == "refund" and gifts:
                gift = Donation.objects.get(pk=gifts[a % len(gifts)].pk)
                left = donation_unreleased(donation=gift).to_minor()
                if left > 0:
                    builders.refund(gift, min(left, max(1, gift.amount_minor * b // 100)))
            elif op == "dispute" and gifts:
                _dispute(Donation.objects.get(pk=gifts[a % len(gifts)].pk), b)
        transaction.set_rollback(True)


@pytest.mark.django_db
def test_a_release_reads_the_gifts_from_the_cursor_on_not_those_already_spent(
    verifier, finance_officer, monkeypatch
):
    # given six gifts of ¥10 and a first release of ¥25 (gifts 1 and 2, ¥5 of gift 3)
    monkeypatch.setattr(allocation, "ALLOCATION_BATCH", 2)
    monkeypatch.setattr(allocation, "LATE_CAPTURE_MARGIN", timedelta(0))
    campaign = CampaignFactory(status="live", min_donation_minor=1)
    partner = PartnerFactory()
    person = BeneficiaryFactory(campaign=campaign, verified_by=verifier)
    gifts = [captured_donation(campaign, 1000, email=f"d{i}@example.com") for i in range(6)]
    first = builders.approved_release(beneficiary=person, partner=partner, verifier=verifier,
                                      finance_officer=finance_officer, minor=2500)  # fmt: skip
    assert _allocated(first) == [(gifts[0].pk, 1000), (gifts[1].pk, 1000), (gifts[2].pk, 500)]
    assert AllocationCursor.objects.get(campaign=campaign).donation_id == gifts[2].pk
    read: list[int] = []
    real = allocation._locked_breakdowns
    monkeypatch.setattr(allocation, "_locked_breakdowns", lambda c, ids: read.extend(ids) or real(c, ids))

    # when a second release of ¥10 is approved
    second = builders.approved_release(beneficiary=person, partner=partner, verifier=verifier,
                                       finance_officer=finance_officer, minor=1000)  # fmt: skip

    # then it read from gift 3 on, never gifts 1 and 2, and took the rest of gift 3 then gift 4
    assert gifts[0].pk not in read and gifts[1].pk not in read
    assert _allocated(second) == [(gifts[2].pk, 500), (gifts[3].pk, 500)]
    assert AllocationCursor.objects.get(campaign=campaign).donation_id == gifts[3].pk


@pytest.mark.django_db
def test_cents_a_won_dispute_frees_behind_the_cursor_are_spent_first(verifier, finance_officer, monkeypatch):
    # given three gifts of ¥10, the first disputed, and a release that took gifts 2 and 3
    monkeypatch.setattr(allocation, "LATE_CAPTURE_MARGIN", timedelta(0))
    campaign = CampaignFactory(status="live", min_donation_minor=1)
    partner = PartnerFactory()
    person = BeneficiaryFactory(campaign=campaign, verified_by=verifier)
    gifts = [captured_donation(campaign, 1000, email=f"d{i}@example.com") for i in range(3)]
    _dispute(gifts[0])
    first = builders.approved_release(beneficiary=person, partner=partner, verifier=verifier,
                                      finance_officer=finance_officer, minor=2000)  # fmt: skip
    assert _allocated(first) == [(gifts[1].pk, 1000), (gifts[2].pk, 1000)]

    # when the bank decides the dispute for the campaign and a release of ¥10 is approved
    _dispute(gifts[0], "won")
    second = builders.approved_release(beneficiary=person, partner=partner, verifier=verifier,
                                       finance_officer=finance_officer, minor=1000)  # fmt: skip

    # then the freed gift behind the cursor pays it
    assert _allocated(second) == [(gifts[0].pk, 1000)]


@pytest.mark.django_db
def test_a_release_larger_than_what_is_held_writes_nothing_and_leaves_the_cursor(
    verifier, finance_officer, monkeypatch
):
    # given two gifts of ¥10, one spent by a release
    monkeypatch.setattr(allocation, "LATE_CAPTURE_MARGIN", timedelta(0))
    campaign = CampaignFactory(status="live", min_donation_minor=1)
    partner = PartnerFactory()
    person = BeneficiaryFactory(campaign=campaign, verified_by=verifier)
    gifts = [captured_donation(campaign, 1000, email=f"d{i}@example.com") for i in range(2)]
    builders.approved_release(beneficiary=person, partner=partner, verifier=verifier,
                              finance_officer=finance_officer, minor=1000)  # fmt: skip
    milestone = verified_milestone(beneficiary=person, verifier=verifier, partner=partner, minor=1500)
    before = (Allocation.objects.count(), LedgerEntry.objects.count())

    # when a release of ¥15 is approved
    with pytest.raises(NotEnoughHeld):
        release_approve(release=milestone.release, actor=finance_officer)

    # then nothing is allocated or posted, and the cursor stays on the first gift
    assert (Allocation.objects.count(), LedgerEntry.objects.count()) == before
    assert AllocationCursor.objects.get(campaign=campaign).donation_id == gifts[0].pk
