"""The donation intake obeys the verification rules: no gifts while outcome evidence is overdue,
and a gift earmarked for a beneficiary needs that beneficiary verified in the same campaign."""

import uuid
from datetime import date, timedelta

import pytest

from campaigns.money import Money
from payments.donations.services import DonationNotPossible, donation_create
from payments.models import Donation
from tests.factories import CampaignFactory
from tests.verification.factories import BeneficiaryFactory, MilestoneFactory

pytestmark = pytest.mark.django_db


def _give(campaign, **kwargs):
    return donation_create(
        campaign=campaign,
        amount=Money("100", "CNY"),
        email="donor@example.com",
        attempt=uuid.uuid4(),
        **kwargs,
    )


def test_no_gift_while_outcome_evidence_is_overdue(settings):
    settings.EVIDENCE_OVERDUE_DAYS = 30
    milestone = MilestoneFactory(due_date=date.today() - timedelta(days=31))

    with pytest.raises(DonationNotPossible, match="paused"):
        _give(milestone.beneficiary.campaign)

    assert not Donation.objects.exists()


def test_the_panel_says_gifts_are_paused(settings):
    from django.template import Context, Template
    from django.utils import translation

    settings.EVIDENCE_OVERDUE_DAYS = 30
    milestone = MilestoneFactory(due_date=date.today() - timedelta(days=31))
    campaign = milestone.beneficiary.campaign

    with translation.override("en"):
        html = Template('{% include "payments/donate_panel.html" %}').render(Context({"campaign": campaign}))

    assert 'id="donate-form"' not in html
    assert "Gifts are paused until this campaign reports the evidence of its outcomes." in html


def test_earmark_for_an_unverified_beneficiary_is_refused():
    beneficiary = BeneficiaryFactory(status="matched", verified_at=None)

    with pytest.raises(DonationNotPossible):
        _give(beneficiary.campaign, earmark_beneficiary_id=beneficiary.pk)

    assert not Donation.objects.exists()


def test_earmark_for_someone_in_another_campaign_is_refused():
    beneficiary = BeneficiaryFactory()
    other = CampaignFactory(status="live")

    with pytest.raises(DonationNotPossible):
        _give(other, earmark_beneficiary_id=beneficiary.pk)

    assert not Donation.objects.exists()


def test_earmark_for_a_verified_beneficiary_is_written():
    beneficiary = BeneficiaryFactory()

    donation = _give(beneficiary.campaign, earmark_beneficiary_id=beneficiary.pk)

    assert donation.earmark_beneficiary_id == beneficiary.pk
