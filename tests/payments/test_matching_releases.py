"""Matched money is released to partners after the gifts' own cents, and a give-back never takes
cents a release already consumed (ADR 0227)."""

import pytest

from payments.figures.selectors import campaign_totals_from_postings, campaign_totals_uncached
from payments.ledger.services import balance_of, escrow_account
from payments.matching.models import MatchAllocation, PoolMatch
from payments.matching.selectors import matcher_summary
from payments.matching.services import pool_account
from payments.models import Allocation
from tests import builders
from tests.factories import PartnerFactory
from tests.payments.conftest import cny, event, post_signed
from tests.payments.matching_helpers import pool
from tests.verification.factories import BeneficiaryFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def matched(verifier, django_capture_on_commit_callbacks):
    """A campaign with a ¥300 gift matched ¥300 (the pool's whole cap) and a ¥300 gift unmatched."""
    beneficiary = BeneficiaryFactory(verified_by=verifier, campaign__min_donation_minor=100)
    campaign = beneficiary.campaign
    p = pool([campaign], cap=30_000)
    with django_capture_on_commit_callbacks(execute=True):
        first = builders.gift(campaign, 30_000, email="a@example.cn")
        second = builders.gift(campaign, 30_000, email="b@example.cn")
    assert PoolMatch.objects.get().donation_id == first.pk
    return beneficiary, p, first, second


def test_a_release_beyond_the_gifts_takes_matched_cents(matched, verifier, finance_officer):
    beneficiary, p, _first, _second = matched

    # when a ¥700 release is approved (the gifts hold ¥600)
    release = builders.approved_release(beneficiary=beneficiary, partner=PartnerFactory(), verifier=verifier,
                                        finance_officer=finance_officer, minor=70_000)  # fmt: skip

    # then it takes both gifts' ¥600, then ¥100 of the match
    assert sorted(Allocation.objects.filter(release=release).values_list("amount_minor", flat=True)) == [
        30_000,
        30_000,
    ]
    match_allocation = MatchAllocation.objects.get()
    assert (match_allocation.release_id, match_allocation.amount_minor) == (release.pk, 10_000)
    assert PoolMatch.objects.get().released_minor == 10_000
    totals = campaign_totals_uncached(campaign=beneficiary.campaign)
    assert (totals.held, totals.approved_unpaid, totals.matched) == (cny(200), cny(700), cny(300))
    assert totals == campaign_totals_from_postings(campaign=beneficiary.campaign)
    summary = matcher_summary(matcher=p.matcher)
    assert (summary.approved_unpaid, summary.paid) == ({"CNY": cny(100)}, {})


def test_a_lost_dispute_gives_back_only_the_matched_cents_still_held(
    matched, client, verifier, finance_officer, django_capture_on_commit_callbacks
):
    beneficiary, p, first, _second = matched
    builders.approved_release(beneficiary=beneficiary, partner=PartnerFactory(), verifier=verifier,
                              finance_officer=finance_officer, minor=70_000)  # fmt: skip

    # when the first (matched) gift is charged back and the dispute lost
    def dispute(n, type_, status="needs_response"):
        return event(f"evt_mr_{n}", type_, {
            "id": f"dp_mr{first.pk}", "object": "dispute", "amount": 30_000, "currency": "cny",
            "charge": first.provider_charge_id, "payment_intent": first.provider_payment_intent_id,
            "reason": "fraudulent", "status": status})  # fmt: skip

    with django_capture_on_commit_callbacks(execute=True):
        post_signed(client, dispute(1, "charge.dispute.created"))
        post_signed(client, dispute(2, "charge.dispute.closed", status="lost"))

    # then the ¥200 of the match still in escrow goes back to the pool; the ¥100 released stays
    match = PoolMatch.objects.get()
    assert (match.reduced_minor, match.released_minor) == (20_000, 10_000)
    assert balance_of(pool_account(p)) == cny(200)
    assert balance_of(escrow_account(beneficiary.campaign)) == cny(0)
    totals = campaign_totals_uncached(campaign=beneficiary.campaign)
    assert totals.matched == cny(100)
    assert totals == campaign_totals_from_postings(campaign=beneficiary.campaign)
