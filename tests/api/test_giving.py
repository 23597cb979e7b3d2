"""Giving through the API: the web intake's service, its limits, the Idempotency-Key, the charge."""

import pytest

from campaigns.models import CampaignStatus
from payments.models import Donation, DonationStatus
from tests.factories import CampaignFactory

pytestmark = pytest.mark.django_db


def body(campaign, **overrides):
    data = {
        "campaign": campaign.slug,
        "amount": "100",
        "email": "liu.yang@example.cn",
        "display_name": "刘洋",
    }
    data.update(overrides)
    return data


def post(api, campaign, key="gift-1", **overrides):
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key is not None else {}
    return api.post("/api/v1/gifts/", body(campaign, **overrides), format="json", **headers)


def test_a_gift_starts_through_the_intake_and_answers_only_what_confirms_the_card(
    api, campaign, fake_gateway
):
    response = post(api, campaign, language="en")

    assert response.status_code == 201
    answer = response.json()
    assert set(answer) == {
        "gift",
        "status",
        "amount",
        "currency",
        "frequency",
        "client_secret",
        "publishable_key",
    }
    donation = Donation.objects.get()
    assert answer["gift"] == str(donation.public_id) and answer["status"] == "awaiting_card"
    assert answer["amount"] == "100.00" and answer["currency"] == "CNY"
    assert answer["client_secret"] == f"{donation.provider_setup_intent_id}_secret_x"
    assert answer["publishable_key"] == "pk_test_clearfund_tests"
    assert donation.status == DonationStatus.AWAITING_CARD and donation.language == "en"
    assert donation.client_ip == "127.0.0.1" and donation.display_name == "刘洋"
    assert "sessionid" not in response.cookies  # an API client is handed no session


def test_the_same_idempotency_key_and_body_is_the_same_gift(api, campaign, fake_gateway):
    first = post(api, campaign, key="retry-me").json()
    again = post(api, campaign, key="retry-me").json()

    assert again == first
    assert Donation.objects.count() == 1
    assert [c for c in fake_gateway.calls if c == "setup_intent_create"] == ["setup_intent_create"]
    # a new key is a new gift
    assert post(api, campaign, key="another").json()["gift"] != first["gift"]
    assert Donation.objects.count() == 2


@pytest.mark.parametrize("key", [None, "", " padded ", "x" * 201, "naïve"])
def test_a_gift_needs_a_usable_idempotency_key(api, campaign, fake_gateway, key):
    response = post(api, campaign, key=key)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "idempotency_key_required"
    assert not Donation.objects.exists() and fake_gateway.calls == []


def test_invalid_input_is_refused_field_by_field_before_anything_is_written(api, campaign, fake_gateway):
    below = post(api, campaign, amount="9.99")
    assert below.status_code == 400 and below.json()["error"]["code"] == "invalid"
    assert "amount" in below.json()["error"]["fields"]
    unknown = api.post("/api/v1/gifts/", {**body(campaign), "campaign": "no-such-campaign"}, format="json",
                       HTTP_IDEMPOTENCY_KEY="k")  # fmt: skip
    assert unknown.status_code == 400 and "campaign" in unknown.json()["error"]["fields"]
    draft = CampaignFactory(status=CampaignStatus.DRAFT)
    hidden = api.post("/api/v1/gifts/", {**body(campaign), "campaign": draft.slug}, format="json",
                      HTTP_IDEMPOTENCY_KEY="k")  # fmt: skip
    assert hidden.json()["error"]["fields"] == unknown.json()["error"]["fields"]
    bad_email = post(api, campaign, email="not-an-address")
    assert bad_email.status_code == 400 and "email" in bad_email.json()["error"]["fields"]
    assert not Donation.objects.exists() and fake_gateway.calls == []


def test_malformed_and_form_encoded_bodies_are_client_errors(api, campaign):
    malformed = api.generic("POST", "/api/v1/gifts/", "{not json", content_type="application/json",
                            HTTP_IDEMPOTENCY_KEY="k")  # fmt: skip
    assert malformed.status_code == 400 and malformed.json()["error"]["code"] == "malformed"
    # in the reader's language (zh-hans by default), not the parser's English
    assert malformed.json()["error"]["message"] == "请求内容不是有效的 JSON。"
    form = api.post("/api/v1/gifts/", body(campaign), HTTP_IDEMPOTENCY_KEY="k")  # multipart
    assert form.status_code == 415 and form.json()["error"]["code"] == "unsupported_media_type"
    assert not Donation.objects.exists()


def test_the_web_forms_attempt_limits_apply(api, campaign, fake_gateway, settings):
    settings.PAYMENTS_RATE_LIMIT_IP = "1/600"
    assert post(api, campaign, key="a").status_code == 201
    refused = post(api, campaign, key="b", amount="200")
    assert refused.status_code == 429
    assert refused.json()["error"]["code"] == "rate_limited" and int(refused["Retry-After"]) > 0
    assert Donation.objects.count() == 1


def test_a_closed_campaign_refuses_the_gift(api, campaign, fake_gateway):
    campaign.status = "closed"
    campaign.save()
    refused = post(api, campaign)
    assert refused.status_code == 400 and refused.json()["error"]["code"] == "gift_refused"
    assert not Donation.objects.exists()


def test_the_charge_needs_the_gifts_client_secret(
    api, campaign, fake_gateway, django_capture_on_commit_callbacks
):
    started = post(api, campaign).json()
    donation = Donation.objects.get()
    fake_gateway.setup_intent_confirm(donation.provider_setup_intent_id, "pm_card_visa")
    url = f"/api/v1/gifts/{started['gift']}/charge/"

    wrong = api.post(url, {"client_secret": "seti_other_secret_x"}, format="json")
    assert wrong.status_code == 404 and "payment_charge_saved" not in fake_gateway.calls
    donation.refresh_from_db()
    assert donation.status == DonationStatus.AWAITING_CARD

    with django_capture_on_commit_callbacks(execute=True):
        charged = api.post(url, {"client_secret": started["client_secret"]}, format="json")
    assert charged.status_code == 200 and charged.json()["status"] == "succeeded"
    donation.refresh_from_db()
    assert donation.status == DonationStatus.SUCCEEDED and donation.captured_at is not None
