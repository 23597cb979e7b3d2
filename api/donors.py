"""A donor's own gifts and their traces, with a token from the donor sign-in (ADR 0218).

A donor asks for a sign-in link as on the web (``/payments/sign-in/``: the mail holds the link);
an app trades the link's token once for an API token here (``sign_in_consume``: single use, time
limited). The API token is signed (``django.core.signing``), names the donor and their
``link_version`` and lasts ``API_DONOR_TOKEN_DAYS``; revoking the donor's links (a new
``link_version``) revokes it. It is sent as ``Authorization: Bearer <token>``; every read is of
that donor's gifts only (``donor_gift_traces``), so no id in a request can reach another donor's.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core import signing
from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, serializers
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.request import Request
from rest_framework.response import Response

from api.fields import amount_text, reader_text
from api.public.representations import disbursement_data
from api.public.serializers import AMOUNT_PATTERN, DisbursementSerializer
from api.throttling import ClientRateThrottle, DonorSignInThrottle
from api.views import ApiView
from payments.donations.models import DonorProfile
from payments.donor_accounts.services import SignInRefused, sign_in_consume
from payments.trace.selectors import GiftTrace, donor_gift_traces

TOKEN_SALT = "api.donor-token"  # noqa: S105 (a signing salt, not a secret)
BREAKDOWN = ("captured", "held", "approved_unpaid", "paid", "refunded", "disputed", "lost_to_disputes",
             "to_recover", "counted")  # fmt: skip


def donor_token(donor: DonorProfile) -> str:
    """A signed API token for ``donor`` (valid ``API_DONOR_TOKEN_DAYS``, until their links are revoked)."""
    return signing.dumps({"d": donor.pk, "v": donor.link_version}, salt=TOKEN_SALT, compress=True)


def donor_of_token(token: str) -> DonorProfile | None:
    """The donor a token names, or None: forged, expired, or their links revoked since."""
    try:
        data = signing.loads(token, salt=TOKEN_SALT, max_age=timedelta(days=settings.API_DONOR_TOKEN_DAYS))
    except signing.BadSignature:
        return None
    if not isinstance(data, dict):
        return None
    donor = DonorProfile.objects.filter(pk=data.get("d")).first()
    if donor is None or donor.link_version != data.get("v"):
        return None
    return donor


class DonorTokenAuthentication(BaseAuthentication):
    """``Authorization: Bearer <donor token>``; ``request.auth`` is the donor."""

    def authenticate(self, request: Request) -> tuple[AnonymousUser, DonorProfile] | None:
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != b"bearer":
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed(_("Send one token after Bearer."))
        donor = donor_of_token(parts[1].decode("latin-1"))
        if donor is None:
            raise exceptions.AuthenticationFailed(_("This token is not valid (any more). Sign in again."))
        return AnonymousUser(), donor

    def authenticate_header(self, request: Request) -> str:
        return "Bearer"


class DonorTokenScheme(OpenApiAuthenticationExtension):
    target_class = "api.donors.DonorTokenAuthentication"
    name = "donorToken"

    def get_security_definition(self, auto_schema) -> dict[str, Any]:
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "A donor token (POST /api/v1/donor/token/).",
        }


class SignInRequestSerializer(serializers.Serializer):
    link_token = serializers.CharField(
        max_length=200, help_text="The token at the end of the mailed sign-in link."
    )


class DonorTokenSerializer(serializers.Serializer):
    token = serializers.CharField()
    expires_in = serializers.IntegerField(help_text="Seconds.")


class DonorToken(ApiView):
    authentication_classes: list = []
    throttle_classes = [ClientRateThrottle, DonorSignInThrottle]
    serializer_class = SignInRequestSerializer

    @extend_schema(
        operation_id="donor_token_create",
        summary="Trade a sign-in link's token (once) for a donor API token",
        request=SignInRequestSerializer,
        responses={201: DonorTokenSerializer},
    )
    def post(self, request: Request) -> Response:
        given = SignInRequestSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        try:
            donor = sign_in_consume(token=given.validated_data["link_token"])
        except SignInRefused as exc:
            raise exceptions.AuthenticationFailed(
                _("This sign-in link is unknown, used or expired. Ask for a new one.")
            ) from exc
        response = Response(
            {"token": donor_token(donor), "expires_in": settings.API_DONOR_TOKEN_DAYS * 86400}, status=201
        )
        response["Cache-Control"] = "private, no-store"
        return response


class BreakdownSerializer(serializers.Serializer):
    captured = serializers.RegexField(AMOUNT_PATTERN, help_text="Received.")
    held = serializers.RegexField(AMOUNT_PATTERN)
    approved_unpaid = serializers.RegexField(AMOUNT_PATTERN)
    paid = serializers.RegexField(AMOUNT_PATTERN)
    refunded = serializers.RegexField(AMOUNT_PATTERN)
    disputed = serializers.RegexField(AMOUNT_PATTERN)
    lost_to_disputes = serializers.RegexField(AMOUNT_PATTERN)
    to_recover = serializers.RegexField(AMOUNT_PATTERN)
    counted = serializers.RegexField(AMOUNT_PATTERN)


class DonorGiftSerializer(serializers.Serializer):
    gift = serializers.UUIDField(help_text="The gift's public id (its receipt number).")
    campaign = serializers.SlugField()
    campaign_title = serializers.CharField()
    amount = serializers.RegexField(AMOUNT_PATTERN)
    currency = serializers.CharField()
    frequency = serializers.CharField()
    status = serializers.CharField()
    created_at = serializers.DateTimeField()
    captured_at = serializers.DateTimeField(allow_null=True)
    breakdown = BreakdownSerializer(help_text="Where this gift's money is (the money vocabulary).")
    disbursements = DisbursementSerializer(many=True, help_text="This gift's share of each release.")


def gift_data(trace: GiftTrace) -> dict[str, Any]:
    gift = trace.donation
    return {
        "gift": str(gift.public_id),
        "campaign": gift.campaign.slug,
        "campaign_title": reader_text(gift.campaign, "title"),
        "amount": amount_text(gift.amount),
        "currency": gift.currency,
        "frequency": gift.frequency,
        "status": gift.status,
        "created_at": gift.created_at,
        "captured_at": gift.captured_at,
        "breakdown": {name: amount_text(getattr(trace.breakdown, name)) for name in BREAKDOWN},
        "disbursements": [disbursement_data(line) for line in trace.disbursements],
    }


class DonorGifts(ApiView):
    authentication_classes = [DonorTokenAuthentication]
    serializer_class = DonorGiftSerializer

    def check_permissions(self, request: Request) -> None:
        if not isinstance(request.auth, DonorProfile):
            raise exceptions.NotAuthenticated(_("Send your donor token: Authorization: Bearer <token>."))

    @extend_schema(
        operation_id="donor_gifts_list",
        responses={200: DonorGiftSerializer(many=True)},
        summary="The signed-in donor's own gifts, each with its trace",
    )
    def get(self, request: Request) -> Response:
        page = self.paginate_queryset(donor_gift_traces(donor=request.auth))
        response = self.get_paginated_response([gift_data(trace) for trace in page])
        response["Cache-Control"] = "private, no-store"
        return response
