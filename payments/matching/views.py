"""Public pages of matchers: the showcase of companies and foundations that match gifts, each
matcher's page of what it pledged, paid in and matched (reads only, ``selectors``), and the card
payment page finance sends a matcher to pay part of its pledge (``payments.matching.card``).

The card page works as the monthly gift's new-card page (``payments/card_update.js``): ``start``
(a card setup, its client secret back), Stripe.js ``confirmCardSetup``, ``finish`` (the card
charged once). JSON always: 404 for a forged or expired link or an unknown step, 400 when refused
(declined card, no longer awaiting a card), 502 when the provider does not answer."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from payments.donations.donor_links import keep_private
from payments.gateway.card import GatewayError
from payments.matching.card import pay_in_from_token, pool_pay_in_card_finish, pool_pay_in_card_start
from payments.matching.models import Matcher, PayInStatus
from payments.matching.selectors import matcher_summary, showcase
from payments.templatetags.donations import stripe_locale


@require_GET
def matchers(request: HttpRequest) -> HttpResponse:
    return render(request, "payments/matching/showcase.html", {"matchers": showcase()})


@require_GET
def matcher_page(request: HttpRequest, slug: str) -> HttpResponse:
    matcher = get_object_or_404(Matcher, slug=slug)
    return render(request, "payments/matching/matcher_page.html", {"s": matcher_summary(matcher=matcher)})


@require_GET
def card_pay_page(request: HttpRequest, token: str) -> HttpResponse:
    """The matcher's card payment page for one pay-in: the pool, the amount, the card form while
    it awaits a card, else what became of it. A forged or expired link: 404."""
    pay_in = pay_in_from_token(token)
    if pay_in is None:
        raise Http404
    context = {
        "pay_in": pay_in,
        "awaiting": pay_in.status == PayInStatus.RECORDED and pay_in.card_paid_at is None,
        "stripe_js_url": settings.STRIPE_JS_URL,
        "publishable_key": settings.STRIPE_PUBLISHABLE_KEY,
        "stripe_locale": stripe_locale(),
        "start_url": reverse("payments:matcher_card_pay_step", kwargs={"token": token, "step": "start"}),
        "finish_url": reverse("payments:matcher_card_pay_step", kwargs={"token": token, "step": "finish"}),
        "page_url": reverse("payments:matcher_card_pay", kwargs={"token": token}),
    }
    return keep_private(render(request, "payments/matching/card_pay.html", context))


def _refusal(message: str, status: int) -> JsonResponse:
    return keep_private(JsonResponse({"ok": False, "message": message}, status=status))


@require_POST
def card_pay_step(request: HttpRequest, token: str, step: str) -> JsonResponse:
    """``start``: a card setup, its client secret back. ``finish``: the card charged; the page
    then shows the payment received, or the decline."""
    pay_in = pay_in_from_token(token)
    if pay_in is None or step not in ("start", "finish"):
        return _refusal(_("This payment link does not work. Ask the foundation for a new one."), 404)
    try:
        if step == "start":
            return keep_private(
                JsonResponse({"ok": True, "client_secret": pool_pay_in_card_start(pay_in=pay_in)})
            )
        outcome = pool_pay_in_card_finish(pay_in=pay_in)
    except ValidationError as refused:
        return _refusal(" ".join(refused.messages), 400)
    except GatewayError:
        return _refusal(_("The card service did not answer. Please try again."), 502)
    if outcome == "declined":
        return _refusal(
            _("The card was declined: nothing was paid. Ask the foundation for a new payment link."), 400
        )
    redirect = reverse("payments:matcher_card_pay", kwargs={"token": token})
    return keep_private(JsonResponse({"ok": True, "outcome": outcome, "redirect": redirect}))
