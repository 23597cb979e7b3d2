"""Signing outbound webhook requests the way Stripe signs its own (ADR 0420), and the check a
receiver runs. Standard library only, so integrators may copy ``verify`` as it is (README,
"Webhooks").

Header ``Clearfund-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">``, keyed
with the subscription's secret. The timestamp is signed with the body, so a captured request
cannot be replayed later with a fresh time; receivers refuse timestamps older than a tolerance.
"""

from __future__ import annotations

import hashlib
import hmac
import time

SIGNATURE_HEADER = "Clearfund-Signature"
DEFAULT_TOLERANCE_SECONDS = 300


class SignatureError(ValueError):
    """The request is not signed by the secret, or its timestamp is too old (or malformed)."""


def signature(*, secret: str, timestamp: int, body: bytes) -> str:
    """Hex HMAC-SHA256 of ``"<timestamp>.<body>"`` keyed with ``secret``."""
    message = str(timestamp).encode() + b"." + body
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def signature_header(*, secret: str, body: bytes, timestamp: int | None = None) -> str:
    """The ``Clearfund-Signature`` value for ``body`` sent now (or at ``timestamp``, unix seconds)."""
    t = int(time.time()) if timestamp is None else timestamp
    return f"t={t},v1={signature(secret=secret, timestamp=t, body=body)}"


def verify(
    *,
    body: bytes,
    header: str,
    secret: str,
    tolerance: int = DEFAULT_TOLERANCE_SECONDS,
    now: float | None = None,
) -> int:
    """Check a received request: ``body`` is the raw request body (bytes, before any JSON parsing),
    ``header`` the ``Clearfund-Signature`` value. Returns the signed timestamp.

    Raises ``SignatureError`` when the header is malformed, no ``v1`` signature matches (tampered
    body, wrong secret) or the timestamp is more than ``tolerance`` seconds from ``now``.
    """
    parts: dict[str, list[str]] = {}
    for item in (header or "").split(","):
        key, sep, value = item.strip().partition("=")
        if sep:
            parts.setdefault(key, []).append(value)
    try:
        timestamp = int(parts["t"][0])
    except (KeyError, ValueError) as exc:
        raise SignatureError("no timestamp in the signature header") from exc
    expected = signature(secret=secret, timestamp=timestamp, body=body)
    if not any(hmac.compare_digest(expected, candidate) for candidate in parts.get("v1", [])):
        raise SignatureError("signature does not match the body")
    current = time.time() if now is None else now
    if abs(current - timestamp) > tolerance:
        raise SignatureError("timestamp outside the tolerance")
    return timestamp
