"""Throttles of the API, counted in the shared cache (Redis) per client address.

The address is the one every payment limit counts (``payments.donations.client_ip``, ADR 0010),
never DRF's own reading of ``X-Forwarded-For`` (which trusts whatever a client writes there). With
Redis down the cache acts as an empty one (ADR 0007): throttles let requests through, while the
gift intake's own limits still count in the process.
"""

from __future__ import annotations

from rest_framework.throttling import SimpleRateThrottle

from payments.donations.client_ip import client_ip


class ClientRateThrottle(SimpleRateThrottle):
    """Every API request, per client address (``CLEARFUND_API_RATE``, 120/minute)."""

    scope = "api"

    def get_cache_key(self, request, view) -> str:
        return self.cache_format % {"scope": self.scope, "ident": client_ip(request._request) or "unknown"}


class GiftRateThrottle(ClientRateThrottle):
    """Gift creation on top of the intake's own limits (``CLEARFUND_API_GIFT_RATE``, 20/minute)."""

    scope = "api_gifts"


class DonorSignInThrottle(ClientRateThrottle):
    """Trading a sign-in link for a token (``CLEARFUND_API_DONOR_SIGN_IN_RATE``, 10/hour): a
    guessed link is worth nothing, but guesses are counted anyway."""

    scope = "api_donor_sign_in"
