"""``demo_supporters``: a team of two pages on the cataract campaign with three gifts; idempotent,
and the pages' figures add up to what the ledger counts for the campaign."""

from io import StringIO

import pytest
from django.core.management import call_command

from payments.figures.selectors import campaign_totals_from_postings, counted
from payments.gateway.card import _gateway_instance
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


@pytest.mark.parametrize("prefix", ["", "/en"])
def test_the_demo_pages_load_with_their_give_form_in_both_languages(
    client, fake_gateway, editor, settings, prefix, django_capture_on_commit_callbacks
):
    # given the demo's team and pages
    CampaignFactory(slug="cataract-surgery", status="live", min_donation_minor=100)
    with django_capture_on_commit_callbacks(execute=True):
        call_command("demo_supporters", stdout=StringIO())
    # and the demo's gateway: localstripe, which takes no wallet (ADR 0231), even if they are named
    settings.PAYMENTS_METHOD_TYPES = ["card", "wechat_pay", "alipay"]
    settings.PAYMENTS_GATEWAY = "payments.gateway.card.StripeGateway"
    settings.STRIPE_API_BASE = "http://127.0.0.1:9"  # never called to render a page
    _gateway_instance.cache_clear()

    team = Team.objects.get()
    pages = SupporterPage.objects.order_by("pk")
    responses = {p.slug: client.get(f"{prefix}/supporters/{p.slug}/") for p in pages}
    team_page = client.get(f"{prefix}/teams/{team.slug}/")
    listing = client.get(f"{prefix}/supporters/for/cataract-surgery/")

    # then every page loads, each with the give form posting through the page, cards only here
    assert {slug: r.status_code for slug, r in responses.items()} == {p.slug: 200 for p in pages}
    for slug, response in responses.items():
        html = response.content.decode()
        assert f'action="{prefix}/payments/supporters/{slug}/give/start/"' in html
        assert 'name="method"' not in html and "data-wallet-url" not in html
    assert team_page.status_code == 200 and all(p.title in team_page.content.decode() for p in pages)
    assert listing.status_code == 200
