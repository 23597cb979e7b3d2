"""A gift end to end through localstripe: intent, card, charge, signed webhook, ledger, page."""

import uuid

import pytest
import requests
from django.urls import reverse
from django.utils import translation

from payments.donations.services import (
    donation_charge,
    donation_confirm_authenticated,
    donation_create,
    donation_start_card,
)
from payments.figures.selectors import campaign_totals
from payments.ledger.services import balance_of, escrow_account
from payments.models import Donation, DonationStatus, LedgerEntry, WebhookEvent, WebhookStatus
from tests.payments.conftest import (
    browser_authenticates_payment,
    browser_confirms_setup,
    cny,
    post_signed,
)

pytestmark = pytest.mark.django_db


def start_gift(campaign, amount="100", email="wang.fang@example.cn", **extra):
    donation = donation_create(
        campaign=campaign, amount=cny(amount), email=email, attempt=uuid.uuid4(), **extra
    )
    donation_start_card(donation=donation)
    donation.refresh_from_db()
    return donation


def localstripe_events(base_url, type_):
    r = requests.get(f"{base_url}/v1/events", params={"type": type_}, auth=("sk_test_x", ""), timeout=10)
    return r.json()["data"]


def test_gift_with_test_card_reaches_escrow_and_the_page(stripe_api, campaign, client, mailoutbox,
                                                         django_capture_on_commit_callbacks):  # fmt: skip
    # given a donor who saved a Visa test card through the SetupIntent
    donation = start_gift(campaign, "300", display_name="王芳", public_message="加油！")
    assert donation.status == DonationStatus.AWAITING_CARD
    browser_confirms_setup(stripe_api, donation.provider_setup_intent_id, payment_method="pm_card_visa")

    # when the server charges the saved card
    with django_capture_on_commit_callbacks(execute=True):
        outcome = donation_charge(donation=donation)

    # then the gift is captured, escrow holds it, the receipt went out with a signed link
    donation.refresh_from_db()
    assert outcome.status == "succeeded"
    assert donation.status == DonationStatus.SUCCEEDED
    assert donation.provider_payment_intent_id.startswith("pi_")
    assert balance_of(escrow_account(campaign)) == cny("300")
    assert LedgerEntry.objects.filter(kind="donation.captured").count() == 1
    assert len(mailoutbox) == 1
    assert "/payments/donor/" in mailoutbox[0].body

    # and the provider's own signed event for it changes nothing more
    events = localstripe_events(stripe_api, "payment_intent.succeeded")
    assert [e["data"]["object"]["id"] for e in events] == [donation.provider_payment_intent_id]
    with django_capture_on_commit_callbacks(execute=True):
        response = post_signed(client, events[0])
    assert response.status_code == 200
    assert WebhookEvent.objects.get().status == WebhookStatus.PROCESSED
    assert balance_of(escrow_account(campaign)) == cny("300")

    # and the donation page shows the total, the donor count and the message: in Chinese at the
    # site's default URL, in English under /en/
    html = client.get(f"/payments/donate/{campaign.slug}/").content.decode()
    assert 'data-testid="raised">¥300<' in html
    assert 'data-testid="donors">1 位捐赠人<' in html
    assert "王芳" in html and "加油！" in html
    with translation.override("en"):
        english_url = reverse("payments:donate_page", kwargs={"slug": campaign.slug})
    assert english_url == f"/en/payments/donate/{campaign.slug}/"
    html = client.get(english_url).content.decode()
    assert 'data-testid="raised">¥300<' in html
    assert 'data-testid="donors">1 donor<' in html
    assert "王芳" in html and "加油！" in html


def test_webhook_alone_captures_a_gift_whose_reply_was_lost(stripe_api, campaign, client,
                                                            django_capture_on_commit_callbacks):  # fmt: skip
    # given a charge that succeeded at the provider but whose reply never reached us
    donation = start_gift(campaign, "50")
    browser_confirms_setup(stripe_api, donation.provider_setup_intent_id, payment_method="pm_card_visa")
    customer = donation.donor.provider_customer_id
    r = requests.post(f"{stripe_api}/v1/payment_intents", auth=("sk_test_x", ""), timeout=10, data={
        "amount": 5000, "currency": "cny", "customer": customer, "confirm": "true", "off_session": "true",
        "payment_method": requests.get(f"{stripe_api}/v1/setup_intents/{donation.provider_setup_intent_id}",
                                       auth=("sk_test_x", ""), timeout=10).json()["payment_method"],
        "metadata[donation_id]": str(donation.public_id)})  # fmt: skip
    assert r.json()["status"] == "succeeded"
    assert not LedgerEntry.objects.exists()

    # when its signed event arrives
    with django_capture_on_commit_callbacks(execute=True):
        post_signed(client, localstripe_events(stripe_api, "payment_intent.succeeded")[0])

    # then the gift is in escrow, once
    donation.refresh_from_db()
    assert donation.status == DonationStatus.SUCCEEDED
    assert balance_of(escrow_account(campaign)) == cny("50")


def test_declined_card_fails_and_posts_nothing(stripe_api, campaign):
    donation = start_gift(campaign, "100")
    browser_confirms_setup(
        stripe_api, donation.provider_setup_intent_id, payment_method="pm_card_chargeCustomerFail"
    )

    outcome = donation_charge(donation=donation)

    donation.refresh_from_db()
    assert outcome.status == "failed"
    assert "declined" in outcome.message.lower()
    assert donation.status == DonationStatus.FAILED
    assert not LedgerEntry.objects.exists()
    assert campaign_totals(campaign=campaign).raised == cny(0)


def test_three_d_secure_card_succeeds_after_authentication(stripe_api, campaign):
    donation = start_gift(campaign, "120")
    browser_confirms_setup(stripe_api, donation.provider_setup_intent_id, card_number="4000002500003155")

    first = donation_charge(donation=donation)
    assert first.status == "requires_action"
    assert first.client_secret.startswith(first.donation.provider_payment_intent_id)
    assert not LedgerEntry.objects.exists()

    browser_authenticates_payment(
        stripe_api, first.donation.provider_payment_intent_id, first.client_secret, True
    )
    outcome = donation_confirm_authenticated(donation=Donation.objects.get(pk=donation.pk))

    assert outcome.status == "succeeded"
    assert balance_of(escrow_account(campaign)) == cny("120")


def test_three_d_secure_refused_fails_and_posts_nothing(stripe_api, campaign):
    donation = start_gift(campaign, "120")
    browser_confirms_setup(stripe_api, donation.provider_setup_intent_id, card_number="4000002500003155")
    first = donation_charge(donation=donation)

    browser_authenticates_payment(
        stripe_api, first.donation.provider_payment_intent_id, first.client_secret, False
    )
    outcome = donation_confirm_authenticated(donation=Donation.objects.get(pk=donation.pk))

    assert outcome.status == "failed"
    assert Donation.objects.get(pk=donation.pk).status == DonationStatus.FAILED
    assert not LedgerEntry.objects.exists()


def test_same_form_posted_twice_is_one_gift(stripe_api, campaign):
    attempt = uuid.uuid4()
    first = donation_create(campaign=campaign, amount=cny("100"), email="a@example.cn", attempt=attempt)
    second = donation_create(campaign=campaign, amount=cny("100"), email="a@example.cn", attempt=attempt)
    assert first.pk == second.pk
    assert Donation.objects.count() == 1
