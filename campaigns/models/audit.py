from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from campaigns.site_time import site_datetime_text


class AuditEvent(models.Model):
    """Append-only record of a state change: who, when, what, why.

    Every service that changes the state of a campaign, beneficiary, release or refund appends one.
    The subject is named by ``subject_type`` (``app.Model``) and ``subject_id`` rather than a
    generic foreign key so that the log survives the deletion of what it describes.
    """

    at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Empty for changes made by the system (scheduled jobs, webhooks)."),
    )
    action = models.CharField(_("action"), max_length=64, db_index=True)
    subject_type = models.CharField(_("subject type"), max_length=64)
    subject_id = models.CharField(_("subject id"), max_length=64)
    reason = models.TextField(_("reason"), blank=True)
    data = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit log")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["subject_type", "subject_id"], name="audit_subject_idx")]

    def __str__(self) -> str:
        # What the admin's headings show: labels in the reader's language, not codes (issue 13).
        at = site_datetime_text(self.at)  # site time, in the admin's one format (issue 13)
        return f"{at} {self.get_action_display()} · {self.get_subject_type_display()} {self.subject_id}"

    def get_action_display(self) -> str:
        """The action's label (the admin's inspect view reads ``get_<field>_display``)."""
        from campaigns.audit_labels import audit_action_label

        return audit_action_label(self.action)

    def get_subject_type_display(self) -> str:
        from campaigns.audit_labels import audit_subject_label

        return audit_subject_label(self.subject_type)
