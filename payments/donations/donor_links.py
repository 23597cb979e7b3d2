"""Signed links to a donor's own page: no password, nothing guessable, revocable.

The token signs the donor profile's id and its ``link_version`` (``django.core.signing``, salted
for this one purpose, with a timestamp). Bumping the version revokes every link sent before.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.http import HttpResponse
from django.urls import reverse

from payments.donations.models import DonorProfile

SALT = "payments.donor-page"

# Pages whose URL is a credential (the donor's page, a gift's thank-you, a donor statement) send
# this Referrer-Policy (ADR 0215): the URL never goes to another origin, yet the browser still
# sends our own origin with the page's own form posts, which Django's CSRF check needs.
# A policy of no referrer at all made Chromium send "Origin: null", and every post from the page
# answered 403.
PRIVATE_PAGE_REFERRER_POLICY = "same-origin"


def donor_token(donor: DonorProfile) -> str:
    return signing.dumps({"d": donor.pk, "v": donor.link_version}, salt=SALT, compress=True)


def donor_page_url(donor: DonorProfile, *, absolute: bool = True) -> str:
    path = reverse("payments:donor_page", kwargs={"token": donor_token(donor)})
    return settings.SITE_URL.rstrip("/") + path if absolute else path


def keep_private(response: HttpResponse) -> HttpResponse:
    """Headers of a page reached by a secret link: not stored by any cache, and its URL not sent
    as the referrer to another origin (``PRIVATE_PAGE_REFERRER_POLICY``)."""
    response["Referrer-Policy"] = PRIVATE_PAGE_REFERRER_POLICY
    response["Cache-Control"] = "private, no-store"
    return response


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
