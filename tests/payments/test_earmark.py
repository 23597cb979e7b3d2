"""A donor funds one verified beneficiary first: the link on the campaign page names them, the
panel carries the earmark, the gift records it, and an unverified person cannot be earmarked."""

import pytest
from django.urls import reverse
from django.utils import translation

from payments.models import Donation
from tests.payments.test_intake import start
from tests.verification.factories import BeneficiaryFactory

pytestmark = pytest.mark.django_db


def test_the_donate_page_for_one_beneficiary_names_them_and_carries_the_earmark(client, fake_gateway):
    beneficiary = BeneficiaryFactory(pseudonym="盘奶奶", pseudonym_en="Grandma Pan", funded_at=None)
    with translation.override("en"):
        url = reverse("payments:donate_page", kwargs={"slug": beneficiary.campaign.slug})

    html = client.get(f"{url}?for={beneficiary.pk}").content.decode()

    assert f'name="earmark" value="{beneficiary.pk}"' in html
    assert "Your gift goes to Grandma Pan first" in html  # the English twin on an English page


def test_an_earmarked_gift_records_its_beneficiary(client, fake_gateway):
    beneficiary = BeneficiaryFactory()

    started = start(client, beneficiary.campaign, earmark=str(beneficiary.pk)).json()

    assert started["status"] == "awaiting_card"
    assert Donation.objects.get(public_id=started["donation"]).earmark_beneficiary_id == beneficiary.pk


def test_an_earmark_for_an_unverified_person_is_refused_before_the_provider(client, fake_gateway):
    beneficiary = BeneficiaryFactory(status="matched", verified_at=None)

    response = start(client, beneficiary.campaign, earmark=str(beneficiary.pk))

    assert response.status_code == 400
    assert not Donation.objects.exists()
    assert fake_gateway.calls == []


def test_a_foreign_earmark_in_the_link_is_ignored(client, fake_gateway):
    beneficiary = BeneficiaryFactory()
    other = BeneficiaryFactory()

    html = client.get(
        reverse("payments:donate_page", kwargs={"slug": beneficiary.campaign.slug}) + f"?for={other.pk}"
    ).content.decode()

    assert 'name="earmark"' not in html
