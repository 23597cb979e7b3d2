"""A matching pool under simultaneous gifts, each in its own connection (ADR 0227): never below
zero, exactly the cap matched, each donor's cap held."""

import pytest

from payments.figures.selectors import campaign_totals_from_postings, campaign_totals_uncached
from payments.ledger.services import balance_of
from payments.matching.models import PoolMatch
from payments.matching.services import gift_matches_follow, pool_account
from payments.models import Donation, LedgerEntry
from tests import builders
from tests.factories import CampaignFactory
from tests.payments.conftest import cny
from tests.payments.matching_helpers import pool
from tests.payments.test_concurrency import run_threads

pytestmark = pytest.mark.django_db(transaction=True)
N = 20


def test_simultaneous_gifts_exhaust_the_pool_exactly_and_never_below_zero():
    # given twenty ¥100 gifts captured (their own matching ran then and found no pool), and a
    # ¥1,000 1:1 pool (paid in) whose window covers them, ¥150 per donor at most
    campaign = CampaignFactory(status="live", min_donation_minor=100)
    gifts = [builders.gift(campaign, 10_000, email=f"d{i % 15}@example.cn") for i in range(N)]
    p = pool([campaign], cap=100_000, per_donor=15_000)
    assert not PoolMatch.objects.exists()

    # when their matching runs at the same moment, twice each, each run in its own connection
    errors = run_threads(lambda i: gift_matches_follow(donation_id=gifts[i % N].pk), 2 * N)
    assert errors == []

    # then exactly the cap is matched, the pool is at zero, no donor above ¥150, one entry per match
    matches = list(PoolMatch.objects.all())
    assert sum(m.amount_minor for m in matches) == 100_000
    assert balance_of(pool_account(p)) == cny(0)
    per_donor = {}
    for m in matches:
        per_donor[m.donor_id] = per_donor.get(m.donor_id, 0) + m.amount_minor
    assert max(per_donor.values()) <= 15_000
    assert LedgerEntry.objects.filter(kind="match.gift").count() == len(matches)
    assert len({m.donation_id for m in matches}) == len(matches)
    totals = campaign_totals_uncached(campaign=campaign)
    assert totals.matched == cny(1_000)
    assert totals.raised == cny(100 * Donation.objects.filter(campaign=campaign).count())
    assert totals == campaign_totals_from_postings(campaign=campaign)
