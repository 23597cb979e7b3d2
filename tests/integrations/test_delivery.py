"""Outbound webhooks (issue 15) delivered to a real local HTTP receiver: signed, retried with
backoff, delivered once, replayable, per event type, with public data only."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from campaigns.services import campaign_approve, campaign_submit
from integrations.delivery import backoff_seconds, delivery_send
from integrations.models import DeliveryStatus, EventType, OutboundEvent, WebhookDelivery
from integrations.services import event_fan_out
from integrations.signing import SignatureError, signature_header, verify
from payments.releases.models import Release
from payments.releases.signals import release_paid
from tests.builders import gift, paid_release
from tests.factories import CampaignFactory, PartnerFactory
from tests.verification.factories import BeneficiaryFactory

pytestmark = pytest.mark.django_db

GIFT = EventType.GIFT_RECEIVED


@pytest.fixture
def campaign():
    return CampaignFactory(status="live")


def _give(campaign, capture, minor=30_000, **extra):
    with capture(execute=True):
        return gift(campaign, minor, **extra)


def test_a_gift_is_delivered_signed_and_the_signature_verifies(
    campaign, receiver, subscribe, fake_gateway, django_capture_on_commit_callbacks
):
    # given a subscription to gifts received
    subscription, secret = subscribe(receiver.url, [GIFT])

    # when a gift is received
    donation = _give(campaign, django_capture_on_commit_callbacks, 30_000)

    # then the receiver got one POST whose signature verifies with the secret shown once
    assert len(receiver.requests) == 1
    request = receiver.requests[0]
    assert request.path == "/hooks/clearfund"
    verify(body=request.body, header=request.headers["Clearfund-Signature"], secret=secret)
    payload = json.loads(request.body)
    event = OutboundEvent.objects.get()
    assert payload == {
        "id": event.public_id,
        "type": "gift.received",
        "schema": 1,
        "created": event.created_at.isoformat().replace("+00:00", "Z"),
        "data": {
            "gift": {"id": str(donation.public_id), "amount": "300.00", "amount_minor": 30_000, "currency": "CNY",
                     "frequency": "one_off", "received_at": donation.captured_at.isoformat().replace("+00:00", "Z")},
            "campaign": {"id": campaign.pk, "slug": campaign.slug},
        },
    }  # fmt: skip
    assert request.headers["Clearfund-Event-Id"] == event.public_id
    assert request.headers["Clearfund-Event-Type"] == "gift.received"
    delivery = WebhookDelivery.objects.get()
    assert (delivery.subscription_id, delivery.status, delivery.delivered_at is not None) == (
        subscription.pk, DeliveryStatus.DELIVERED, True)  # fmt: skip
    assert [(a.status_code, a.problem, a.replay) for a in delivery.attempts.all()] == [(200, "", False)]


def test_the_verify_helper_refuses_a_tampered_body_an_old_timestamp_and_a_wrong_secret():
    body = b'{"id":"evt_1","type":"gift.received"}'
    header = signature_header(secret="whsec_right", body=body, timestamp=1_700_000_000)

    assert verify(body=body, header=header, secret="whsec_right", now=1_700_000_100) == 1_700_000_000
    with pytest.raises(SignatureError, match="does not match"):
        verify(body=body.replace(b"gift", b"gilt"), header=header, secret="whsec_right", now=1_700_000_100)
    with pytest.raises(SignatureError, match="tolerance"):
        verify(body=body, header=header, secret="whsec_right", now=1_700_000_000 + 301)
    with pytest.raises(SignatureError, match="does not match"):
        verify(body=body, header=header, secret="whsec_wrong", now=1_700_000_100)
    with pytest.raises(SignatureError, match="timestamp"):
        verify(body=body, header="v1=abc", secret="whsec_right")
    # a replayed request with a fresh timestamp but the old signature does not verify either
    forged = header.replace("t=1700000000", "t=1700000200")
    with pytest.raises(SignatureError, match="does not match"):
        verify(body=body, header=forged, secret="whsec_right", now=1_700_000_200)


def test_a_receiver_that_is_down_gets_retries_with_growing_waits_then_the_delivery_fails(
    campaign, closed_port_url, subscribe, fake_gateway, settings, django_capture_on_commit_callbacks
):
    # given a subscription whose receiver is down, four attempts per round
    settings.INTEGRATIONS_WEBHOOKS_MAX_ATTEMPTS = 4
    subscribe(closed_port_url, [GIFT])

    # when a gift is received: the first attempt fails
    _give(campaign, django_capture_on_commit_callbacks)
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == DeliveryStatus.RETRYING
    waits = [delivery.next_attempt_at - delivery.attempts.get().started_at]

    # and an attempt asked for before it is due does nothing
    assert delivery_send(delivery_id=delivery.pk) == DeliveryStatus.RETRYING
    assert delivery.attempts.count() == 1

    # when each retry is made when due
    statuses = []
    for _ in range(3):
        delivery.refresh_from_db()
        due = delivery.next_attempt_at
        statuses.append(delivery_send(delivery_id=delivery.pk, now=due))
        delivery.refresh_from_db()
        if delivery.next_attempt_at:
            waits.append(delivery.next_attempt_at - timezone.now())

    # then it retried with exponential backoff and jitter (base 30 s: 15–30, 30–60, 60–120 s), then failed
    assert statuses == [DeliveryStatus.RETRYING, DeliveryStatus.RETRYING, DeliveryStatus.FAILED]
    bounds = [(15, 30), (30, 60), (60, 120)]
    for wait, (low, high) in zip(waits, bounds, strict=True):
        assert low - 1 <= wait.total_seconds() <= high + 1, (waits, bounds)
    attempts = list(delivery.attempts.all())
    assert len(attempts) == 4
    assert all(a.status_code is None and a.problem == "network" and a.error for a in attempts)
    assert delivery.next_attempt_at is None
    # and a failed delivery is not attempted again by a redelivered task or the sweep
    assert (
        delivery_send(delivery_id=delivery.pk, now=timezone.now() + timedelta(days=1))
        == DeliveryStatus.FAILED
    )
    assert delivery.attempts.count() == 4


def test_backoff_grows_exponentially_with_jitter_up_to_the_cap(settings):
    settings.INTEGRATIONS_WEBHOOKS_BACKOFF_SECONDS = 30
    settings.INTEGRATIONS_WEBHOOKS_BACKOFF_MAX_SECONDS = 3600

    for attempt, ceiling in [(1, 30), (2, 60), (5, 480), (8, 3600), (20, 3600)]:
        waits = [backoff_seconds(attempt) for _ in range(50)]
        assert all(ceiling / 2 <= w <= ceiling for w in waits)
        assert len(set(waits)) > 1  # jitter: not every sender at the same moment


def test_a_receiver_answering_500_then_200_gets_the_event_delivered_once(
    campaign, receiver, subscribe, fake_gateway, django_capture_on_commit_callbacks
):
    # given a receiver that fails once, then accepts
    receiver.answers = [500, 200]
    _subscription, secret = subscribe(receiver.url, [GIFT])

    # when a gift is received and the retry is made when due
    _give(campaign, django_capture_on_commit_callbacks)
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == DeliveryStatus.RETRYING
    assert delivery_send(delivery_id=delivery.pk, now=delivery.next_attempt_at) == DeliveryStatus.DELIVERED
    # and the task is redelivered later
    assert delivery_send(delivery_id=delivery.pk, now=timezone.now() + timedelta(hours=1)) == "delivered"

    # then two requests of the same event, each signed afresh, and no third
    assert len(receiver.requests) == 2
    first, second = (json.loads(r.body) for r in receiver.requests)
    assert first == second
    for request in receiver.requests:
        verify(body=request.body, header=request.headers["Clearfund-Signature"], secret=secret)
    assert [(a.status_code, a.problem) for a in delivery.attempts.all()] == [(500, "status"), (200, "")]


def test_a_domain_event_announced_twice_makes_one_delivery(
    verifier, finance_officer, receiver, subscribe, fake_gateway, django_capture_on_commit_callbacks, settings,
    tmp_path,
):  # fmt: skip
    # given a subscription to releases paid, and a release paid from a gift
    settings.PRIVATE_STORAGE_ROOT = tmp_path / "private"
    subscribe(receiver.url, [EventType.RELEASE_PAID])
    beneficiary = BeneficiaryFactory(verified_by=verifier)
    gift(beneficiary.campaign, 300_000)
    with django_capture_on_commit_callbacks(execute=True):
        release = paid_release(beneficiary=beneficiary, partner=PartnerFactory(), verifier=verifier,
                               finance_officer=finance_officer)  # fmt: skip

    # when the signal is sent again (a repeated announcement) and the fan-out runs again
    with django_capture_on_commit_callbacks(execute=True):
        release_paid.send(sender=Release, release_id=release.pk, campaign_id=release.campaign_id)
    event = OutboundEvent.objects.get(type=EventType.RELEASE_PAID)
    assert event_fan_out(event_id=event.pk) == []

    # then one event, one delivery, one request
    assert OutboundEvent.objects.filter(key=f"release:{release.pk}:paid").count() == 1
    assert WebhookDelivery.objects.count() == 1
    assert len(receiver.requests) == 1
    data = json.loads(receiver.requests[0].body)["data"]
    assert data["release"]["id"] == release.pk
    assert data["release"]["amount_minor"] == 300_000
    assert data["release"]["status"] == "paid"


def test_a_subscription_to_another_event_type_receives_nothing(
    campaign, receiver, subscribe, fake_gateway, django_capture_on_commit_callbacks
):
    # given one subscription to refunds only and one, inactive, to gifts
    subscribe(receiver.url, [EventType.REFUND_MADE])
    inactive, _secret = subscribe(receiver.url, [GIFT], name="Paused")
    type(inactive).objects.filter(pk=inactive.pk).update(is_active=False)

    # when a gift is received
    _give(campaign, django_capture_on_commit_callbacks)

    # then the event is recorded but nobody receives it
    event = OutboundEvent.objects.get(type=GIFT)
    assert event.fanned_out_at is not None
    assert WebhookDelivery.objects.count() == 0
    assert receiver.requests == []


def test_a_campaign_published_and_closed_is_announced(
    editor, verifier, finance_officer, receiver, subscribe, django_capture_on_commit_callbacks
):
    # given a subscription to campaigns published and closed, and a draft campaign
    subscribe(receiver.url, [EventType.CAMPAIGN_PUBLISHED, EventType.CAMPAIGN_CLOSED])
    campaign = CampaignFactory(status="draft")

    # when it is submitted, approved (live) and closed
    from campaigns.services import campaign_close

    with django_capture_on_commit_callbacks(execute=True):
        campaign_submit(campaign=campaign, actor=editor)
    with django_capture_on_commit_callbacks(execute=True):
        campaign_approve(campaign=campaign, actor=verifier)
    with django_capture_on_commit_callbacks(execute=True):
        campaign_close(campaign=campaign, actor=finance_officer, reason="Goal reached")

    # then two events, in order, and nothing for the submission
    types = [json.loads(r.body)["type"] for r in receiver.requests]
    assert types == ["campaign.published", "campaign.closed"]
    data = json.loads(receiver.requests[0].body)["data"]["campaign"]
    assert (data["id"], data["slug"], data["status"], data["goal"]["amount"]) == (
        campaign.pk, campaign.slug, "live", "300000.00")  # fmt: skip


def test_the_readme_verify_helper_for_integrators_agrees_with_the_signer():
    # given the receiver-side check as printed in the README's "Webhooks" section
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    section = readme[readme.index("## Webhooks") :]
    code = section[
        section.index("```python") + len("```python") : section.index("```\n", section.index("```python"))
    ]
    namespace: dict = {}
    exec(code, namespace)
    clearfund_verify = namespace["clearfund_verify"]
    body = b'{"id":"evt_1"}'

    # then a fresh request verifies, a tampered one, a wrong secret and an old timestamp do not
    clearfund_verify(body, signature_header(secret="whsec_s", body=body), "whsec_s")
    for bad_body, header, secret in [
        (b'{"id":"evt_2"}', signature_header(secret="whsec_s", body=body), "whsec_s"),
        (body, signature_header(secret="whsec_s", body=body), "whsec_other"),
        (body, signature_header(secret="whsec_s", body=body, timestamp=1_700_000_000), "whsec_s"),
    ]:
        with pytest.raises(ValueError):
            clearfund_verify(bad_body, header, secret)


def test_the_sweep_sends_what_was_never_queued_and_what_a_dead_worker_left(
    campaign, receiver, subscribe, fake_gateway, django_capture_on_commit_callbacks
):
    from integrations.tasks import webhooks_sweep

    # given a gift whose event fan-out and delivery tasks were never queued (broker down)
    subscribe(receiver.url, [GIFT])
    with django_capture_on_commit_callbacks(execute=True):
        gift(campaign, 30_000)
    receiver.requests.clear()
    WebhookDelivery.objects.all().delete()
    OutboundEvent.objects.update(fanned_out_at=None)

    # when the sweep runs: it fans out and sends
    with django_capture_on_commit_callbacks(execute=False):
        assert webhooks_sweep() == 1
    assert len(receiver.requests) == 1
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == DeliveryStatus.DELIVERED

    # given a second subscription whose delivery a worker claimed and then died (lease running)
    second, _secret = subscribe(receiver.url, [GIFT], name="Second")
    event = OutboundEvent.objects.get()
    stuck = WebhookDelivery.objects.create(event=event, subscription=second, status=DeliveryStatus.SENDING,
                                           attempts_in_round=1, lease_until=timezone.now() + timedelta(seconds=40))  # fmt: skip

    # then a task or sweep while the lease runs sends nothing; after it ran out, the delivery is sent
    assert delivery_send(delivery_id=stuck.pk) == DeliveryStatus.SENDING
    assert webhooks_sweep() == 0
    assert len(receiver.requests) == 1
    WebhookDelivery.objects.filter(pk=stuck.pk).update(lease_until=timezone.now() - timedelta(seconds=1))
    assert webhooks_sweep() == 1
    stuck.refresh_from_db()
    assert (stuck.status, len(receiver.requests)) == (DeliveryStatus.DELIVERED, 2)
