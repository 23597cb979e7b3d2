"""The webhook inbox: every verified provider event, stored once by its event id."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class WebhookStatus(models.TextChoices):
    RECEIVED = "received", _("Received")
    PROCESSED = "processed", _("Processed")
    IGNORED = "ignored", _("Ignored (type not handled)")
    # The event is about an object we have no record of yet, or its handler failed: retried later.
    WAITING = "waiting", _("Waiting (retried later)")
    # Retried for too long without effect: finance must look at it.
    FAILED = "failed", _("Failed (needs finance)")


class WebhookEvent(models.Model):
    event_id = models.CharField(_("event id"), max_length=255, unique=True)
    type = models.CharField(_("type"), max_length=100, db_index=True)
    payload = models.JSONField(_("payload"))
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=WebhookStatus.choices,
        default=WebhookStatus.RECEIVED,
        db_index=True,
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    received_at = models.DateTimeField(_("received at"), auto_now_add=True)
    processed_at = models.DateTimeField(_("processed at"), null=True, blank=True)
    next_attempt_at = models.DateTimeField(_("next attempt at"), null=True, blank=True, db_index=True)
    # What the last attempt did (processed) or why it could not (waiting, failed).
    error = models.TextField(_("last outcome or reason"), blank=True)

    class Meta:
        verbose_name = _("webhook event")
        verbose_name_plural = _("webhook inbox")
        ordering = ["received_at", "id"]

    def __str__(self) -> str:
        # Read in the admin (the inspect view's title): the type and the status by their labels, in
        # the reader's language; the event id is the provider's.
        from payments.webhooks.event_types import event_type_label

        return f"{self.event_id} {event_type_label(self.type)} · {self.get_status_display()}"

    def get_error_display(self) -> str:
        """The note as people read it in the admin, translated (``payments.webhooks.notes``)."""
        from payments.webhooks.notes import note_shown

        return note_shown(self.error)
