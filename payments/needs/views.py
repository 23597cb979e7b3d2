"""Public pages of the needs board: the board, one need's stages, claiming it, paying for it.

Thin: services hold the rules. A claim is counted per client address (``client_ip``, the
gift counters of ``payments.donations.protection``) and held for ``NEEDS_HOLD_MINUTES``; the
hold's token lives in the claimer's session only, so nobody else can pay against it.
"""

from __future__ import annotations

import hashlib
from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from campaigns.form_labels import LabelledForm
from campaigns.models import PUBLIC_NEED_STATUSES, Need
from campaigns.verification.needs import need_hold
from campaigns.verification.selectors import campaign_gift_refusal, public_needs
from payments.donations.client_ip import client_ip
from payments.donations.forms import DonationForm
from payments.donations.intake import json_error, start_card_gift
from payments.donations.models import Donation
from payments.donations.protection import AttemptBlocked, claim_check
from payments.needs.selectors import funding_entries, need_stages
from payments.needs.services import need_gift_create

HOLDS_KEY = "payments.need_holds"


class NeedClaimForm(LabelledForm):
    donor_alias = forms.CharField(
        label=gettext_lazy("Your name as it may be shown"), max_length=100, required=False
    )


def _client(request: HttpRequest) -> str:
    # A digest of the address, never the address: it is stored on the need to count holds.
    return hashlib.sha256(f"need-hold:{client_ip(request) or 'unknown'}".encode()).hexdigest()[:32]


def _public_need(pk: int) -> Need:
    return get_object_or_404(
        Need.objects.select_related("beneficiary__campaign", "partner"),
        pk=pk,
        status__in=PUBLIC_NEED_STATUSES,
    )


@require_GET
def needs_board(request: HttpRequest) -> HttpResponse:
    """Vetted needs of verified households; open ones can be claimed (public fields only)."""
    return _board(request)


def _board(request: HttpRequest, *, error: str = "", status: int = 200) -> HttpResponse:
    now = timezone.now()
    needs = list(public_needs())
    entries = funding_entries(needs=needs)
    rows = [{"need": n, "open": n.is_open(now=now), "entry": entries.get(n.pk)} for n in needs]
    context = {
        "rows": rows,
        "form": NeedClaimForm(),
        "error": error,
        "hold_minutes": settings.NEEDS_HOLD_MINUTES,
    }
    return render(request, "payments/needs_board.html", context, status=status)


@require_GET
def need_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One need's way: each stage, when it was reached, its rule and its ledger link."""
    need = _public_need(pk)
    return render(request, "payments/need_detail.html", {"need": need, "stages": need_stages(need=need)})


@require_POST
def need_claim(request: HttpRequest, pk: int) -> HttpResponse:
    """Claim a need: it is held for this browser while the donor pays (then released if unpaid).
    Past the per-client limits: 429 and nothing held."""
    need = _public_need(pk)
    form = NeedClaimForm(request.POST)
    if not form.is_valid():
        return _board(request, error=_("Please check the name you gave."), status=400)
    try:
        claim_check(ip=client_ip(request))
        need = need_hold(need=need, client=_client(request), actor=request.user,
                         donor_alias=form.cleaned_data["donor_alias"])  # fmt: skip
    except AttemptBlocked as exc:
        response = _board(request, error=str(exc), status=429)
        response["Retry-After"] = str(exc.retry_after)
        return response
    except ValidationError as exc:
        return _board(request, error=" ".join(exc.messages), status=409)
    holds = dict(request.session.get(HOLDS_KEY, {}))
    holds[str(need.pk)] = need.hold_token
    request.session[HOLDS_KEY] = dict(list(holds.items())[-10:])
    return redirect("payments:need_pay", pk=need.pk)


def _own_hold(request: HttpRequest, need: Need) -> str:
    """The hold token of this browser's live hold on ``need``, or ``""``."""
    token = request.session.get(HOLDS_KEY, {}).get(str(need.pk), "")
    live = need.held_until is not None and need.held_until > timezone.now()
    return token if token and token == need.hold_token and live and need.status == "matched" else ""


@require_GET
def need_pay(request: HttpRequest, pk: int) -> HttpResponse:
    """The payment form of a need this browser holds; anyone else is sent to the need's page."""
    need = _public_need(pk)
    if not _own_hold(request, need):
        return redirect("payments:need_detail", pk=need.pk)
    campaign = need.beneficiary.campaign
    response = render(request, "payments/need_pay.html", {
        "need": need, "campaign": campaign, "refusal": campaign_gift_refusal(campaign=campaign),
        "form": DonationForm(campaign=campaign), "start_url": reverse("payments:need_pay_start", kwargs={"pk": need.pk}),
        "stripe_js_url": settings.STRIPE_JS_URL, "publishable_key": settings.STRIPE_PUBLISHABLE_KEY,
    })  # fmt: skip
    response["Cache-Control"] = "private, no-store"
    return response


@require_POST
def need_pay_start(request: HttpRequest, pk: int) -> JsonResponse:
    """Like ``donation_start``, for the need's exact cost, under this browser's hold."""
    need = _public_need(pk)
    token = _own_hold(request, need)
    if not token:
        return json_error(_("Your hold on this need has ended. Claim it again from the needs board."), 409)
    campaign = need.beneficiary.campaign
    data = request.POST.copy()
    data["amount"], data["frequency"] = str(need.amount.amount), "one_off"

    def create(data: dict[str, Any], ip: str) -> Donation:
        return need_gift_create(
            need=need, hold_token=token, email=data["email"], attempt=data["attempt"],
            display_name=data.get("display_name", ""), anonymous=data.get("anonymous", False),
            client_ip=ip or None, language=translation.get_language() or "",
        )  # fmt: skip

    return start_card_gift(request, DonationForm(data, campaign=campaign), create)
