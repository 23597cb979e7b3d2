"""Subscriptions and events of outbound webhooks (ADR 0420): who may manage them, recording a
domain event once and fanning it out to one delivery per matching subscription.

Sending is ``integrations.delivery``.
"""

from __future__ import annotations

import json
import secrets
import uuid
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from campaigns.roles import Actor
from campaigns.services import audit
from integrations.models import EventType, OutboundEvent, WebhookSubscription
from integrations.targets import url_check
from payments.outbox.queueing import enqueue_on_commit

MANAGE_PERMISSION = "integrations.manage_webhooks"


def may_manage(actor: Actor) -> bool:
    """Finance officers (the group has the permission, migration ``integrations.0002``) and superusers."""
    return actor is not None and actor.is_authenticated and actor.has_perm(MANAGE_PERMISSION)


def check_may_manage(actor: Actor) -> None:
    """Raise ``PermissionDenied`` unless ``actor`` may manage webhook subscriptions."""
    if not may_manage(actor):
        raise PermissionDenied(_("Only finance officers may manage webhooks."))


def _new_secret() -> str:
    return "whsec_" + secrets.token_urlsafe(32)


def _clean(*, name: str, url: str, event_types: list[str]) -> list[str]:
    if not name.strip():
        raise ValidationError(_("Give the subscription a name."), code="name")
    url_check(url)
    known = set(EventType.values)
    chosen = [t for t in EventType.values if t in set(event_types)]
    if not chosen or not set(event_types) <= known:
        raise ValidationError(_("Choose at least one event."), code="event_types")
    return chosen


def subscription_create(
    *, name: str, url: str, event_types: list[str], actor: Actor
) -> tuple[WebhookSubscription, str]:
    """Make a subscription and its signing secret; returns both. The secret is shown to the
    person once (the admin renders it in the answer to the POST) and kept encrypted.

    Raises ``PermissionDenied``; ``ValidationError`` (``TargetRefused``) for a bad name, URL or events.
    """
    check_may_manage(actor)
    chosen = _clean(name=name, url=url, event_types=event_types)
    secret = _new_secret()
    with transaction.atomic():
        subscription = WebhookSubscription.objects.create(
            name=name.strip(), url=url, event_types=chosen, secret=secret, created_by=actor
        )
        audit(actor=actor, action="webhook_subscription.created", subject=subscription,
              data={"url": url, "event_types": chosen})  # fmt: skip
    return subscription, secret


def subscription_update(
    *,
    subscription: WebhookSubscription,
    name: str,
    url: str,
    event_types: list[str],
    is_active: bool,
    actor: Actor,
) -> WebhookSubscription:
    """Change a subscription's name, target, events or active flag (not its secret).
    Raises ``PermissionDenied`` or ``ValidationError``. Deliveries already made keep going."""
    check_may_manage(actor)
    chosen = _clean(name=name, url=url, event_types=event_types)
    with transaction.atomic():
        subscription = WebhookSubscription.objects.select_for_update().get(pk=subscription.pk)
        subscription.name, subscription.url = name.strip(), url
        subscription.event_types, subscription.is_active = chosen, is_active
        subscription.save(update_fields=["name", "url", "event_types", "is_active"])
        audit(actor=actor, action="webhook_subscription.updated", subject=subscription,
              data={"url": url, "event_types": chosen, "active": is_active})  # fmt: skip
    return subscription


def subscription_secret_renew(*, subscription: WebhookSubscription, actor: Actor) -> str:
    """A new signing secret (shown once); the old one stops signing at once. Raises ``PermissionDenied``."""
    check_may_manage(actor)
    secret = _new_secret()
    with transaction.atomic():
        WebhookSubscription.objects.filter(pk=subscription.pk).update(secret=secret)
        audit(actor=actor, action="webhook_subscription.secret_renewed", subject=subscription)
    return secret


_INSERT_EVENT = """
    INSERT INTO integrations_outboundevent (key, public_id, type, data, created_at)
    VALUES (%s, %s, %s, %s::jsonb, %s)
    ON CONFLICT (key) DO NOTHING
    RETURNING id
"""


def event_record(*, type: str, key: str, data: dict[str, Any]) -> int | None:
    """Record a domain event once (unique ``key``, e.g. ``release:12:paid``) and queue its fan-out
    on commit. One statement; returns the new event's id, or ``None`` if it was already recorded
    (a repeated signal or task records nothing)."""
    with connection.cursor() as cursor:
        cursor.execute(
            _INSERT_EVENT, [key, "evt_" + uuid.uuid4().hex, type, json.dumps(data), timezone.now()]
        )
        row = cursor.fetchone()
    if row is None:
        return None
    from integrations.tasks import event_fan_out_task

    enqueue_on_commit(event_fan_out_task, row[0])
    return row[0]


# One statement: claiming the event (the UPDATE locks its row; a concurrent fan-out waits, then
# finds it claimed) and inserting its deliveries commit together or not at all.
_FAN_OUT = """
    WITH claimed AS (
        UPDATE integrations_outboundevent SET fanned_out_at = %s
        WHERE id = %s AND fanned_out_at IS NULL
        RETURNING id, type
    )
    INSERT INTO integrations_webhookdelivery
        (event_id, subscription_id, status, attempts_in_round, next_attempt_at, created_at, round_is_replay)
    SELECT claimed.id, s.id, 'pending', 0, %s, %s, false
    FROM claimed JOIN integrations_webhooksubscription s ON s.is_active AND s.event_types ? claimed.type
    ON CONFLICT (event_id, subscription_id) DO NOTHING
    RETURNING id
"""


def event_fan_out(*, event_id: int) -> list[int]:
    """One delivery per active subscription to the event's type, once (the event is claimed by the
    same statement, and deliveries are unique on event and subscription: a second fan-out writes
    nothing). The delivery tasks are queued on commit. Returns the ids of the deliveries made."""
    from integrations.tasks import delivery_send_task

    now = timezone.now()
    with transaction.atomic(savepoint=False), connection.cursor() as cursor:
        cursor.execute(_FAN_OUT, [now, event_id, now, now])
        ids = [row[0] for row in cursor.fetchall()]
        for pk in ids:
            enqueue_on_commit(delivery_send_task, pk)
    return ids


def unfanned_event_ids() -> list[int]:
    return list(
        OutboundEvent.objects.filter(fanned_out_at=None).order_by("pk").values_list("pk", flat=True)[:500]
    )
