"""``demo_donations`` through localstripe, twice: the second run charges nothing."""

from io import StringIO

import pytest
from django.core.management import call_command

from payments.figures.selectors import campaign_totals_uncached
from payments.models import Donation, LedgerEntry, MonthlyPlan
from tests.payments.conftest import cny

pytestmark = pytest.mark.django_db


def test_demo_donations_is_idempotent(stripe_api, campaign):
    first, second = StringIO(), StringIO()

    call_command("demo_donations", stdout=first)
    call_command("demo_donations", stdout=second)

    assert "6 made, 0 already there, 0 failed" in first.getvalue()
    assert "0 made, 6 already there, 0 failed" in second.getvalue()
    assert Donation.objects.count() == 6 and LedgerEntry.objects.count() == 6
    assert MonthlyPlan.objects.count() == 1
    totals = campaign_totals_uncached(campaign=campaign)
    # one surgery (¥3,000) + 200 + 1000 + 500 + 100 + 50
    assert (totals.raised, totals.donors, totals.units_funded(campaign.unit_cost)) == (cny("4850"), 6, 1)
