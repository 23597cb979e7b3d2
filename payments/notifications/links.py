"""Signed links of donor mail: one-click unsubscribe (RFC 8058) and the preferences page.

The unsubscribe token signs the donor profile's id for this one purpose (``django.core.signing``,
own salt) and does not expire: a link in a mail from years ago still stops the mail. It grants
nothing else: it names no gift and opens no page with the donor's data. The preferences page
is reached with the donor-page token (``payments.donations.donor_links``), which does expire.
"""

from __future__ import annotations

from django.conf import settings
from django.core import signing
from django.urls import reverse

from payments.donations.donor_links import donor_token
from payments.donations.models import DonorProfile

SALT = "payments.notifications.unsubscribe"


def unsubscribe_token(donor: DonorProfile) -> str:
    return signing.dumps({"d": donor.pk}, salt=SALT, compress=True)


def donor_from_unsubscribe_token(token: str) -> DonorProfile | None:
    """The donor a token names, or None if it is forged."""
    try:
        data = signing.loads(token, salt=SALT)
    except signing.BadSignature:
        return None
    return DonorProfile.objects.filter(pk=data.get("d")).first()


def _absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def unsubscribe_url(donor: DonorProfile) -> str:
    """In the active language (``/en/…`` for English)."""
    return _absolute(reverse("payments:mail_unsubscribe", kwargs={"token": unsubscribe_token(donor)}))


def preferences_url(donor: DonorProfile) -> str:
    """In the active language (``/en/…`` for English)."""
    return _absolute(reverse("payments:mail_preferences", kwargs={"token": donor_token(donor)}))
