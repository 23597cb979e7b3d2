"""A new card for a monthly gift, in the browser (ADR 0219, ADR 0220).

The page carries the same card Element as the donate page (Stripe.js, or localstripe's stand-in in
tests and the demo) and a static script (``payments/static/payments/card_update.js``) that calls two
JSON steps: ``start`` (a new card setup for the plan's customer, its client secret back),
Stripe.js ``confirmCardSetup`` with the card, then ``finish`` (the setup re-fetched from the
provider and, only if it succeeded, its card made the plan's). The next renewal charges that card
(``monthly_renewal_charge`` reads the plan's payment method when it charges).

Two doors, as for the other monthly-gift actions: the signed-in donor (``account/monthly/<id>/card/``)
and the donor's private link (``donor/<token>/monthly/<id>/card/``). Thin: the rules are in
``payments.donations.monthly``. Refusals are clear and never a 500: no donor (session ended, link
expired or forged) is 403 with a way to sign in again; another donor's plan (or none) is 404; a
stopped plan or a card setup that did not succeed is 400 (the old card stays); the provider not
answering is 502.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from payments.donations import monthly
from payments.donations.client_ip import client_ip
from payments.donations.donor_links import donor_from_token, keep_private
from payments.donations.models import DonorProfile, MonthlyPlan, MonthlyPlanStatus
from payments.donations.protection import AttemptBlocked
from payments.donor_accounts import services
from payments.gateway.card import GatewayError
from payments.templatetags.donations import stripe_locale

# A plan whose card may be changed: running or paused (the service says the same, ADR 0219).
CARD_STATUSES = (MonthlyPlanStatus.ACTIVE, MonthlyPlanStatus.PAST_DUE, MonthlyPlanStatus.PAUSED)


def _donor(request: HttpRequest, token: str | None) -> DonorProfile | None:
    """The donor behind this door: the private link's, or the session's."""
    if token is not None:
        return donor_from_token(token)
    return services.session_donor(session=request.session)


def _urls(plan: MonthlyPlan, token: str | None) -> dict[str, str]:
    if token is None:
        step = "payments:donor_monthly_plan_card"
        return {
            "start_url": reverse(step, kwargs={"plan_id": plan.pk, "step": "start"}),
            "finish_url": reverse(step, kwargs={"plan_id": plan.pk, "step": "finish"}),
            "back_url": reverse("payments:donor_account"),
        }
    step = "payments:donor_link_plan_card"
    return {
        "start_url": reverse(step, kwargs={"token": token, "plan_id": plan.pk, "step": "start"}),
        "finish_url": reverse(step, kwargs={"token": token, "plan_id": plan.pk, "step": "finish"}),
        "back_url": reverse("payments:donor_page", kwargs={"token": token}),
    }


@require_GET
def card_page(request: HttpRequest, plan_id: int, token: str | None = None) -> HttpResponse:
    """The card form of one of the donor's monthly gifts. Without a donor: the private link's door
    is a 404 (as the donor page), the account's sends them to sign in. Another donor's plan: 404."""
    donor = _donor(request, token)
    if donor is None:
        if token is not None:
            raise Http404
        messages.info(request, _("Sign in again to give your monthly gift a new card."))
        return redirect("payments:donor_sign_in_request")
    plan = MonthlyPlan.objects.select_related("campaign").filter(pk=plan_id, donor=donor).first()
    if plan is None:
        raise Http404
    context = {
        "plan": plan,
        "open": plan.status in CARD_STATUSES,
        "stripe_js_url": settings.STRIPE_JS_URL,
        "publishable_key": settings.STRIPE_PUBLISHABLE_KEY,
        "stripe_locale": stripe_locale(),
        "sign_in_url": reverse("payments:donor_sign_in_request"),
        **_urls(plan, token),
    }
    return keep_private(render(request, "payments/donor_accounts/card.html", context))


def _refusal(message: str, status: int, **extra) -> JsonResponse:
    return keep_private(JsonResponse({"ok": False, "message": message, **extra}, status=status))


@require_POST
def card_step(request: HttpRequest, plan_id: int, step: str, token: str | None = None) -> JsonResponse:
    """``start``: a new card setup, its client secret back. ``finish``: the confirmed card becomes
    the plan's (the page then goes back where the donor came from, which says so). JSON always:
    403 without a donor, 404 for another donor's plan or an unknown step, 400 when refused (the old
    card stays), 429 with Retry-After past the attempt limits (ADR 0011), 502 when the provider
    does not answer."""
    if step not in ("start", "finish"):
        return _refusal(_("There is no such step."), 404)
    donor = _donor(request, token)
    if donor is None:
        message = (
            _("This link no longer works. Ask for a new one, then try again: your card was not changed.")
            if token is not None
            else _("Your sign-in has expired. Sign in again, then try again: your card was not changed.")
        )
        return _refusal(message, 403, sign_in_url=reverse("payments:donor_sign_in_request"))
    plan = MonthlyPlan.objects.filter(pk=plan_id, donor=donor).first()
    if plan is None:
        return _refusal(_("This monthly gift is not one of yours."), 404)
    try:
        if step == "start":
            secret = monthly.monthly_plan_card_setup_start(
                plan=plan, donor=donor, client_ip=client_ip(request) or None
            )
            return keep_private(JsonResponse({"ok": True, "client_secret": secret}))
        monthly.monthly_plan_card_setup_finish(plan=plan, donor=donor)
    except PermissionDenied:
        return _refusal(_("This monthly gift is not one of yours."), 404)
    except ValidationError as refused:
        return _refusal(" ".join(refused.messages), 400)
    except AttemptBlocked as blocked:  # limits and card-testing cooling, as the gift form (ADR 0011)
        response = _refusal(str(blocked), 429)
        response["Retry-After"] = str(blocked.retry_after)
        return response
    except GatewayError:
        return _refusal(_("The card service did not answer. Please try again."), 502)
    done = _("Your monthly gift now uses the new card.")
    messages.success(request, done)
    return keep_private(
        JsonResponse({"ok": True, "message": done, "redirect": _urls(plan, token)["back_url"]})
    )
