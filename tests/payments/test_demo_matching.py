"""``demo_matching``: a 1:1 pool on the cataract campaign, half paid in, partly used; idempotent."""

from io import StringIO

import pytest
from django.core.management import call_command

from payments.figures.selectors import campaign_totals_from_postings, campaign_totals_uncached
from payments.matching.models import MatchPool, PoolMatch, PoolPayIn
from payments.matching.selectors import pools_figures
from payments.models import LedgerEntry
from tests import builders
from tests.factories import CampaignFactory
from tests.payments.conftest import cny

pytestmark = pytest.mark.django_db


def test_demo_matching_matches_the_gifts_made_and_changes_nothing_the_second_time(
    django_capture_on_commit_callbacks,
):
    # given the cataract campaign with two gifts (¥3,000 and ¥500) from the same donor
    campaign = CampaignFactory(slug="cataract-surgery", status="live", min_donation_minor=100)
    builders.gift(campaign, 300_000)
    builders.gift(campaign, 50_000)

    # when the command runs twice
    call_command("demo_matching", stdout=StringIO())
    call_command("demo_matching", stdout=StringIO())

    # then one pool, one pay-in of ¥10,000 of a ¥20,000 pledge, the donor matched up to the ¥2,000 cap
    pool = MatchPool.objects.get()
    assert PoolPayIn.objects.count() == 1
    f = pools_figures([pool])[0]
    assert (f.pledged, f.paid_in, f.unpaid, f.matched, f.left) == (
        cny(20_000),
        cny(10_000),
        cny(10_000),
        cny(2_000),
        cny(8_000),
    )
    assert PoolMatch.objects.count() == 1
    assert LedgerEntry.objects.filter(kind="match.gift").count() == 1
    totals = campaign_totals_uncached(campaign=campaign)
    assert totals.matched == cny(2_000)
    assert totals == campaign_totals_from_postings(campaign=campaign)
