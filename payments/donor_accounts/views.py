"""Donor accounts without passwords: ask for a link, sign in with it, see every gift (ADR 0218).

Thin. Pages go through ``keep_private`` (a sign-in URL is a credential): the Referrer-Policy of
ADR 0215, which keeps the URL on this site while the page's own forms pass the CSRF check, and
``Cache-Control: private, no-store``.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST

from campaigns.amount_input import AmountField
from campaigns.form_labels import LabelledForm
from campaigns.site_time import site_today
from campaigns.state_tables import TransitionNotAllowed
from payments.donations import monthly
from payments.donations.client_ip import client_ip
from payments.donations.donor_links import donor_page_url, keep_private
from payments.donations.models import Donation, MonthlyPlan
from payments.donations.protection import AttemptBlocked
from payments.donations.selectors import donor_gifts, gift_years
from payments.donor_accounts import services


class SignInRequestForm(LabelledForm):
    email = forms.EmailField(label=_("Your email address"), max_length=254)


@require_http_methods(["GET", "POST"])
def sign_in_request(request: HttpRequest) -> HttpResponse:
    """Email in; always the same answer (a page saying a link is on its way if the address gives
    here), so the form tells nobody who gives. 400 for a malformed address, 429 past the limits."""
    form = SignInRequestForm(request.POST or None)
    if request.method == "POST":
        if not form.is_valid():
            return keep_private(
                render(request, "payments/donor_accounts/request.html", {"form": form}, status=400)
            )
        try:
            services.sign_in_request(
                email=form.cleaned_data["email"], ip=client_ip(request), language=get_language()
            )
        except AttemptBlocked as blocked:
            response = render(request, "payments/donor_accounts/request.html", {"form": form, "blocked": True},
                              status=429)  # fmt: skip
            response["Retry-After"] = str(blocked.retry_after)
            return keep_private(response)
        return redirect("payments:donor_sign_in_sent")
    return keep_private(render(request, "payments/donor_accounts/request.html", {"form": form}))


def sign_in_sent(request: HttpRequest) -> HttpResponse:
    return keep_private(render(request, "payments/donor_accounts/sent.html"))


@require_http_methods(["GET", "POST"])
def sign_in(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows one button (mail scanners that open links must not use a single-use link up);
    POST uses the link: signed in, or 410 for an unknown, used or expired link."""
    if request.method == "GET":
        return keep_private(render(request, "payments/donor_accounts/sign_in.html", {"token": token}))
    try:
        donor = services.sign_in_consume(token=token)
    except services.SignInRefused:
        return keep_private(render(request, "payments/donor_accounts/refused.html", status=410))
    services.session_sign_in(session=request.session, donor=donor)
    return redirect("payments:donor_account")


def account(request: HttpRequest, *, error: str = "", status: int = 200) -> HttpResponse:
    """Every gift of the signed-in donor, across campaigns; nobody else's."""
    donor = services.session_donor(session=request.session)
    if donor is None:
        return redirect("payments:donor_sign_in_request")
    context = {
        "error": error,
        "donor": donor,
        "gifts": donor_gifts(donor=donor),
        "plans": MonthlyPlan.objects.filter(donor=donor).select_related("campaign").order_by("-created_at"),
        "donor_url": donor_page_url(donor, absolute=False),
        # Closed years with a gift: each has a yearly statement (issue 15).
        "statement_years": gift_years(donor=donor, before=site_today().year),
    }
    return keep_private(render(request, "payments/donor_accounts/account.html", context, status=status))


PLAN_ACTIONS = {
    "pause": (
        monthly.monthly_plan_pause,
        _("Your monthly gift is paused. Nothing is charged until you resume it."),
    ),
    "resume": (monthly.monthly_plan_resume, _("Your monthly gift is running again.")),
    "cancel": (
        monthly.monthly_plan_cancel,
        _("Your monthly gift is cancelled. Nothing more will be charged."),
    ),
}


@require_POST
def monthly_plan_action(request: HttpRequest, plan_id: int, action: str) -> HttpResponse:
    """Pause, resume, cancel or change the amount of one of the signed-in donor's monthly gifts
    (through ``payments.donations.monthly`` and its state table). Another donor's plan is 404; a
    move the table refuses or a bad amount is 400, nothing changed."""
    donor = services.session_donor(session=request.session)
    if donor is None:
        raise Http404
    plan = get_object_or_404(MonthlyPlan.objects.select_related("campaign"), pk=plan_id, donor=donor)
    try:
        if action == "amount":
            field = AmountField(currency=plan.currency)
            monthly.monthly_plan_change_amount(
                plan=plan, donor=donor, amount=field.clean(request.POST.get("amount"))
            )
            done = _("The new amount is charged from the next renewal on.")
        elif action in PLAN_ACTIONS:
            change, done = PLAN_ACTIONS[action]
            change(plan=plan, donor=donor)
        else:
            raise Http404
    except (ValidationError, TransitionNotAllowed) as refused:
        message = " ".join(refused.messages) if isinstance(refused, ValidationError) else str(refused)
        return account(request, error=message, status=400)
    messages.success(request, done)
    return redirect("payments:donor_account")


def receipt(request: HttpRequest, public_id) -> HttpResponse:
    """A gift's receipt as a text file, for the signed-in donor who made it only (404 otherwise)."""
    donor = services.session_donor(session=request.session)
    if donor is None:
        raise Http404
    gift = get_object_or_404(
        Donation.objects.select_related("campaign"),
        public_id=public_id,
        donor=donor,
        captured_at__isnull=False,
    )
    response = render(request, "payments/donor_accounts/receipt.txt", {"gift": gift},
                      content_type="text/plain; charset=utf-8")  # fmt: skip
    response["Content-Disposition"] = f'attachment; filename="receipt-{gift.public_id}.txt"'
    return keep_private(response)


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    services.session_sign_out(session=request.session)
    return redirect("payments:donor_sign_in_request")
