"""Card testing through the card form (issue 10): refused cards are counted per card setup and per
client; the setup is cancelled at the provider after a few, and the client cools off (ADR 0011)."""

import itertools
import uuid
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from payments.gateway.card import CardDeclined, RetryableGatewayError, TerminalGatewayError
from payments.models import CardSetup, CardSetupFailure, Donation, WebhookEvent, WebhookStatus
from payments.webhooks.services import webhook_process
from tests.payments.conftest import event, post_signed

pytestmark = pytest.mark.django_db
ATTACKER, DONOR = "203.0.113.66", "198.51.100.5"
_events = itertools.count(1)


@pytest.fixture(autouse=True)
def limits(settings):
    settings.PAYMENTS_CARD_SETUP_MAX_FAILURES = 3
    settings.PAYMENTS_CARD_FAILURES_PER_CLIENT = "5/3600"
    settings.PAYMENTS_CARD_COOLING_SECONDS = 3600


def start(client, campaign, ip, language="en"):
    with translation.override(language):
        url = reverse("payments:donation_start", kwargs={"slug": campaign.slug})
    data = {"amount": "100", "frequency": "one_off", "email": f"{uuid.uuid4().hex[:8]}@example.cn",
            "attempt": str(uuid.uuid4()), "website": ""}  # fmt: skip
    return client.post(url, data, REMOTE_ADDR=ip)


def setup_of(response) -> str:
    return Donation.objects.get(public_id=response.json()["donation"]).provider_setup_intent_id


def refuse(client, capture, gateway, setup_id, card="pm_card_declined_1"):
    """The browser confirms a refused card with the setup's secret; the provider tells us."""
    with pytest.raises(CardDeclined):
        gateway.setup_intent_confirm(setup_id, card)
    payload = event(f"evt_fail_{next(_events)}", "setup_intent.setup_failed", {
        "id": setup_id, "object": "setup_intent", "status": "requires_payment_method",
        "last_setup_error": {"code": "card_declined", "message": "Your card was declined."}})  # fmt: skip
    with capture(execute=True):
        assert post_signed(client, payload).status_code == 200
    return payload


def test_a_setup_is_cancelled_after_three_refused_cards(client, fake_gateway, campaign,
                                                        django_capture_on_commit_callbacks):  # fmt: skip
    # given a card setup handed to a browser
    setup_id = setup_of(start(client, campaign, ATTACKER))

    # when two cards are refused on it, then it still works (a donor may mistype twice)
    for _ in range(2):
        refuse(client, django_capture_on_commit_callbacks, fake_gateway, setup_id)
    assert fake_gateway.calls.count("setup_intent_cancel") == 0
    assert fake_gateway.setups[setup_id]["status"] == "requires_payment_method"

    # when a third is refused
    refuse(client, django_capture_on_commit_callbacks, fake_gateway, setup_id)

    # then the setup is cancelled at the provider, once, and its secret tests no more cards
    assert fake_gateway.calls.count("setup_intent_cancel") == 1
    assert fake_gateway.setups[setup_id]["status"] == "canceled"
    assert CardSetup.objects.get(setup_intent_id=setup_id).closed_at is not None
    with pytest.raises(TerminalGatewayError) as refused:
        fake_gateway.setup_intent_confirm(setup_id, "pm_card_visa")
    assert refused.value.code == "setup_intent_unexpected_state"
    assert CardSetupFailure.objects.filter(setup__setup_intent_id=setup_id).count() == 3


def test_a_client_with_five_refused_cards_loses_its_setups_and_cools_off(client, fake_gateway, campaign,
                                                                          django_capture_on_commit_callbacks):  # fmt: skip
    # given a client holding two card setups
    first = setup_of(start(client, campaign, ATTACKER))
    second = setup_of(start(client, campaign, ATTACKER))

    # when four cards are refused across them, then it may still start a gift
    for setup_id in (first, first, second, second):
        refuse(client, django_capture_on_commit_callbacks, fake_gateway, setup_id)
    assert CardSetup.objects.filter(closed_at__isnull=False).count() == 0
    third = setup_of(start(client, campaign, ATTACKER))

    # when a fifth is refused
    refuse(client, django_capture_on_commit_callbacks, fake_gateway, second)

    # then every setup it holds is cancelled, the untouched one included
    assert {fake_gateway.setups[s]["status"] for s in (first, second, third)} == {"canceled"}
    # and a new gift from it is refused for the cooling period, before anything is created
    gifts, setups_made = Donation.objects.count(), fake_gateway.calls.count("setup_intent_create")
    refused = start(client, campaign, ATTACKER)
    assert refused.status_code == 429
    assert 3500 <= int(refused["Retry-After"]) <= 3601
    assert refused.json()["message"] == (
        "Too many cards were declined from your connection. Please wait 60 minutes and try again."
    )
    assert Donation.objects.count() == gifts
    assert fake_gateway.calls.count("setup_intent_create") == setups_made
    # in the donor's language too
    assert start(client, campaign, ATTACKER, language="zh-hans").json()["message"] == (
        "您的网络连接被拒绝的银行卡过多。请等待 60 分钟后再试。"
    )
    # while a donor elsewhere gives as usual
    assert start(client, campaign, DONOR).status_code == 200


def test_a_donor_refused_once_gives_with_another_card(client, fake_gateway, campaign,
                                                      django_capture_on_commit_callbacks):  # fmt: skip
    # given a donor whose first card is refused
    started = start(client, campaign, DONOR)
    refuse(client, django_capture_on_commit_callbacks, fake_gateway, setup_of(started))

    # when they try again with another card
    again = client.post(reverse("payments:donation_start", kwargs={"slug": campaign.slug}), {
        "amount": "100", "frequency": "one_off", "email": "wang.fang@example.cn", "attempt": str(uuid.uuid4()),
        "website": ""}, REMOTE_ADDR=DONOR)  # fmt: skip
    assert again.status_code == 200
    fake_gateway.setup_intent_confirm(setup_of(again), "pm_card_visa")
    with django_capture_on_commit_callbacks(execute=True):
        charged = client.post(again.json()["charge_url"], REMOTE_ADDR=DONOR).json()

    # then the gift succeeds, and nothing was cancelled
    assert charged["status"] == "succeeded"
    assert fake_gateway.calls.count("setup_intent_cancel") == 0


def test_refused_cards_older_than_the_window_do_not_count(client, fake_gateway, campaign,
                                                           django_capture_on_commit_callbacks):  # fmt: skip
    # given four refused cards from a client, more than an hour ago, on setups since cancelled
    for _ in range(2):
        setup_id = setup_of(start(client, campaign, ATTACKER))
        for _ in range(2):
            refuse(client, django_capture_on_commit_callbacks, fake_gateway, setup_id)
    CardSetupFailure.objects.update(failed_at=timezone.now() - timedelta(seconds=3601))

    # when one more card is refused now
    refuse(
        client, django_capture_on_commit_callbacks, fake_gateway, setup_of(start(client, campaign, ATTACKER))
    )

    # then the client is not cooling off, and no setup was cancelled
    assert start(client, campaign, ATTACKER).status_code == 200
    assert fake_gateway.calls.count("setup_intent_cancel") == 0


def test_a_cancellation_the_provider_cannot_take_is_retried_and_counted_once(client, fake_gateway, campaign,
                                                                             django_capture_on_commit_callbacks):  # fmt: skip
    # given a setup with two refused cards
    setup_id = setup_of(start(client, campaign, ATTACKER))
    for _ in range(2):
        refuse(client, django_capture_on_commit_callbacks, fake_gateway, setup_id)

    # when the third refusal arrives while the provider is down
    fake_gateway.fail_next("setup_intent_cancel", RetryableGatewayError("503", code="provider_error"))
    payload = refuse(client, django_capture_on_commit_callbacks, fake_gateway, setup_id)

    # then the event waits, the count is rolled back and the setup is not marked closed
    stored = WebhookEvent.objects.get(event_id=payload["id"])
    assert stored.status == WebhookStatus.WAITING
    assert CardSetupFailure.objects.count() == 2
    assert CardSetup.objects.get(setup_intent_id=setup_id).closed_at is None

    # when it is retried, and delivered again by the provider
    assert webhook_process(event_pk=stored.pk) == WebhookStatus.PROCESSED
    with django_capture_on_commit_callbacks(execute=True):
        post_signed(client, payload)

    # then it was counted once and the setup is cancelled
    assert CardSetupFailure.objects.count() == 3
    assert fake_gateway.setups[setup_id]["status"] == "canceled"


def test_without_a_client_address_only_the_setup_limit_applies(client, fake_gateway, campaign,
                                                                django_capture_on_commit_callbacks):  # fmt: skip
    # given a setup from a request without an address (none recorded)
    setup_id = setup_of(start(client, campaign, ""))
    assert CardSetup.objects.get(setup_intent_id=setup_id).client_ip is None

    # when three cards are refused, then the setup is cancelled and no one is put to cool off
    for _ in range(3):
        refuse(client, django_capture_on_commit_callbacks, fake_gateway, setup_id)
    assert fake_gateway.setups[setup_id]["status"] == "canceled"
    assert start(client, campaign, "").status_code == 200


def test_a_monthly_gifts_new_card_setups_are_counted_closed_and_cooled_like_a_gifts(
    client, fake_gateway, campaign, settings, django_capture_on_commit_callbacks
):
    # given a card tester who gave one small monthly gift and signed in by email link (review
    # finding 1: "give my monthly gift a new card" handed out setups nobody counted)
    from django.core.cache import cache

    from payments.donor_accounts.services import SESSION_KEY
    from payments.models import MonthlyPlan
    from tests.builders import gift

    cache.clear()
    settings.PAYMENTS_RATE_LIMIT_IP = settings.PAYMENTS_RATE_LIMIT_EMAIL = "100/600"
    plan = MonthlyPlan.objects.get(
        donor=gift(campaign, 1_000, email="tester@example.cn", frequency="monthly").donor
    )
    session = client.session
    session[SESSION_KEY] = {"d": plan.donor.pk, "v": plan.donor.link_version}
    session.save()
    url = f"/en/payments/account/monthly/{plan.pk}/card/start/"

    def new_setup():
        response = client.post(url, REMOTE_ADDR=ATTACKER)
        assert response.status_code == 200, response.content
        plan.refresh_from_db()
        return plan.card_setup_intent_id

    # when three stolen cards are refused on one new-card setup
    first = new_setup()
    assert CardSetup.objects.get(setup_intent_id=first).client_ip == ATTACKER
    for _ in range(3):
        refuse(client, django_capture_on_commit_callbacks, fake_gateway, first)

    # then that setup is cancelled at the provider: its secret tries no more cards
    assert CardSetup.objects.get(setup_intent_id=first).closed_at is not None
    assert CardSetupFailure.objects.filter(setup__setup_intent_id=first).count() == 3

    # when two more are refused on a second setup, the client's limit (5 an hour) is reached
    second = new_setup()
    for _ in range(2):
        refuse(client, django_capture_on_commit_callbacks, fake_gateway, second)

    # then its setups are closed and it gets no new one while it cools off (429, Retry-After)
    assert CardSetup.objects.get(setup_intent_id=second).closed_at is not None
    refused = client.post(url, REMOTE_ADDR=ATTACKER)
    assert refused.status_code == 429
    assert 0 < int(refused["Retry-After"]) <= 3600
    plan.refresh_from_db()
    assert plan.card_setup_intent_id == second
    assert CardSetup.objects.filter(plan=plan).count() == 2


def test_new_card_setups_of_a_monthly_gift_are_rate_limited(client, fake_gateway, campaign, settings):
    from django.core.cache import cache

    from payments.donor_accounts.services import SESSION_KEY
    from payments.models import MonthlyPlan
    from tests.builders import gift

    cache.clear()
    settings.PAYMENTS_RATE_LIMIT_IP = "3/600"
    plan = MonthlyPlan.objects.get(
        donor=gift(campaign, 1_000, email="loop@example.cn", frequency="monthly").donor
    )
    session = client.session
    session[SESSION_KEY] = {"d": plan.donor.pk, "v": plan.donor.link_version}
    session.save()
    url = f"/en/payments/account/monthly/{plan.pk}/card/start/"

    answers = [client.post(url, REMOTE_ADDR=DONOR).status_code for _ in range(4)]

    assert answers == [200, 200, 200, 429]
    assert CardSetup.objects.filter(plan=plan).count() == 3
