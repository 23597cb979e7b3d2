"""The transparency page is current (issue 13): a release approved, then paid, shows on the very
next read, with the page's figures kept between two ledger postings."""

from __future__ import annotations

import re

import pytest
from django.core.cache import cache
from django.core.files.base import ContentFile

from campaigns.models import CampaignStatus
from payments.releases.payouts import release_record_bank_transfer
from payments.releases.services import release_approve
from tests.builders import verified_milestone
from tests.factories import CampaignFactory, PartnerFactory
from tests.payments.factories import give
from tests.verification.factories import BeneficiaryFactory

pytestmark = pytest.mark.django_db

URL = "/en/payments/transparency/"


def _figure(html: str, name: str) -> str:
    found = re.search(rf'<td data-figure="{name}"[^>]*>([^<]*)</td>', html)
    assert found, name
    return found.group(1)


@pytest.fixture
def campaign(fake_gateway, settings, tmp_path):
    settings.PRIVATE_STORAGE_ROOT = tmp_path / "private"
    cache.clear()
    campaign = CampaignFactory(status=CampaignStatus.LIVE, min_donation_minor=1000)
    give(campaign, "1000")
    return campaign


def test_a_new_release_and_its_payout_show_at_once(client, campaign, verifier, finance_officer):
    # given the page read once (its figures kept), ¥1,000 held and nothing released
    before = client.get(URL).content.decode()
    assert (_figure(before, "held"), _figure(before, "approved_unpaid"), _figure(before, "paid")) == (
        "¥1,000", "¥0", "¥0",
    )  # fmt: skip

    # when a ¥300 release is approved
    beneficiary = BeneficiaryFactory(campaign=campaign, verified_by=verifier)
    milestone = verified_milestone(beneficiary=beneficiary, verifier=verifier, partner=PartnerFactory(),
                                   minor=30_000)  # fmt: skip
    release = release_approve(release=milestone.release, actor=finance_officer)

    # then the next read shows it approved, not yet paid
    approved = client.get(URL).content.decode()
    assert (_figure(approved, "held"), _figure(approved, "approved_unpaid")) == ("¥700", "¥300")

    # and when it is paid by bank transfer, the next read shows it paid and counts the payout
    release_record_bank_transfer(release=release, actor=finance_officer, reference="ICBC-1",
                                 proof=ContentFile(b"%PDF-1.4 slip", name="slip.pdf"))  # fmt: skip
    paid = client.get(URL).content.decode()
    assert (_figure(paid, "approved_unpaid"), _figure(paid, "paid")) == ("¥0", "¥300")
    assert "Releases paid: 1" in paid
