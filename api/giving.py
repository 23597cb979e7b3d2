"""Giving through the API: the same intake as the donate form (``payments.donations.intake``).

``POST /api/v1/gifts/`` runs ``start_card_gift`` with the web's ``DonationForm`` and the web's
``donation_create``, so a gift from an app meets the same rules: the amount parser and the
campaign's minimum, the per-address and per-email attempt limits and the card-testing cooling off
(ADR 0204, 0011), provider slots (ADR 0010), the gift's row before the provider. The client then
confirms the card with Stripe (client secret + publishable key) and asks
``POST /api/v1/gifts/{id}/charge/`` with the same client secret, which proves it holds the gift.

Idempotency: the ``Idempotency-Key`` header becomes the form's ``attempt`` (a UUID derived from
it), so the same key with the same body is the same gift (``donation_key``) and, while its card is
not yet confirmed, the same card setup and client secret. The same key with another body is
another gift, as on the web (the key is the attempt, the body is part of the gift's key).
"""

from __future__ import annotations

import hmac
import json
import uuid
from importlib import import_module
from typing import Any

from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase
from django.shortcuts import get_object_or_404
from django.utils import translation
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from api.errors import ApiError
from api.throttling import ClientRateThrottle, GiftRateThrottle
from api.views import ApiView
from campaigns.models import Campaign
from cms.selectors import PUBLIC_STATUSES
from payments.donations.card_errors import card_error_for_reader
from payments.donations.forms import DonationForm
from payments.donations.intake import start_card_gift
from payments.donations.models import Donation, Frequency
from payments.donations.protection import Overloaded, provider_slot
from payments.donations.services import DonationNotPossible, donation_charge, donation_create
from payments.gateway.card import GatewayError, get_gateway

# Derives the form's attempt UUID from a client's Idempotency-Key (uuid5: same key, same UUID).
IDEMPOTENCY_NAMESPACE = uuid.UUID("6f1c2a5e-8d3b-4f7a-9c1e-2b4d6a8f0e13")
IDEMPOTENCY_HEADER = OpenApiParameter(
    "Idempotency-Key", str, OpenApiParameter.HEADER, required=True,
    description="1–200 visible ASCII characters, new for each gift; a retry sends the same key and body.",
)  # fmt: skip


class GiftRequestSerializer(serializers.Serializer):
    campaign = serializers.SlugField(help_text="The campaign's slug.")
    amount = serializers.CharField(
        max_length=40, help_text='In the campaign\'s currency, e.g. "500" or "500.00".'
    )
    email = serializers.CharField(max_length=254, help_text="For the receipt and the donor's sign-in.")
    frequency = serializers.ChoiceField(choices=Frequency.choices, default=Frequency.ONE_OFF)
    display_name = serializers.CharField(max_length=80, required=False, allow_blank=True, default="")
    anonymous = serializers.BooleanField(required=False, default=False)
    dedication = serializers.CharField(max_length=120, required=False, allow_blank=True, default="")
    public_message = serializers.CharField(max_length=280, required=False, allow_blank=True, default="")
    sibling_opt_in = serializers.BooleanField(required=False, default=False)
    earmark = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=2**62)
    language = serializers.ChoiceField(choices=[c for c, _n in settings.LANGUAGES], required=False,
                                       help_text="The receipt's and later mails' language.")  # fmt: skip


class GiftStartedSerializer(serializers.Serializer):
    gift = serializers.UUIDField(help_text="The gift's public id (its receipt number).")
    status = serializers.ChoiceField(choices=["awaiting_card"])
    amount = serializers.CharField(help_text="What the card will be charged, as stored.")
    currency = serializers.CharField()
    frequency = serializers.CharField()
    client_secret = serializers.CharField(help_text="Confirm the card with Stripe (confirmCardSetup).")
    publishable_key = serializers.CharField(help_text="The Stripe publishable key to confirm it with.")


class ChargeRequestSerializer(serializers.Serializer):
    client_secret = serializers.CharField(max_length=300, help_text="The client secret this gift was given.")


class ChargeOutcomeSerializer(serializers.Serializer):
    gift = serializers.UUIDField()
    status = serializers.ChoiceField(choices=["succeeded", "processing", "requires_action", "failed"])
    message = serializers.CharField(allow_blank=True)
    client_secret = serializers.CharField(
        required=False, help_text="Only with requires_action: confirmCardPayment, then charge again."
    )


def _throwaway_session() -> SessionBase:
    """A session that is never saved: the intake notes web gifts in the browser's session; an API
    client has none, and must not be handed a session cookie. (The real one is put back before
    the session middleware looks at the response.)"""
    return import_module(settings.SESSION_ENGINE).SessionStore()


def _idempotency_attempt(request: Request) -> uuid.UUID:
    key = request.headers.get("Idempotency-Key", "")
    if not (1 <= len(key) <= 200) or not key.isascii() or not key.isprintable() or key.strip() != key:
        raise ApiError(
            _("Send an Idempotency-Key header (1 to 200 visible characters), new for each gift."),
            code="idempotency_key_required", status_code=400,
        )  # fmt: skip
    return uuid.uuid5(IDEMPOTENCY_NAMESPACE, key)


def _refusal(answer: dict[str, Any], status: int, retry_after: str | None) -> ApiError | ValidationError:
    """The intake's JSON refusal as the API's error."""
    if answer.get("status") == "invalid":
        return ValidationError(answer.get("errors", {}))
    message = answer.get("message", "")
    wait = int(retry_after) if retry_after and retry_after.isdigit() else None
    code = {429: "rate_limited", 503: "unavailable"}.get(status, "gift_refused")
    return ApiError(message, code=code, status_code=status, retry_after=wait)


class GiftCreate(ApiView):
    authentication_classes: list = []
    throttle_classes = [ClientRateThrottle, GiftRateThrottle]
    serializer_class = GiftRequestSerializer

    @extend_schema(
        operation_id="gifts_create",
        summary="Start a card gift",
        parameters=[IDEMPOTENCY_HEADER],
        request=GiftRequestSerializer,
        responses={201: GiftStartedSerializer},
    )
    def post(self, request: Request) -> Response:
        attempt = _idempotency_attempt(request)
        given = GiftRequestSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        data = given.validated_data
        # Only campaigns the public may see: a draft's slug is as unknown here as on the site.
        campaign = Campaign.objects.filter(slug=data["campaign"], status__in=PUBLIC_STATUSES).first()
        if campaign is None:
            raise ValidationError({"campaign": [_("There is no campaign with this slug.")]})
        language = data.get("language") or translation.get_language() or settings.LANGUAGE_CODE
        form_data = {
            **{k: v for k, v in data.items() if k not in ("campaign", "earmark", "language")},
            "earmark": data.get("earmark") or "",
            "attempt": str(attempt),
            "website": "",
        }

        def create(cleaned: dict[str, Any], ip: str) -> Donation:
            return donation_create(
                campaign=campaign, amount=cleaned["amount"], email=cleaned["email"],
                attempt=cleaned["attempt"], frequency=cleaned["frequency"],
                display_name=cleaned.get("display_name", ""), anonymous=cleaned.get("anonymous", False),
                dedication=cleaned.get("dedication", ""), public_message=cleaned.get("public_message", ""),
                sibling_opt_in=cleaned.get("sibling_opt_in", False),
                earmark_beneficiary_id=cleaned.get("earmark"), client_ip=ip or None, language=language,
            )  # fmt: skip

        django_request = request._request
        session = getattr(django_request, "session", None)
        django_request.session = _throwaway_session()
        try:
            with translation.override(language):
                answer = start_card_gift(django_request, DonationForm(form_data, campaign=campaign), create)
        finally:
            django_request.session = session
        body = json.loads(answer.content)
        if answer.status_code != 200:
            raise _refusal(body, answer.status_code, answer.get("Retry-After"))
        return Response(
            {
                "gift": body["donation"],
                "status": body["status"],
                "amount": body["amount"],
                "currency": body["currency"],
                "frequency": data["frequency"],
                "client_secret": body["client_secret"],
                "publishable_key": settings.STRIPE_PUBLISHABLE_KEY,
            },
            status=201,
        )


class GiftCharge(ApiView):
    authentication_classes: list = []
    throttle_classes = [ClientRateThrottle, GiftRateThrottle]
    serializer_class = ChargeRequestSerializer

    @extend_schema(
        operation_id="gifts_charge",
        summary="Charge the confirmed card (again after a 3-D Secure step)",
        request=ChargeRequestSerializer,
        responses={200: ChargeOutcomeSerializer, 402: ChargeOutcomeSerializer},
    )
    def post(self, request: Request, public_id: uuid.UUID) -> Response:
        given = ChargeRequestSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        donation = get_object_or_404(
            Donation.objects.select_related("campaign", "donor"), public_id=public_id
        )
        try:
            with provider_slot():
                setup = get_gateway().setup_intent_retrieve(donation.provider_setup_intent_id) \
                    if donation.provider_setup_intent_id else None  # fmt: skip
                if setup is None or not hmac.compare_digest(
                    setup.client_secret.encode(), given.validated_data["client_secret"].encode()
                ):
                    # The same answer as an unknown gift: the id alone proves nothing.
                    raise ApiError(_("There is nothing at this address."), code="not_found", status_code=404)
                outcome = donation_charge(donation=donation)
        except DonationNotPossible as exc:
            raise ApiError(" ".join(exc.messages), code="gift_refused", status_code=400) from exc
        except Overloaded as exc:
            raise ApiError(
                _("Many people are giving right now. Please try again in a few seconds."),
                code="unavailable", status_code=503, retry_after=Overloaded.retry_after,
            ) from exc  # fmt: skip
        except GatewayError as exc:
            raise ApiError(
                _("The card processor is slow right now. Please try again in a minute."),
                code="unavailable", status_code=503, retry_after=30,
            ) from exc  # fmt: skip
        body = {
            "gift": str(donation.public_id),
            "status": outcome.status,
            "message": card_error_for_reader(outcome.code, outcome.message) or "",
        }
        if outcome.status == "requires_action":
            body["client_secret"] = outcome.client_secret
        return Response(body, status=402 if outcome.status == "failed" else 200)
