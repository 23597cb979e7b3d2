"""The webhooks admin (issue 15): finance officers only, the secret shown once, bad input a 400,
the delivery log with its attempts, replay by hand with the same event id."""

from __future__ import annotations

import json
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from integrations.models import DeliveryStatus, EventType, WebhookDelivery, WebhookSubscription
from integrations.signing import verify
from tests.builders import gift
from tests.factories import CampaignFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def campaign():
    return CampaignFactory(status="live")


def test_other_staff_may_not_see_or_manage_webhooks(client, editor):
    client.force_login(editor)

    for name in ("integrations_subscriptions", "integrations_subscription_add", "integrations_deliveries"):
        assert client.get(reverse(name)).status_code == 403
    response = client.post(reverse("integrations_subscription_add"),
                           {"name": "x", "url": "https://example.org/h", "event_types": ["gift.received"]})  # fmt: skip
    assert response.status_code == 403
    assert WebhookSubscription.objects.count() == 0


def test_a_finance_officer_adds_a_subscription_and_sees_its_secret_once(client, finance_officer):
    client.force_login(finance_officer)

    # when a subscription is added
    response = client.post(reverse("integrations_subscription_add"), {
        "name": "Yongzhou Eye Hospital", "url": "https://hooks.example.org/clearfund",
        "event_types": ["release.paid", "outcome.verified"],
    })  # fmt: skip

    # then the answer shows the secret, and no later page does
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    subscription = WebhookSubscription.objects.get()
    assert subscription.secret.startswith("whsec_")
    assert subscription.secret in response.content.decode()
    assert subscription.event_types == ["release.paid", "outcome.verified"]
    listing = client.get(reverse("integrations_subscriptions")).content.decode()
    edit = client.get(reverse("integrations_subscription", args=[subscription.pk])).content.decode()
    assert subscription.secret not in listing + edit
    # and event types are shown as labels in the admin's language (Chinese by default), not codes
    assert "拨付已支付, 成果已核实" in listing
    assert "release.paid" not in listing


def test_a_new_secret_replaces_the_old_one_and_is_shown_once(client, finance_officer, subscribe):
    subscription, old = subscribe("https://hooks.example.org/x", ["gift.received"])
    client.force_login(finance_officer)

    response = client.post(reverse("integrations_subscription_secret", args=[subscription.pk]))

    subscription.refresh_from_db()
    assert subscription.secret != old
    assert subscription.secret in response.content.decode()


@pytest.mark.parametrize(
    ("url", "allow_http", "allow_private", "message"),
    [
        ("http://hooks.example.org/x", False, False, "必须以 https:// 开头"),
        ("https://127.0.0.1/x", False, False, "是内网、回环或保留地址"),
        ("https://10.1.2.3/x", True, False, "是内网、回环或保留地址"),
        ("https://169.254.169.254/latest/meta-data", True, False, "是内网、回环或保留地址"),
        ("https://[::1]/x", True, False, "是内网、回环或保留地址"),
        ("https://user:pw@hooks.example.org/x", False, False, "不能含用户名、密码"),
        ("https://localhost:8765/hook", False, False, "在本机或其局域网内"),
        ("https://printer.local/hook", False, False, "在本机或其局域网内"),
    ],
)
def test_a_target_that_is_not_https_or_is_private_is_refused_with_a_400(
    client, finance_officer, settings, url, allow_http, allow_private, message
):
    settings.INTEGRATIONS_WEBHOOKS_ALLOW_HTTP = allow_http
    settings.INTEGRATIONS_WEBHOOKS_ALLOW_PRIVATE = allow_private
    client.force_login(finance_officer)

    response = client.post(reverse("integrations_subscription_add"),
                           {"name": "x", "url": url, "event_types": ["gift.received"]})  # fmt: skip

    assert response.status_code == 400
    assert message in response.content.decode()
    assert WebhookSubscription.objects.count() == 0


def test_no_event_chosen_or_an_unknown_one_is_a_400(client, finance_officer):
    client.force_login(finance_officer)

    for events in ([], ["gift.stolen"]):
        response = client.post(reverse("integrations_subscription_add"),
                               {"name": "x", "url": "https://hooks.example.org/x", "event_types": events})  # fmt: skip
        assert response.status_code == 400
    assert WebhookSubscription.objects.count() == 0


def test_a_host_that_resolves_to_loopback_is_refused_at_delivery_time(
    campaign, receiver, subscribe, fake_gateway, settings, django_capture_on_commit_callbacks, monkeypatch
):
    # given a subscription to a public-looking name that (now) resolves to 127.0.0.1: DNS rebinding
    import socket

    real = socket.getaddrinfo

    def rebound(host, *args, **kwargs):
        return real("127.0.0.1" if host == "rebind.example.org" else host, *args, **kwargs)

    monkeypatch.setattr("integrations.targets.socket.getaddrinfo", rebound)
    subscription, _secret = subscribe(
        receiver.url.replace("127.0.0.1", "rebind.example.org"), [EventType.GIFT_RECEIVED]
    )
    settings.INTEGRATIONS_WEBHOOKS_ALLOW_PRIVATE = False

    # when a gift is received
    with django_capture_on_commit_callbacks(execute=True):
        gift(campaign, 30_000)

    # then nothing reached the receiver, and the attempt says why
    assert receiver.requests == []
    attempt = WebhookDelivery.objects.get(subscription=subscription).attempts.get()
    assert (attempt.status_code, attempt.problem, attempt.error) == (None, "refused", "127.0.0.1")


def test_the_delivery_log_shows_attempts_and_a_replay_sends_the_same_event_again(
    client, campaign, receiver, subscribe, finance_officer, fake_gateway, django_capture_on_commit_callbacks
):
    # given a gift delivered once
    _subscription, secret = subscribe(receiver.url, [EventType.GIFT_RECEIVED])
    with django_capture_on_commit_callbacks(execute=True):
        gift(campaign, 30_000)
    delivery = WebhookDelivery.objects.get()
    client.force_login(finance_officer)

    # when a finance officer replays it from the admin
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("integrations_delivery_replay", args=[delivery.pk]))

    # then the receiver got the same event (same id and body) a second time, freshly signed
    assert response.status_code == 302
    assert len(receiver.requests) == 2
    first, second = receiver.requests
    assert json.loads(first.body)["id"] == json.loads(second.body)["id"] == delivery.event.public_id
    assert first.body == second.body
    verify(body=second.body, header=second.headers["Clearfund-Signature"], secret=secret)
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.DELIVERED
    assert [(a.status_code, a.replay) for a in delivery.attempts.all()] == [(200, False), (200, True)]
    # and the log shows both attempts with the event as a label
    page = client.get(reverse("integrations_delivery", args=[delivery.pk])).content.decode()
    assert "收到捐赠" in page
    assert page.count("<td>200</td>") == 2
    log = client.get(reverse("integrations_deliveries"), {"status": "delivered"}).content.decode()
    assert delivery.event.public_id in log


def test_a_delivery_still_on_its_way_cannot_be_replayed(
    client,
    campaign,
    closed_port_url,
    subscribe,
    finance_officer,
    fake_gateway,
    django_capture_on_commit_callbacks,
):
    subscribe(closed_port_url, [EventType.GIFT_RECEIVED])
    with django_capture_on_commit_callbacks(execute=True):
        gift(campaign, 30_000)
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == DeliveryStatus.RETRYING
    client.force_login(finance_officer)

    response = client.post(reverse("integrations_delivery_replay", args=[delivery.pk]))

    assert response.status_code == 409
    assert "该投递仍在发送中" in response.content.decode()
    assert delivery.attempts.count() == 1


def test_the_attempt_log_says_what_went_wrong_in_words(
    client,
    campaign,
    closed_port_url,
    subscribe,
    finance_officer,
    fake_gateway,
    django_capture_on_commit_callbacks,
):
    subscribe(closed_port_url, [EventType.GIFT_RECEIVED])
    with django_capture_on_commit_callbacks(execute=True):
        gift(campaign, 30_000)
    client.force_login(finance_officer)

    page = client.get(
        reverse("integrations_delivery", args=[WebhookDelivery.objects.get().pk])
    ).content.decode()

    assert "无法连接" in page  # "Could not connect"
    assert "将重试" in page  # "Will retry"
    assert ">network<" not in page and ">retrying<" not in page
    # the exception's own (English) text is kept for finance, folded away under "technical detail"
    attempt = WebhookDelivery.objects.get().attempts.get()
    assert attempt.error
    cell = re.search(r'data-testid="attempt-problem">(.*?)</td>', page, re.S).group(1)
    reason, detail = cell.split("<details>")
    assert reason.strip() == "无法连接"
    assert "<summary>技术细节</summary>" in detail and escape(attempt.error) in detail
    # and the attempt's time is in the admin's one Chinese format, not "2026-12-01 10:31:05"
    sent = timezone.localtime(attempt.started_at)
    assert f"{sent.year}年{sent.month}月{sent.day}日 {sent:%H:%M}" in page


def test_the_webhooks_menu_is_shown_to_finance_officers_only(client, finance_officer, editor):
    client.force_login(finance_officer)
    assert reverse("integrations_deliveries") in client.get(reverse("wagtailadmin_home")).content.decode()

    client.force_login(editor)
    assert reverse("integrations_deliveries") not in client.get(reverse("wagtailadmin_home")).content.decode()


def test_a_subscription_is_changed_and_deactivated_and_its_secret_is_encrypted_at_rest(
    client, finance_officer, subscribe
):
    from django.db import connection

    subscription, secret = subscribe("https://hooks.example.org/x", ["gift.received"])
    client.force_login(finance_officer)

    response = client.post(reverse("integrations_subscription", args=[subscription.pk]), {
        "name": "School system", "url": "https://school.example.org/hooks", "event_types": ["release.paid"],
    })  # fmt: skip

    assert response.status_code == 302
    subscription.refresh_from_db()
    assert (subscription.name, subscription.url, subscription.event_types, subscription.is_active) == (
        "School system", "https://school.example.org/hooks", ["release.paid"], False)  # fmt: skip
    assert subscription.secret == secret
    with connection.cursor() as cursor:
        cursor.execute("SELECT secret FROM integrations_webhooksubscription WHERE id = %s", [subscription.pk])
        stored = cursor.fetchone()[0]
    assert secret not in stored
