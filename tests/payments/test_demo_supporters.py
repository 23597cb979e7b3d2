"""``demo_supporters``: a team of two pages on the cataract campaign with three gifts; idempotent,
and the pages' figures add up to what the ledger counts for the campaign."""

from io import StringIO

import pytest
from django.core.management import call_command

from payments.figures.selectors import campaign_totals_from_postings, counted
from payments.models import Donation
from payments.supporters.models import SupporterGift, SupporterPage, SupporterPageStatus, Team
from payments.supporters.selectors import pages_drifted
from tests.factories import CampaignFactory
from tests.payments.conftest import cny

pytestmark = pytest.mark.django_db


def test_demo_supporters_makes_a_team_and_gifts_once(
    fake_gateway, editor, django_capture_on_commit_callbacks
):
    campaign = CampaignFactory(slug="cataract-surgery", status="live", min_donation_minor=100)

    with django_capture_on_commit_callbacks(execute=True):
        call_command("demo_supporters", stdout=StringIO())
    out = StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("demo_supporters", stdout=out)

    assert "gifts 0 made, 3 already there" in out.getvalue()
    team = Team.objects.get()
    pages = list(SupporterPage.objects.select_related("total").order_by("pk"))
    assert [p.team_id for p in pages] == [team.pk, team.pk]
    assert all(p.status == SupporterPageStatus.APPROVED for p in pages)
    assert [p.total.raised_minor for p in pages] == [150_000, 30_000]
    assert Donation.objects.count() == SupporterGift.objects.count() == 3
    assert counted(campaign_totals_from_postings(campaign=campaign)) == cny(1_800)
    assert pages_drifted() == []
