"""The outbox: provider calls that move money, written before they are made.

A command is written in the same transaction as the ledger reservation it belongs to, with a
deterministic ``key`` that is also the provider idempotency key. A sweeper retries pending
commands with backoff until they are done or fail for good.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from campaigns.templatetags.labels import bracketed_text


class OutboxStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed for good")


class OutboxCommand(models.Model):
    kind = models.CharField(max_length=32, db_index=True)
    key = models.CharField(max_length=200, unique=True)
    payload = models.JSONField(default=dict)
    status = models.CharField(
        max_length=16, choices=OutboxStatus.choices, default=OutboxStatus.PENDING, db_index=True
    )
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(db_index=True)
    last_error = models.TextField(blank=True)
    result = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("outbox command")
        verbose_name_plural = _("outbox")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return bracketed_text(f"{self.kind} {self.key}", self.get_status_display())


class SentMessage(models.Model):
    """A side effect (a mail to a donor) that was sent: one row per (kind, subject), so a task that
    runs twice (redelivery, a retried sweep) sends it once. ``payments.outbox.services.send_once``."""

    kind = models.CharField(max_length=64)
    subject_key = models.CharField(max_length=200)
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("message sent")
        verbose_name_plural = _("messages sent")
        constraints = [models.UniqueConstraint(fields=["kind", "subject_key"], name="sent_message_once")]

    def __str__(self) -> str:
        return f"{self.kind} {self.subject_key}"
