"""Giving through a supporter's page: the campaign's donate form, posted here (ADR 0234).

Thin: the same intakes as the campaign's form (``start_card_gift`` for a card, ``wallet_gift_start``
for WeChat Pay and Alipay: limits, the gift's row, the provider step), and the gift is attributed
to the page in the transaction that writes its row. A page no longer public by then gives the gift
to the campaign only (``gift_attribute``).
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.http import HttpRequest, JsonResponse
from django.shortcuts import get_object_or_404
from django.utils import translation
from django.views.decorators.http import require_POST

from payments.donations.forms import DonationForm
from payments.donations.intake import start_card_gift
from payments.donations.models import Donation
from payments.donations.services import donation_create
from payments.supporters.models import SupporterPage
from payments.supporters.services import gift_attribute
from payments.wallets.views import wallet_gift_start


@require_POST
def supporter_gift_start(request: HttpRequest, slug: str) -> JsonResponse:
    page = get_object_or_404(SupporterPage.objects.select_related("campaign"), slug=slug)
    campaign = page.campaign

    def create(data: dict[str, Any], ip: str) -> Donation:
        with transaction.atomic():
            donation = donation_create(
                campaign=campaign, amount=data["amount"], email=data["email"], attempt=data["attempt"],
                frequency=data["frequency"], display_name=data.get("display_name", ""),
                anonymous=data.get("anonymous", False), dedication=data.get("dedication", ""),
                public_message=data.get("public_message", ""), sibling_opt_in=data.get("sibling_opt_in", False),
                earmark_beneficiary_id=data.get("earmark"), client_ip=ip or None,
                language=translation.get_language() or "",
            )  # fmt: skip
            gift_attribute(donation=donation, page=page)
        return donation

    return start_card_gift(request, DonationForm(request.POST, campaign=campaign), create)


@require_POST
def supporter_wallet_start(request: HttpRequest, slug: str) -> JsonResponse:
    """A WeChat Pay or Alipay gift through the page: the campaign's wallet start (its refusals:
    400 for a wallet not offered, nothing written), the gift attributed to the page as a card
    gift is. The provider's events then settle it as any wallet gift (ADR 0232)."""
    page = get_object_or_404(SupporterPage.objects.select_related("campaign"), slug=slug)
    return wallet_gift_start(
        request,
        campaign=page.campaign,
        attribute=lambda donation: gift_attribute(donation=donation, page=page),
    )
