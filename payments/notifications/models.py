"""What donors are told, once: events worth a mail, one row per (donor, event), weekly digests and
each donor's choice of mail.

An event (a release paid, an outcome verified, a refund made, a campaign update published) is a
``NotificationEvent`` row, unique on its ``key``. The donors it concerns get one
``DonorNotification`` each, unique on (donor, event) and written before any mail is sent: that
row is what makes the mail go once, however often a signal or a task repeats (ADR 0217).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class NotificationKind(models.TextChoices):
    RELEASE_PAID = "release_paid", _("Money from my gift paid to a partner")
    OUTCOME_VERIFIED = "outcome_verified", _("An outcome my gift pays for verified")
    REFUND_MADE = "refund_made", _("A refund of my gift")
    CAMPAIGN_UPDATE = "campaign_update", _("Updates from campaigns I gave to")


class NotificationEvent(models.Model):
    """Something that happened that donors hear about; ``key`` names it once
    (``release:<id>:paid``, ``milestone:<id>:verified``, ``refund:<id>``, ``update:<page key>``)."""

    kind = models.CharField(_("kind"), max_length=32, choices=NotificationKind.choices)
    key = models.CharField(max_length=120, unique=True)
    campaign = models.ForeignKey(
        "campaigns.Campaign", on_delete=models.PROTECT, related_name="+", verbose_name=_("campaign")
    )
    # What the mail needs beyond the rows it names: for a campaign update, its title, summary and
    # address in each language it was published in.
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # When its donors' rows were last written (``event_fan_out``); empty while that is still to
    # do, so the sweep finds events whose fan-out task was never queued (ADR 0007).
    fanned_out_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("donor notice")
        verbose_name_plural = _("donor notices")

    def __str__(self) -> str:
        return self.key


class DonorNotification(models.Model):
    """One donor told of one event: written (for every donor concerned at once) before the mail."""

    donor = models.ForeignKey("payments.DonorProfile", on_delete=models.PROTECT, related_name="notifications")
    event = models.ForeignKey(NotificationEvent, on_delete=models.PROTECT, related_name="notifications")
    language = models.CharField(max_length=10, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE)
    # This donor's share of the event's money (their gifts' cents in the release or refund), if any.
    amount_minor = models.BigIntegerField(null=True, blank=True)
    currency = models.CharField(max_length=3, blank=True)
    # Monthly donors hear in a weekly digest rather than one mail per event.
    in_digest = models.BooleanField(default=False)
    digest = models.ForeignKey(
        "payments.NotificationDigest", null=True, blank=True, on_delete=models.PROTECT, related_name="items"
    )
    sent_at = models.DateTimeField(null=True, blank=True)
    # Not sent, and why (the donor turned this kind of mail off); blank while waiting or once sent.
    skipped = models.CharField(max_length=32, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("mail to a donor")
        verbose_name_plural = _("mails to donors")
        constraints = [
            models.UniqueConstraint(fields=["donor", "event"], name="donor_notification_once"),
        ]
        indexes = [
            models.Index(
                fields=["in_digest", "donor"],
                condition=models.Q(sent_at__isnull=True, skipped=""),
                name="donor_notification_waiting",
            )
        ]

    def __str__(self) -> str:
        return f"{self.event} → donor {self.donor_id}"


class NotificationDigest(models.Model):
    """The one digest a donor gets in a week (``week`` is its Monday in site time)."""

    donor = models.ForeignKey("payments.DonorProfile", on_delete=models.PROTECT, related_name="+")
    week = models.DateField()
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["donor", "week"], name="notification_digest_weekly")]

    def __str__(self) -> str:
        return f"digest {self.week} → donor {self.donor_id}"


class MailPreferences(models.Model):
    """Which mail a donor wants. No row: all of it. Receipts and notices about their own monthly
    gift are not in here: they are part of giving, not news."""

    donor = models.OneToOneField(
        "payments.DonorProfile", on_delete=models.CASCADE, related_name="mail_preferences"
    )
    release_paid = models.BooleanField(_("money from my gift paid to a partner"), default=True)
    outcome_verified = models.BooleanField(_("an outcome my gift pays for verified"), default=True)
    refund_made = models.BooleanField(_("a refund of my gift"), default=True)
    campaign_update = models.BooleanField(_("updates from campaigns I gave to"), default=True)
    updated_at = models.DateTimeField(auto_now=True)

    KINDS = ("release_paid", "outcome_verified", "refund_made", "campaign_update")

    class Meta:
        verbose_name = _("mail preferences")
        verbose_name_plural = _("mail preferences")

    def __str__(self) -> str:
        return f"mail preferences of donor {self.donor_id}"

    def wants(self, kind: str) -> bool:
        return bool(getattr(self, kind, False))
