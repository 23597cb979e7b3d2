"""Sign-in links of donor accounts without passwords (ADR 0218).

A donor who lost the link to their page asks for a sign-in link by email. The link is single-use
and expires; only a SHA-256 hash of its token is stored, so the table alone signs nobody in.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class DonorSignInLink(models.Model):
    donor = models.ForeignKey("payments.DonorProfile", on_delete=models.CASCADE, related_name="sign_in_links")
    language = models.CharField(max_length=10, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE)
    # Set (with ``sent_at``) by the task that mails the link; blank until then.
    token_hash = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("sign-in link")
        verbose_name_plural = _("sign-in links")
        constraints = [
            models.UniqueConstraint(
                fields=["token_hash"], condition=~models.Q(token_hash=""), name="sign_in_link_token_unique"
            )
        ]

    def __str__(self) -> str:
        return f"sign-in link {self.pk} of donor {self.donor_id}"
