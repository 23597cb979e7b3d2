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


def test_handler_error_leaves_event_waiting_and_sweeper_retries(client, fake_gateway, campaign,
                                                                 django_capture_on_commit_callbacks):  # fmt: skip
    from payments.gateway.card import RetryableGatewayError
    from payments.webhooks.services import webhook_process

    gift = charged_but_unheard(campaign, "70", email="a@example.cn")
    fake_gateway.fail_next("payment_intent_retrieve", RetryableGatewayError("down"))

    with django_capture_on_commit_callbacks(execute=True):
        post_signed(client, succeeded_event(gift))
    stored = WebhookEvent.objects.get()
    assert (stored.status, stored.attempts) == (WebhookStatus.WAITING, 1)
    assert stored.next_attempt_at is not None
    assert "down" in stored.error
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


# --- §9: the endpoint never answers 500 ---------------------------------------------------------
def post_raw(client, body: bytes, *, timestamp: int | None = None):
    """Post ``body`` exactly as given, correctly signed (Stripe's scheme) at ``timestamp``."""
    from payments.gateway.card_fake import sign_payload

    signed, header = sign_payload(body, secret="whsec_clearfund_tests", timestamp=timestamp)
    return client.post("/payments/webhooks/stripe/", data=signed, content_type="application/json",
                       HTTP_STRIPE_SIGNATURE=header)  # fmt: skip


@pytest.mark.parametrize(
    "body",
    [
        b"[1,2]",
        b"null",
        b'"evt_just_a_string"',
        b"42",
        b"{}",
        b'{"id": "evt_no_type", "data": {"object": {}}}',
        b'{"type": "charge.refunded", "data": {"object": {}}}',
        b'{"id": 17, "type": "charge.refunded", "data": {"object": {}}}',
        b'{"id": "evt_t", "type": ["charge.refunded"], "data": {"object": {}}}',
        b'{"id": "evt_no_object", "type": "charge.refunded", "data": {"object": [1]}}',
        b'{"id": "evt_no_data", "type": "charge.refunded", "data": null}',
        b'{"id": "evt_nul\\u0000", "type": "charge.refunded", "data": {"object": {}}}',
        b'{"id": "evt_nul_deep", "type": "charge.refunded", "data": {"object": {"metadata": {"x": "a\\u0000b"}}}}',
        b'{"id": "evt_nul_key", "type": "charge.refunded", "data": {"object": {"a\\u0000": 1}}}',
        b'{"id": "evt_surrogate", "type": "charge.refunded", "data": {"object": {"x": "\\ud800"}}}',
        b'{"id": "evt_' + b"x" * 300 + b'", "type": "charge.refunded", "data": {"object": {}}}',
        b'{"id": "evt_long_type", "type": "' + b"t" * 101 + b'", "data": {"object": {}}}',
        b'{"id": "evt_latin1", "type": "charge.refunded", "data": {"object": {"x": "\xe9"}}}',
        b"\xff\xfe\x00{",
        b"[" * 100_000 + b"]" * 100_000,
    ],
    ids=["list", "null", "string", "number", "empty-object", "no-type", "no-id", "id-not-string",
         "type-not-string", "object-not-object", "data-null", "nul-in-id", "nul-deep", "nul-in-key",
         "lone-surrogate", "id-too-long", "type-too-long", "latin1-bytes", "utf16-bytes", "deep-nesting"],
)  # fmt: skip
def test_correctly_signed_body_that_is_not_a_storable_event_gets_400_and_stores_nothing(client, fake_gateway,
                                                                                         body):  # fmt: skip
    # given a body signed with our secret but that is no event we could store
    # when it is posted
    response = post_raw(client, body)

    # then a 4xx with a reason, and nothing written
    assert response.status_code == 400
    assert json.loads(response.content)["received"] is False
    assert json.loads(response.content)["error"]
    assert not WebhookEvent.objects.exists()


@pytest.mark.parametrize("skew", [-301, -3600, 301, 86_400])
def test_timestamp_outside_the_tolerance_either_way_gets_400(client, fake_gateway, skew):
    import time

    # given a good event signed too long ago or in the future (Stripe's tolerance: 300 s)
    body = json.dumps(event("evt_skewed", "customer.created", {"id": "cus_1"})).encode()

    # when it is posted
    response = post_raw(client, body, timestamp=int(time.time()) + skew)

    # then it is refused and nothing is stored
    assert response.status_code == 400
    assert not WebhookEvent.objects.exists()


@pytest.mark.parametrize("skew", [-240, 0, 240])
def test_timestamp_inside_the_tolerance_is_accepted(client, fake_gateway, skew):
    import time

    body = json.dumps(event(f"evt_in_{skew + 1000}", "customer.created", {"id": "cus_1"})).encode()

    response = post_raw(client, body, timestamp=int(time.time()) + skew)

    assert response.status_code == 200
    assert WebhookEvent.objects.count() == 1


def test_longest_storable_id_and_type_are_accepted(client, fake_gateway, django_capture_on_commit_callbacks):
    # given an id and a type exactly as long as their columns, with non-ASCII text in the object
    payload = event("e" * 255, "t" * 100, {"id": "obj_1", "description": "白内障手术 ✓"})

    with django_capture_on_commit_callbacks(execute=True):
        response = post_signed(client, payload)

    # then it is stored and, being of an unknown type, ignored
    assert response.status_code == 200
    stored = WebhookEvent.objects.get()
    assert (len(stored.event_id), len(stored.type), stored.status) == (255, 100, WebhookStatus.IGNORED)
    assert stored.payload["data"]["object"]["description"] == "白内障手术 ✓"


def test_get_is_refused_without_a_500(client):
    assert client.get("/payments/webhooks/stripe/").status_code == 405


# --- events come in any order: an event about an object we do not know yet waits ---------------
def test_success_for_an_intent_no_gift_has_yet_waits_then_takes_effect_when_the_gift_is_known(
    client, fake_gateway, campaign, django_capture_on_commit_callbacks
):
    from datetime import timedelta

    from django.utils import timezone

    from payments.webhooks.services import webhook_retry_ids
    from payments.webhooks.tasks import webhook_sweep

    # given a gift charged at the provider, whose intent id and donation id the event does not name yet
    gift = charged_but_unheard(campaign, "120", email="a@example.cn")
    early = event("evt_early", "payment_intent.succeeded", {"id": gift._intent_id, "status": "succeeded"})

    # when its success arrives before we stored the intent id
    with django_capture_on_commit_callbacks(execute=True):
        assert post_signed(client, early).status_code == 200

    # then it waits, with a reason and a next attempt, and nothing is posted
    stored = WebhookEvent.objects.get()
    assert (stored.status, stored.attempts, stored.error) == (
        WebhookStatus.WAITING, 1, "no gift for this payment intent yet")  # fmt: skip
    assert timezone.now() < stored.next_attempt_at <= timezone.now() + timedelta(minutes=1)
    assert not LedgerEntry.objects.exists()
    assert webhook_retry_ids() == []  # not due yet

    # when the gift learns its intent id and the sweeper runs after the backoff
    type(gift).objects.filter(pk=gift.pk).update(provider_payment_intent_id=gift._intent_id)
    WebhookEvent.objects.filter(pk=stored.pk).update(next_attempt_at=timezone.now() - timedelta(seconds=1))
    assert webhook_sweep() == 1

    # then the gift is in escrow once and the event processed
    stored.refresh_from_db()
    assert (stored.status, stored.attempts) == (WebhookStatus.PROCESSED, 2)
    assert balance_of(escrow_account(campaign)) == cny("120")
    assert LedgerEntry.objects.filter(kind="donation.captured").count() == 1


def test_event_about_an_unknown_object_backs_off_then_fails_and_is_audited(client, fake_gateway, settings,
                                                                           django_capture_on_commit_callbacks):  # fmt: skip
    from django.utils import timezone

    from campaigns.models import AuditEvent
    from payments.webhooks.services import webhook_process

    settings.PAYMENTS_WEBHOOK_MAX_ATTEMPTS = 4
    orphan = event("evt_orphan", "payment_intent.succeeded", {"id": "pi_nobody_knows", "status": "succeeded"})
    with django_capture_on_commit_callbacks(execute=True):
        post_signed(client, orphan)
    stored = WebhookEvent.objects.get()

    # when it is retried: 1, 2, 4 minutes apart
    waits = []
    for _ in range(2):
        stored.refresh_from_db()
        waits.append(round((stored.next_attempt_at - timezone.now()).total_seconds() / 60))
        webhook_process(event_pk=stored.pk)
    stored.refresh_from_db()
    waits.append(round((stored.next_attempt_at - timezone.now()).total_seconds() / 60))
    assert waits == [1, 2, 4]
    assert stored.status == WebhookStatus.WAITING

    # and the last allowed attempt still finds nothing
    assert webhook_process(event_pk=stored.pk) == WebhookStatus.FAILED

    # then it is failed for finance, audited, never processed, and no longer retried
    stored.refresh_from_db()
    assert (stored.attempts, stored.next_attempt_at, stored.processed_at) == (4, None, None)
    audit = AuditEvent.objects.get(action="webhook.failed")
    assert audit.data == {"event_id": "evt_orphan", "type": "payment_intent.succeeded", "attempts": 4}
    assert webhook_process(event_pk=stored.pk) == WebhookStatus.FAILED
    assert WebhookEvent.objects.get().attempts == 4
    assert not LedgerEntry.objects.exists()


def test_event_waiting_longer_than_the_maximum_wait_fails(client, fake_gateway, settings,
                                                         django_capture_on_commit_callbacks):  # fmt: skip
    from datetime import timedelta

    from django.utils import timezone

    from payments.webhooks.services import webhook_process

    orphan = event("evt_old_orphan", "charge.dispute.created",
                   {"id": "dp_x", "charge": "ch_nobody", "amount": 100, "currency": "cny"})  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        post_signed(client, orphan)
    WebhookEvent.objects.update(
        received_at=timezone.now() - settings.PAYMENTS_WEBHOOK_MAX_WAIT - timedelta(1)
    )

    assert webhook_process(event_pk=WebhookEvent.objects.get().pk) == WebhookStatus.FAILED
    assert WebhookEvent.objects.get().attempts == 2


def test_finance_sees_the_inbox_read_only_in_the_admin(
    client, fake_gateway, django_capture_on_commit_callbacks
):
    from django.contrib.auth.models import Group, Permission, User
    from django.urls import reverse

    # given a finance officer and an event waiting for a gift we do not know
    finance = User.objects.create_user("fin", password="x", is_staff=True)
    finance.groups.add(Group.objects.get(name="Finance officers"))
    finance.user_permissions.add(Permission.objects.get(codename="access_admin"))
    with django_capture_on_commit_callbacks(execute=True):
        post_signed(client, event("evt_lost_1", "payment_intent.succeeded", {"id": "pi_lost"}))
    client.force_login(finance)

    # when they open the inbox filtered to waiting events
    listing = client.get(reverse("webhook_inbox:index") + "?status=waiting")

    # then they see it and why it waits, and cannot add or edit events
    assert listing.status_code == 200
    assert b"evt_lost_1" in listing.content
    assert (
        "等待中：尚无这笔付款对应的捐赠。" in listing.content.decode()
    )  # the stored note, in the admin's language
    pk = WebhookEvent.objects.get().pk
    assert client.get(reverse("webhook_inbox:add")).status_code in (302, 403)
    assert client.get(reverse("webhook_inbox:edit", args=[pk])).status_code in (302, 403)
    assert client.get(reverse("webhook_inbox:inspect", args=[pk])).status_code == 200
