"""Sending one webhook delivery, its retries and a replay by hand (ADR 0420).

An attempt is three steps, so no database transaction is open while the receiver answers:
1. claim: lock the row, check it is due, move it to ``sending`` with a lease (timeout + margin);
2. the HTTP request (``targets.post``, signed with the subscription's secret, new timestamp);
3. record: the attempt in the log; 2xx → ``delivered``; otherwise ``retrying`` with exponential
   backoff and jitter, or ``failed`` after ``INTEGRATIONS_WEBHOOKS_MAX_ATTEMPTS`` in the round.
A second task for the same delivery finds it not due, leased or finished and does nothing; a
worker that died mid-request leaves a lease that runs out, and the sweep sends it again. Either
way the receiver may see an event twice and dedupes on its ``id`` (README, "Webhooks").
"""

from __future__ import annotations

import json
import random
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from campaigns.roles import Actor
from campaigns.services import audit
from integrations.events import SCHEMA_VERSION
from integrations.models import DeliveryAttempt, DeliveryStatus, OutboundEvent, WebhookDelivery
from integrations.services import check_may_manage
from integrations.signing import SIGNATURE_HEADER, signature_header
from integrations.states import DELIVERY_STATES
from integrations.targets import post
from payments.outbox.queueing import enqueue, enqueue_on_commit

S = DeliveryStatus
LEASE_MARGIN_SECONDS = 30


class ReplayNotPossible(ValidationError):
    """The delivery is still on its way: nothing to replay yet."""


def payload_body(event: OutboundEvent) -> bytes:
    """The request body: the same bytes for every attempt of the event (stable key order)."""
    payload = {"id": event.public_id, "type": event.type, "schema": SCHEMA_VERSION,
               "created": event.created_at.isoformat().replace("+00:00", "Z"), "data": event.data}  # fmt: skip
    return json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def backoff_seconds(attempt: int, *, rng: random.Random | None = None) -> float:
    """Seconds to wait after the ``attempt``-th failed attempt of a round (1, 2, …): base × 2^(n−1),
    capped, with "equal jitter" (a random point in the upper half), so receivers that came back
    are not hit by every sender at once and waits never shrink from one attempt to the next."""
    base = settings.INTEGRATIONS_WEBHOOKS_BACKOFF_SECONDS
    ceiling = min(settings.INTEGRATIONS_WEBHOOKS_BACKOFF_MAX_SECONDS, base * 2 ** (attempt - 1))
    return ceiling / 2 + (rng or random).uniform(0, ceiling / 2)


def _move(delivery: WebhookDelivery, to: str) -> None:
    DELIVERY_STATES.check(current=delivery.status, to=to)
    delivery.status = to


def _claim(delivery_id: int, now: datetime) -> WebhookDelivery | None:
    with transaction.atomic():
        delivery = (
            WebhookDelivery.objects.select_for_update(of=("self",))
            .select_related("event", "subscription")
            .get(pk=delivery_id)
        )
        if delivery.status in (S.DELIVERED, S.FAILED):
            return None
        if delivery.status == S.SENDING and delivery.lease_until and delivery.lease_until > now:
            return None
        if delivery.next_attempt_at and delivery.next_attempt_at > now:
            return None
        if delivery.status != S.SENDING:
            _move(delivery, S.SENDING)
        delivery.attempts_in_round += 1
        timeout = settings.INTEGRATIONS_WEBHOOKS_TIMEOUT_SECONDS
        delivery.lease_until = now + timedelta(seconds=timeout + LEASE_MARGIN_SECONDS)
        delivery.save(update_fields=["status", "attempts_in_round", "lease_until"])
    return delivery


def delivery_send(*, delivery_id: int, now: datetime | None = None) -> str:
    """Make the next attempt of a delivery if it is due; returns its status afterwards.

    Idempotent: a delivery that is finished, leased by another worker or not yet due is left as
    it is. Never raises for the receiver's trouble (down, slow, 500, refused address): that is an
    attempt in the log and a retry.
    """
    now = now or timezone.now()
    delivery = _claim(delivery_id, now)
    if delivery is None:
        return WebhookDelivery.objects.values_list("status", flat=True).get(pk=delivery_id)
    event, subscription = delivery.event, delivery.subscription
    body = payload_body(event)
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": "Clearfund-Webhooks/1",
        SIGNATURE_HEADER: signature_header(secret=subscription.secret, body=body),
        "Clearfund-Event-Id": event.public_id,
        "Clearfund-Event-Type": event.type,
    }
    answer = post(url=subscription.url, body=body, headers=headers,
                  timeout=settings.INTEGRATIONS_WEBHOOKS_TIMEOUT_SECONDS)  # fmt: skip
    return _record(delivery, answer, started=now)


def _record(delivery: WebhookDelivery, answer, *, started: datetime) -> str:
    from integrations.tasks import delivery_send_task

    with transaction.atomic():
        locked = WebhookDelivery.objects.select_for_update().get(pk=delivery.pk)
        DeliveryAttempt.objects.create(
            delivery=locked, started_at=started, duration_ms=answer.duration_ms,
            status_code=answer.status_code, problem=answer.problem, error=answer.error,
            replay=locked.round_is_replay and locked.attempts_in_round == 1,
        )  # fmt: skip
        if locked.status != S.SENDING:  # a replay or another worker moved it meanwhile: log only
            return locked.status
        now = timezone.now()
        locked.lease_until = None
        if answer.status_code is not None and 200 <= answer.status_code < 300:
            _move(locked, S.DELIVERED)
            locked.delivered_at, locked.next_attempt_at = now, None
        elif locked.attempts_in_round >= settings.INTEGRATIONS_WEBHOOKS_MAX_ATTEMPTS:
            _move(locked, S.FAILED)
            locked.next_attempt_at = None
        else:
            _move(locked, S.RETRYING)
            delay = backoff_seconds(locked.attempts_in_round)
            locked.next_attempt_at = now + timedelta(seconds=delay)
            pk = locked.pk
            transaction.on_commit(lambda: enqueue(delivery_send_task, pk, countdown=delay))
        locked.save(update_fields=["status", "lease_until", "delivered_at", "next_attempt_at"])
    return locked.status


def delivery_replay(*, delivery_id: int, actor: Actor) -> WebhookDelivery:
    """Send a delivered or failed delivery again, by hand: a new round of attempts of the same
    event (same id and body, a fresh signature), queued on commit and audited.

    Raises ``PermissionDenied``; ``ReplayNotPossible`` while the delivery is still waiting or sending.
    """
    from integrations.tasks import delivery_send_task

    check_may_manage(actor)
    with transaction.atomic():
        delivery = WebhookDelivery.objects.select_for_update().get(pk=delivery_id)
        if delivery.status not in (S.DELIVERED, S.FAILED):
            raise ReplayNotPossible(_("This delivery is still being sent; replay it once it is delivered or failed."),
                                    code="in_flight")  # fmt: skip
        _move(delivery, S.PENDING)
        delivery.attempts_in_round, delivery.round_is_replay = 0, True
        delivery.next_attempt_at, delivery.lease_until = timezone.now(), None
        delivery.save(update_fields=["status", "attempts_in_round", "round_is_replay", "next_attempt_at",
                                     "lease_until"])  # fmt: skip
        audit(actor=actor, action="webhook_delivery.replayed", subject=delivery,
              data={"event": delivery.event_id, "subscription": delivery.subscription_id})  # fmt: skip
        enqueue_on_commit(delivery_send_task, delivery.pk)
    return delivery


def due_delivery_ids(*, now: datetime | None = None, limit: int = 500) -> list[int]:
    """Deliveries whose task was lost (broker down, worker died): due and not leased."""
    now = now or timezone.now()
    waiting = Q(status__in=(S.PENDING, S.RETRYING), next_attempt_at__lte=now)
    lapsed = Q(status=S.SENDING, lease_until__lt=now)
    return list(WebhookDelivery.objects.filter(waiting | lapsed).order_by("next_attempt_at", "pk")
                .values_list("pk", flat=True)[:limit])  # fmt: skip
