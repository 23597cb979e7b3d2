"""Donation intake: thin views over ``payments.services.donations``.

The browser posts the form to ``start`` (JSON answer: a SetupIntent client secret), confirms the
card with Stripe.js, then posts to ``charge``; after a 3-D Secure step it posts to ``confirm``.
Overload and rate limits answer 429/503 with Retry-After at once, never a timeout.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.csrf import ensure_csrf_cookie
from django.views.decorators.http import require_POST

from campaigns.models import Campaign
from payments.donations.card_errors import card_error_for_reader
from payments.donations.donor_links import keep_private
from payments.donations.forms import DonationForm
from payments.donations.intake import (
    busy_response,
    gift_started_here,
    json_error,
    start_card_gift,
)
from payments.donations.models import Donation
from payments.donations.protection import Overloaded, provider_slot
from payments.donations.selectors import campaign_page_url
from payments.donations.services import (
    ChargeOutcome,
    DonationNotPossible,
    donation_charge,
    donation_confirm_authenticated,
    donation_create,
)
from payments.gateway.card import GatewayError


def own_donation(request: HttpRequest, public_id) -> Donation:
    """A gift started in this browser session; anyone else gets 404."""
    if not gift_started_here(request, public_id):
        raise Http404
    return get_object_or_404(Donation.objects.select_related("campaign", "donor"), public_id=public_id)


@ensure_csrf_cookie
def csrf_token(request: HttpRequest) -> JsonResponse:
    """Sets the CSRF cookie for the (cacheable) donation panel's script."""
    response = JsonResponse({"token": get_token(request)})
    response["Cache-Control"] = "private, no-store"
    return response


@require_POST
def donation_start(request: HttpRequest, slug: str) -> JsonResponse:
    campaign = get_object_or_404(Campaign, slug=slug)

    def create(data: dict[str, Any], ip: str) -> Donation:
        return donation_create(
            campaign=campaign,
            amount=data["amount"],
            email=data["email"],
            attempt=data["attempt"],
            frequency=data["frequency"],
            display_name=data.get("display_name", ""),
            anonymous=data.get("anonymous", False),
            dedication=data.get("dedication", ""),
            public_message=data.get("public_message", ""),
            sibling_opt_in=data.get("sibling_opt_in", False),
            earmark_beneficiary_id=data.get("earmark"),
            client_ip=ip or None,
            language=translation.get_language() or "",
        )

    return start_card_gift(request, DonationForm(request.POST, campaign=campaign), create)


def _outcome_response(outcome: ChargeOutcome) -> JsonResponse:
    # A decline in the page's language (the processor's message is English offline; issue 12).
    body = {"status": outcome.status, "message": card_error_for_reader(outcome.code, outcome.message)}
    if outcome.status == "requires_action":
        body["client_secret"] = outcome.client_secret
    if outcome.status in ("succeeded", "processing"):
        body["redirect"] = reverse(
            "payments:donation_thanks", kwargs={"public_id": outcome.donation.public_id}
        )
    return JsonResponse(body, status=402 if outcome.status == "failed" else 200)


def _provider_step(step: Callable[[], ChargeOutcome]) -> JsonResponse:
    """Run one provider-facing step of a gift and answer the browser: overload and slow or failed
    providers become clear JSON errors (503 with Retry-After when trying again will help)."""
    try:
        with provider_slot():
            outcome = step()
    except DonationNotPossible as exc:
        return json_error(" ".join(exc.messages), 400)
    except Overloaded:
        return busy_response()
    except GatewayError as exc:
        if exc.retryable:
            return json_error(
                _("The card processor is slow right now. Please try again in a minute."), 503, 30
            )
        return json_error(str(exc), 402)
    return _outcome_response(outcome)


@require_POST
def donation_charge_view(request: HttpRequest, public_id) -> JsonResponse:
    donation = own_donation(request, public_id)
    return _provider_step(lambda: donation_charge(donation=donation))


@require_POST
def donation_confirm_view(request: HttpRequest, public_id) -> JsonResponse:
    donation = own_donation(request, public_id)
    return _provider_step(lambda: donation_confirm_authenticated(donation=donation))


def donation_thanks(request: HttpRequest, public_id) -> HttpResponse:
    """The thank-you for a gift started in this browser: links to the trace of this gift and back
    to the campaign, and a way to share the campaign (never the gift). Opened elsewhere (another
    browser, an ended session) it answers a friendly page saying where the gift can be followed,
    and nothing of any gift: the id in the URL alone does not prove whose gift it is, and the page
    looks the same whether or not that gift exists."""
    if not gift_started_here(request, public_id):
        return keep_private(render(request, "payments/thanks_elsewhere.html"))
    donation = own_donation(request, public_id)
    campaign_url = campaign_page_url(campaign=donation.campaign, request=request)
    context = {
        "donation": donation,
        "campaign": donation.campaign,
        "campaign_url": campaign_url,
        "share_url": request.build_absolute_uri(campaign_url),
    }
    return keep_private(render(request, "payments/thanks.html", context))
