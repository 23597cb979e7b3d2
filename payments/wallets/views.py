"""Wallet gifts in the browser: thin views over ``payments.wallets.services`` (ADR 0232).

The donate form posts to ``wallet_start`` when WeChat Pay or Alipay is chosen; the JSON answer
names where the browser goes next: our payment page with a QR code (WeChat Pay on a desktop),
Alipay's page, or Stripe's hosted WeChat Pay page (on a phone, the WeChat in-app browser among
them). The payment page asks ``gift_status`` every few seconds (our own small script, no third
party) and moves on to the thank-you page once the provider's event has settled the gift.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import segno
from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from campaigns.models import Campaign
from payments.donations.donor_links import keep_private
from payments.donations.intake import json_error, start_gift
from payments.donations.models import Donation, DonationStatus
from payments.donations.selectors import campaign_page_url
from payments.donations.services import donation_create
from payments.donations.views import own_donation
from payments.gateway.card import GatewayError
from payments.gateway.wallet import MOBILE, WEB, WECHAT_PAY
from payments.wallets.forms import WalletDonationForm
from payments.wallets.services import (
    donation_start_wallet,
    wallet_label,
    wallet_methods_offered,
    wallet_payment_for,
)

# Phones by their user agent: the WeChat in-app browser says "MicroMessenger"; the others "Mobi"
# (Chrome, Safari and Firefox on phones), "Android" or "iPhone".
_PHONE_MARKS = ("MicroMessenger", "Mobi", "Android", "iPhone", "iPod")


def wallet_client(request: HttpRequest) -> str:
    """``mobile`` for a phone's browser (the WeChat in-app browser included), else ``web``."""
    agent = request.headers.get("User-Agent", "")
    return MOBILE if any(mark in agent for mark in _PHONE_MARKS) else WEB


@require_POST
def wallet_start(request: HttpRequest, slug: str) -> JsonResponse:
    """Start a wallet gift from the campaign's own donate form (``wallet_gift_start``)."""
    return wallet_gift_start(request, campaign=get_object_or_404(Campaign, slug=slug))


def wallet_gift_start(
    request: HttpRequest, *, campaign: Campaign, attribute: Callable[[Donation], object] | None = None
) -> JsonResponse:
    """Start a wallet gift to ``campaign`` from a posted donate form. 400 (nothing written) if the
    method is not offered here: not named in ``PAYMENTS_METHOD_TYPES``, or the gateway cannot take
    it (localstripe), or the campaign is all-or-nothing. Otherwise ``start_gift``'s answers, or
    ``{"status": "redirect", "url": …}``.

    ``attribute(donation)`` runs in the transaction that writes the gift's row: a supporter's page
    records the gift there (ADR 0234), as its card start does."""
    method = request.POST.get("method", "")
    if method not in wallet_methods_offered(campaign=campaign):
        return json_error(_("This way of paying is not available here. Please give by card."), 400)
    client = wallet_client(request)

    def create(data: dict[str, Any], ip: str) -> Donation:
        with transaction.atomic():
            donation = donation_create(
                campaign=campaign,
                amount=data["amount"],
                email=data["email"],
                attempt=data["attempt"],
                display_name=data.get("display_name", ""),
                anonymous=data.get("anonymous", False),
                dedication=data.get("dedication", ""),
                public_message=data.get("public_message", ""),
                earmark_beneficiary_id=data.get("earmark"),
                client_ip=ip or None,
                language=translation.get_language() or "",
                payment_method_type=method,
            )
            if attribute is not None:
                attribute(donation)
        return donation

    def start(donation: Donation, ip: str) -> dict[str, Any]:
        pay_page = reverse("payments:wallet_pay", kwargs={"public_id": donation.public_id})
        payment = donation_start_wallet(
            donation=donation, client=client, return_url=request.build_absolute_uri(pay_page)
        )
        if payment.status == "succeeded":
            url = reverse("payments:donation_thanks", kwargs={"public_id": donation.public_id})
        elif method == WECHAT_PAY and client == WEB:
            url = pay_page  # we draw the QR code; the donor scans it with their phone
        else:
            url = payment.redirect_url or pay_page
        return {"status": "redirect", "donation": str(donation.public_id), "url": url}

    form = WalletDonationForm(request.POST, campaign=campaign)
    return start_gift(request, form, create, start,
                      unreachable=_("We could not reach the payment provider. Please try again in a minute."))  # fmt: skip


def _qr_image(data: str) -> str:
    """The QR code of ``data`` as an SVG data URI (segno; the page's policy allows ``data:`` images)."""
    return segno.make(data, error="m", micro=False).svg_data_uri(scale=6, border=4)


@require_GET
def wallet_pay(request: HttpRequest, public_id) -> HttpResponse:
    """The page of a wallet gift started in this browser: the WeChat Pay QR code while the gift
    waits for the donor (desktop), or a note that the payment is being confirmed (back from
    Alipay, or after paying on a phone). Its script follows ``gift_status``. A received gift goes
    straight to the thank-you page; another browser's gift is 404."""
    donation = own_donation(request, public_id)
    thanks = reverse("payments:donation_thanks", kwargs={"public_id": donation.public_id})
    if donation.is_captured:
        return redirect(thanks)
    qr, unavailable = "", False
    if donation.payment_method_type == WECHAT_PAY and donation.status == DonationStatus.PROCESSING:
        try:
            payment = wallet_payment_for(donation=donation)
        except GatewayError:
            unavailable = True
        else:
            if payment is not None and payment.awaiting_donor and payment.qr_data:
                qr = _qr_image(payment.qr_data)
    context = {
        "donation": donation,
        "campaign": donation.campaign,
        "wallet": wallet_label(donation.payment_method_type),
        "amount": str(donation.amount),
        "qr": qr,
        "unavailable": unavailable,
        "failed": donation.status in (DonationStatus.FAILED, DonationStatus.BLOCKED),
        "status_url": reverse("payments:gift_status", kwargs={"public_id": donation.public_id}),
        "thanks_url": thanks,
        "campaign_url": campaign_page_url(campaign=donation.campaign, request=request),
    }
    return keep_private(render(request, "payments/wallet_pay.html", context))


@require_GET
def gift_status(request: HttpRequest, public_id) -> JsonResponse:
    """Where a gift started in this browser stands, for the payment page's script:
    ``{"status": "processing" | "succeeded" | "failed", "redirect"?, "message"?}``. Reads our
    database only (the provider's events settle the gift); 404 for another browser's gift."""
    donation = own_donation(request, public_id)
    body: dict[str, str] = {"status": "processing"}
    if donation.is_captured:
        body = {"status": "succeeded",
                "redirect": reverse("payments:donation_thanks", kwargs={"public_id": donation.public_id})}  # fmt: skip
    elif donation.status in (DonationStatus.FAILED, DonationStatus.BLOCKED):
        body = {"status": "failed", "message": _("The payment was not completed. Nothing was taken.")}
    response = JsonResponse(body)
    response["Cache-Control"] = "private, no-store"
    return response
