"""Signed links to a donor's own page: no password, nothing guessable, revocable.

The token signs the donor profile's id and its ``link_version`` (``django.core.signing``, salted
for this one purpose, with a timestamp). Bumping the version revokes every link sent before.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.urls import reverse

from payments.donations.models import DonorProfile

SALT = "payments.donor-page"


def donor_token(donor: DonorProfile) -> str:
    return signing.dumps({"d": donor.pk, "v": donor.link_version}, salt=SALT, compress=True)


def donor_page_url(donor: DonorProfile, *, absolute: bool = True) -> str:
    path = reverse("payments:donor_page", kwargs={"token": donor_token(donor)})
    return settings.SITE_URL.rstrip("/") + path if absolute else path


def donor_from_token(token: str) -> DonorProfile | None:
    """The donor a token names, or None if it is forged, expired or revoked."""
    max_age = timedelta(days=settings.PAYMENTS_DONOR_LINK_MAX_AGE_DAYS)
    try:
        data = signing.loads(token, salt=SALT, max_age=max_age)
    except signing.BadSignature:
        return None
    donor = DonorProfile.objects.filter(pk=data.get("d")).first()
    if donor is None or donor.link_version != data.get("v"):
        return None
    return donor
