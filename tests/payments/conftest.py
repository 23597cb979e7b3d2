"""Fixtures for the donations area: a private localstripe, the in-memory gateway, signed events."""

from __future__ import annotations

import json
import time
from decimal import Decimal

import pytest
import requests
from django.core.cache import cache

from campaigns.models import CampaignStatus
from campaigns.money import Money
from config import localstripe
from payments.gateway.card import _gateway_instance
from payments.gateway.card_fake import sign_payload
from tests.factories import CampaignFactory


@pytest.fixture(scope="session")
def localstripe_url():
    """localstripe on a loopback port bound by this process and handed over (no other instance can
    take it), checked to be ours by its token; its store is in memory only (no shared file)."""
    instance = localstripe.start()
    yield instance.url
    instance.stop()


@pytest.fixture(autouse=True)
def _fresh_cache(settings):
    settings.PAYMENTS_RETRY_BASE_DELAY = 0.01
    cache.clear()
    _gateway_instance.cache_clear()
    yield
    _gateway_instance.cache_clear()


@pytest.fixture
def stripe_api(localstripe_url, settings):
    """The real gateway against a cleared localstripe. Returns the localstripe URL."""
    requests.delete(localstripe_url + "/_config/data", timeout=10)
    settings.STRIPE_API_BASE = localstripe_url
    settings.PAYMENTS_GATEWAY = "payments.gateway.card.StripeGateway"
    _gateway_instance.cache_clear()
    return localstripe_url


@pytest.fixture
def campaign(db):
    return CampaignFactory(status=CampaignStatus.LIVE, min_donation_minor=1000)


def cny(text: str | int) -> Money:
    return Money(Decimal(str(text)), "CNY")


def post_signed(client, payload: dict | bytes, *, secret: str = "whsec_clearfund_tests", bad: bool = False):
    body, header = sign_payload(payload, secret=secret)
    if bad:
        header = header[:-4] + "0000"
    return client.post(
        "/payments/webhooks/stripe/", data=body, content_type="application/json", HTTP_STRIPE_SIGNATURE=header
    )


def event(event_id: str, type_: str, obj: dict) -> dict:
    return {"id": event_id, "object": "event", "type": type_, "created": int(time.time()),
            "data": {"object": obj}}  # fmt: skip


def browser_confirms_setup(base_url: str, setup_intent_id: str, *, payment_method: str | None = None,
                           card_number: str | None = None) -> dict:  # fmt: skip
    """What Stripe.js ``confirmCardSetup`` does in the browser, against localstripe."""
    data = {"payment_method": payment_method} if payment_method else {
        "payment_method_data[type]": "card", "payment_method_data[card][number]": card_number,
        "payment_method_data[card][exp_month]": "12", "payment_method_data[card][exp_year]": "2031",
        "payment_method_data[card][cvc]": "123",
    }  # fmt: skip
    r = requests.post(f"{base_url}/v1/setup_intents/{setup_intent_id}/confirm", data=data,
                      auth=("sk_test_x", ""), timeout=10)  # fmt: skip
    body = r.json()
    if body.get("status") == "requires_action":  # the 3-D Secure modal, answered "complete"
        r = requests.post(f"{base_url}/v1/setup_intents/{setup_intent_id}/confirm", auth=("sk_test_x", ""),
                          timeout=10)  # fmt: skip
        body = r.json()
    return body


def browser_authenticates_payment(base_url: str, payment_intent_id: str, client_secret: str, success: bool):
    """What Stripe.js ``confirmCardPayment`` does for 3-D Secure, against localstripe."""
    r = requests.post(
        f"{base_url}/v1/payment_intents/{payment_intent_id}/_authenticate",
        params={"success": json.dumps(success)},
        data={"client_secret": client_secret},
        auth=("sk_test_x", ""),
        timeout=10,
    )
    return r.json()
