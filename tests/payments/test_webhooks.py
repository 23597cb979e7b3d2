"""The webhook endpoint and inbox: verification, exactly-once, out of order, storms."""

import json
import random

import pytest

from payments.figures.selectors import campaign_totals_uncached
from payments.ledger.services import balance_of, escrow_account
from payments.models import DonationStatus, LedgerEntry, WebhookEvent, WebhookStatus
from tests.payments.conftest import cny, event, post_signed
from tests.payments.factories import charged_but_unheard

pytestmark = pytest.mark.django_db


def succeeded_event(donation, n=1):
    return event(f"evt_ok_{donation.pk}_{n}", "payment_intent.succeeded",
                 {"id": donation._intent_id, "object": "payment_intent", "status": "succeeded",
                  "metadata": {"donation_id": str(donation.public_id)}})  # fmt: skip


def test_bad_signature_gets_400_and_stores_nothing(client, fake_gateway, campaign):
    gift = charged_but_unheard(campaign, "100", email="a@example.cn")

    response = post_signed(client, succeeded_event(gift), bad=True)

    assert response.status_code == 400
    assert not WebhookEvent.objects.exists()
    assert not LedgerEntry.objects.exists()


def test_wrong_secret_and_malformed_bodies_get_400(client, fake_gateway):
    assert post_signed(client, event("evt_1", "x", {}), secret="whsec_other").status_code == 400
    assert post_signed(client, b"{not json").status_code == 400
    assert post_signed(client, {"id": "evt_2"}).status_code == 400
    assert (
        client.post("/payments/webhooks/stripe/", data=b"{}", content_type="application/json").status_code
        == 400
    )
    assert not WebhookEvent.objects.exists()


def test_duplicate_event_is_a_2xx_no_op(client, fake_gateway, campaign, django_capture_on_commit_callbacks):
    gift = charged_but_unheard(campaign, "88", email="a@example.cn")

    with django_capture_on_commit_callbacks(execute=True):
        first = post_signed(client, succeeded_event(gift))
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        second = post_signed(client, succeeded_event(gift))

    assert (first.status_code, second.status_code) == (200, 200)
    assert json.loads(second.content)["duplicate"] is True
    assert callbacks == []  # nothing queued for the duplicate
    assert WebhookEvent.objects.count() == 1
    assert balance_of(escrow_account(campaign)) == cny("88")


def test_unknown_event_type_is_stored_and_ignored(client, fake_gateway, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        post_signed(client, event("evt_x", "customer.created", {"id": "cus_1"}))
    assert WebhookEvent.objects.get().status == WebhookStatus.IGNORED


def test_stale_failure_after_success_changes_nothing(client, fake_gateway, campaign,
                                                     django_capture_on_commit_callbacks):  # fmt: skip
    gift = charged_but_unheard(campaign, "60", email="a@example.cn")
    stale = event("evt_old_fail", "payment_intent.payment_failed",
                  {"id": gift._intent_id, "metadata": {"donation_id": str(gift.public_id)}})  # fmt: skip

    with django_capture_on_commit_callbacks(execute=True):
        post_signed(client, succeeded_event(gift))
        post_signed(client, stale)

    gift.refresh_from_db()
    assert gift.status == DonationStatus.SUCCEEDED
    assert balance_of(escrow_account(campaign)) == cny("60")


def test_handler_error_marks_event_failed_and_sweeper_retries(client, fake_gateway, campaign,
                                                              django_capture_on_commit_callbacks):  # fmt: skip
    from payments.gateway.card import RetryableGatewayError
    from payments.webhooks.services import webhook_process

    gift = charged_but_unheard(campaign, "70", email="a@example.cn")
    fake_gateway.fail_next("payment_intent_retrieve", RetryableGatewayError("down"))

    with django_capture_on_commit_callbacks(execute=True):
        post_signed(client, succeeded_event(gift))
    stored = WebhookEvent.objects.get()
    assert stored.status == WebhookStatus.FAILED
    assert not LedgerEntry.objects.exists()

    assert webhook_process(event_pk=stored.pk) == WebhookStatus.PROCESSED
    assert balance_of(escrow_account(campaign)) == cny("70")


def test_storm_each_event_three_times_shuffled_with_bad_signatures(client, fake_gateway, campaign,
                                                                   django_capture_on_commit_callbacks):  # fmt: skip
    # given 20 gifts charged at the provider (4 of them declined) that we only learn of by webhook
    rng = random.Random(20261129)
    amounts = [f"{rng.randint(10, 5000)}.{rng.randint(0, 99):02d}" for _ in range(20)]
    gifts = []
    for i, amount in enumerate(amounts):
        pm = "pm_card_chargeCustomerFail" if i % 5 == 0 else "pm_card_visa"
        gifts.append(charged_but_unheard(campaign, amount, email=f"d{i}@example.cn", payment_method=pm))
    events = []
    for g in gifts:
        declined = fake_gateway.intents[g._intent_id]["status"] != "succeeded"
        type_ = "payment_intent.payment_failed" if declined else "payment_intent.succeeded"
        events.append(
            event(f"evt_{g.pk}", type_, {"id": g._intent_id, "metadata": {"donation_id": str(g.public_id)}})
        )
        # and, out of order, a stale "requires_action" for every gift
        events.append(event(f"evt_ra_{g.pk}", "payment_intent.requires_action", {"id": g._intent_id}))
    deliveries = [(e, False) for e in events for _ in range(3)] + [(e, True) for e in rng.sample(events, 10)]
    rng.shuffle(deliveries)

    # when the storm arrives
    codes = []
    with django_capture_on_commit_callbacks(execute=True):
        for payload, bad in deliveries:
            codes.append(post_signed(client, payload, bad=bad).status_code)

    # then the ledger holds exactly the successful gifts, to the cent
    expected = sum((cny(a) for i, a in enumerate(amounts) if i % 5 != 0), cny(0))
    assert codes.count(400) == 10
    assert codes.count(200) == 120
    assert WebhookEvent.objects.count() == 40
    assert balance_of(escrow_account(campaign)) == expected
    assert LedgerEntry.objects.filter(kind="donation.captured").count() == 16
    totals = campaign_totals_uncached(campaign=campaign)
    assert (totals.raised, totals.donors) == (expected, 16)
    assert sorted({g.status for g in gifts for g in [type(g).objects.get(pk=g.pk)]}) == [
        "failed",
        "succeeded",
    ]
