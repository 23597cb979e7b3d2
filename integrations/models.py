"""Outbound webhooks (ADR 0420): who subscribes to which events, the events, one delivery per
(event, subscription) and every attempt of it."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from campaigns.encryption import EncryptedTextField


class EventType(models.TextChoices):
    GIFT_RECEIVED = "gift.received", _("Gift received")
    REFUND_MADE = "refund.made", _("Refund made")
    RELEASE_APPROVED = "release.approved", _("Release approved")
    RELEASE_PAID = "release.paid", _("Release paid")
    OUTCOME_VERIFIED = "outcome.verified", _("Outcome verified")
    CAMPAIGN_PUBLISHED = "campaign.published", _("Campaign published")
    CAMPAIGN_CLOSED = "campaign.closed", _("Campaign closed")


class WebhookSubscription(models.Model):
    """An integrator's endpoint and the event types it wants. The secret signs every request;
    it is shown once, when made, and stored encrypted at rest."""

    name = models.CharField(
        _("name"), max_length=100, help_text=_("Who receives it, e.g. the hospital's system.")
    )
    url = models.URLField(_("target URL"), max_length=500)
    event_types = models.JSONField(_("event types"), default=list)
    secret = EncryptedTextField(_("signing secret"), editable=False)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("webhook subscription")
        verbose_name_plural = _("webhook subscriptions")
        ordering = ["name", "pk"]
        permissions = [("manage_webhooks", _("Can manage outbound webhooks"))]

    def __str__(self) -> str:
        return self.name

    def event_type_labels(self) -> list[str]:
        labels = dict(EventType.choices)
        return [str(labels[t]) for t in self.event_types if t in labels]


class OutboundEvent(models.Model):
    """A domain event as integrators see it: its payload is fixed when it is recorded, so every
    delivery and replay sends the same body data under the same id."""

    key = models.CharField(max_length=120, unique=True)  # e.g. "release:12:paid": once per domain event
    public_id = models.CharField(max_length=40, unique=True)  # "evt_…", in the payload
    type = models.CharField(_("event"), max_length=32, choices=EventType.choices)
    data = models.JSONField()
    created_at = models.DateTimeField(_("created at"))
    fanned_out_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("outbound event")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(
                fields=["created_at"], name="outbound_unfanned", condition=models.Q(fanned_out_at=None)
            )
        ]

    def __str__(self) -> str:
        return self.public_id


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Waiting to be sent")
    SENDING = "sending", _("Sending")
    RETRYING = "retrying", _("Will retry")
    DELIVERED = "delivered", _("Delivered")
    FAILED = "failed", _("Failed")


class WebhookDelivery(models.Model):
    """One event for one subscription: exactly one row per pair (unique), however often the
    domain event is announced. Attempts are counted per round; a replay starts a new round."""

    event = models.ForeignKey(OutboundEvent, on_delete=models.PROTECT, related_name="deliveries",
                              verbose_name=_("event"))  # fmt: skip
    subscription = models.ForeignKey(WebhookSubscription, on_delete=models.PROTECT, related_name="deliveries",
                                     verbose_name=_("subscription"))  # fmt: skip
    status = models.CharField(_("status"), max_length=16, choices=DeliveryStatus.choices,
                              default=DeliveryStatus.PENDING)  # fmt: skip
    attempts_in_round = models.PositiveSmallIntegerField(default=0)
    round_is_replay = models.BooleanField(default=False)  # the current round was asked for by hand
    next_attempt_at = models.DateTimeField(_("next attempt at"), null=True, blank=True)
    lease_until = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["event", "subscription"], name="webhook_delivery_once"),
        ]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="webhook_delivery_due")]

    def __str__(self) -> str:
        return f"{self.event_id} → {self.subscription_id}"


class AttemptProblem(models.TextChoices):
    REFUSED = "refused", _("Target address not allowed")
    TIMEOUT = "timeout", _("No answer in time")
    NETWORK = "network", _("Could not connect")
    STATUS = "status", _("Receiver answered with an error")


class DeliveryAttempt(models.Model):
    """One HTTP request of a delivery, kept for the log in the admin."""

    delivery = models.ForeignKey(WebhookDelivery, on_delete=models.CASCADE, related_name="attempts")
    started_at = models.DateTimeField(_("sent at"))
    duration_ms = models.PositiveIntegerField(_("time (ms)"))
    status_code = models.PositiveSmallIntegerField(_("HTTP status"), null=True, blank=True)
    problem = models.CharField(_("problem"), max_length=16, choices=AttemptProblem.choices, blank=True)
    error = models.CharField(_("detail"), max_length=200, blank=True)
    replay = models.BooleanField(_("replayed by hand"), default=False)

    class Meta:
        ordering = ["started_at", "pk"]

    def __str__(self) -> str:
        return f"{self.delivery_id} @ {self.started_at:%Y-%m-%d %H:%M:%S}"

    @property
    def succeeded(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300
