"""Donor accounts without passwords: ask for a sign-in link, use it once, stay signed in as that
donor (a session key, not a Django user) (ADR 0218).

Rules:
- asking answers the same whatever the address (known or not), and is rate-limited per client
  address and per email (``PAYMENTS_SIGN_IN_RATE_IP`` / ``PAYMENTS_SIGN_IN_RATE_EMAIL``);
- the token is made by the task that mails it and only its SHA-256 is stored;
- a link works once, until ``PAYMENTS_SIGN_IN_LINK_MINUTES`` after it was asked for;
- a session names the donor and their ``link_version``: revoking their links signs them out too.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from payments.donations.models import DonorProfile
from payments.donations.protection import AttemptBlocked, rate_limit_hit
from payments.donor_accounts.models import DonorSignInLink
from payments.outbox.queueing import enqueue_on_commit

SESSION_KEY = "payments_donor"


class SignInRefused(Exception):
    """The link is unknown, expired or already used; nobody is signed in."""


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def sign_in_request(*, email: str, ip: str, language: str) -> None:
    """Ask for a sign-in link for ``email``. Raises ``AttemptBlocked`` past the rate limits
    (counted for every address, known or not); otherwise returns nothing whether or not a donor
    has this address, so the answer tells nobody who gives here."""
    email = email.strip().lower()
    for scope, ident, rate in (
        ("signin-ip", ip or "unknown", settings.PAYMENTS_SIGN_IN_RATE_IP),
        ("signin-email", email, settings.PAYMENTS_SIGN_IN_RATE_EMAIL),
    ):
        wait = rate_limit_hit(scope=scope, ident=ident, rate=rate)
        if wait is not None:
            raise AttemptBlocked("sign-in link requests", retry_after=wait)
    donor = DonorProfile.objects.filter(email__iexact=email).first()
    if donor is None:
        return
    from payments.donor_accounts.tasks import sign_in_link_send

    with transaction.atomic():
        link = DonorSignInLink.objects.create(
            donor=donor,
            language=language,
            expires_at=timezone.now() + timedelta(minutes=settings.PAYMENTS_SIGN_IN_LINK_MINUTES),
        )
        enqueue_on_commit(sign_in_link_send, link.pk)


def sign_in_link_send(*, link_id: int, send) -> bool:
    """Make the link's token, store its hash and hand the token to ``send`` (which mails it), in
    one transaction with the row locked: run twice, it mails once. An expired or used link is not
    sent. Returns whether it was sent."""
    with transaction.atomic():
        link = DonorSignInLink.objects.select_for_update().select_related("donor").get(pk=link_id)
        if link.sent_at or link.used_at or link.expires_at <= timezone.now():
            return False
        token = secrets.token_urlsafe(32)
        link.token_hash = token_digest(token)
        link.sent_at = timezone.now()
        link.save(update_fields=["token_hash", "sent_at"])
        send(link, token)
    return True


def sign_in_consume(*, token: str) -> DonorProfile:
    """Use a sign-in link: the donor it names, once. Raises ``SignInRefused`` (unknown, used or
    expired); a refused link stays as it was."""
    if not token:
        raise SignInRefused
    with transaction.atomic():
        link = (
            DonorSignInLink.objects.select_for_update()
            .select_related("donor")
            .filter(token_hash=token_digest(token))
            .first()
        )
        if link is None or link.used_at is not None or link.expires_at <= timezone.now():
            raise SignInRefused
        link.used_at = timezone.now()
        link.save(update_fields=["used_at"])
    return link.donor


def session_sign_in(*, session, donor: DonorProfile) -> None:
    """Remember the donor in the session, under a new session key (no fixation)."""
    session.cycle_key()
    session[SESSION_KEY] = {"d": donor.pk, "v": donor.link_version}


def session_donor(*, session) -> DonorProfile | None:
    """The donor signed in to this session, or None (never signed in, signed out, or their links
    were revoked since)."""
    data = session.get(SESSION_KEY)
    if not isinstance(data, dict):
        return None
    donor = DonorProfile.objects.filter(pk=data.get("d")).first()
    if donor is None or donor.link_version != data.get("v"):
        return None
    return donor


def session_sign_out(*, session) -> None:
    session.flush()
