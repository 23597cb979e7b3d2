"""The four-eyes record (DESIGN: nothing is paid without a second person's check): who recorded a
money fact and who then confirmed or rejected it. Abstract; the offline gifts and refunds, pledge
pay-ins and pool returns inherit it, and their services refuse a decider who is the recorder."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class FourEyesRecord(models.Model):
    """``recorded_by``/``recorded_at`` (the first person) and ``decided_by``/``decided_at`` (the
    second, empty until the record is confirmed or rejected). Newest first."""

    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("recorded by"))  # fmt: skip
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+", verbose_name=_("confirmed or rejected by"))  # fmt: skip
    decided_at = models.DateTimeField(_("confirmed or rejected at"), null=True, blank=True)

    class Meta:
        abstract = True
        ordering = ["-recorded_at", "-pk"]
