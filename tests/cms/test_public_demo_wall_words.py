"""The demo's walls of support speak of what each campaign pays for (issue 13): the cataract
programme's words (surgery, sight, eyes) never appear on the tuition or the training campaign."""

from __future__ import annotations

import re
from io import StringIO

import pytest
from django.core.management import call_command

from campaigns.models import CampaignKind, CampaignStatus
from payments.models import Donation
from tests.factories import CampaignFactory
from tests.payments.conftest import localstripe_url, stripe_api  # noqa: F401 - fixtures

pytestmark = pytest.mark.django_db

EYES_AND_SURGERY = re.compile(r"手术|白内障|光明|眼|医生|surgery|sight|eye|cataract", re.IGNORECASE)


def test_each_demo_campaign_s_wall_fits_the_campaign(stripe_api):  # noqa: F811
    # given the three live flagship campaigns of the demo, one of each kind
    campaigns = {
        kind: CampaignFactory(status=CampaignStatus.LIVE, kind=kind, slug=slug, min_donation_minor=1000)
        for kind, slug in [(CampaignKind.MEDICAL, "cataract-surgery"), (CampaignKind.EDUCATION, "tuition-aid"),
                           (CampaignKind.LIVELIHOOD, "entrepreneur-leaders")]
    }  # fmt: skip

    # when the demo's gifts are made
    call_command("demo_donations", stdout=StringIO())

    # then every campaign has its six gifts, and only the cataract one speaks of surgery and sight
    words = {
        kind: [
            f"{d.dedication} {d.public_message}" for d in Donation.objects.filter(campaign=c).order_by("pk")
        ]
        for kind, c in campaigns.items()
    }
    assert {kind: len(lines) for kind, lines in words.items()} == dict.fromkeys(campaigns, 6)
    assert [line for line in words[CampaignKind.EDUCATION] if EYES_AND_SURGERY.search(line)] == []
    assert [line for line in words[CampaignKind.LIVELIHOOD] if EYES_AND_SURGERY.search(line)] == []
    assert any("白内障" in line for line in words[CampaignKind.MEDICAL])
    assert any("读完" in line for line in words[CampaignKind.EDUCATION])
    assert any("生意" in line for line in words[CampaignKind.LIVELIHOOD])
