"""Admin screen of one pool's money: its figures, its pay-ins, recording one, confirming or
rejecting one (a second finance officer), closing the pool, returning its leftover to the matcher
(recorded, then confirmed by a second finance officer, ADR 0238). Thin: services check roles, state
and four eyes, and write the audit log."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from campaigns.amount_input import AmountField
from campaigns.form_labels import LabelledForm
from campaigns.roles import FINANCE_OFFICERS, in_role
from payments.matching.card import pay_in_card_token, pool_pay_in_card_request
from payments.matching.models import MatchPool, PayInMethod, PayInStatus, PoolPayIn, PoolReturn, ReturnStatus
from payments.matching.returns import (
    pool_return_confirm,
    pool_return_record,
    pool_return_reject,
    pool_returnable_from,
)
from payments.matching.selectors import pools_figures
from payments.matching.services import pool_close, pool_pay_in_confirm, pool_pay_in_record, pool_pay_in_reject


class CardRequestForm(LabelledForm):
    card_amount = AmountField(currency="CNY", label=gettext_lazy("Amount the matcher pays by card"))


class PayInForm(LabelledForm):
    amount = AmountField(currency="CNY", label=gettext_lazy("Amount"))
    method = forms.ChoiceField(label=gettext_lazy("Paid by"), choices=PayInMethod.choices)
    reference = forms.CharField(label=gettext_lazy("Reference"), max_length=120,
                                help_text=gettext_lazy("Bank reference, provider payment id or receipt number."))  # fmt: skip
    note = forms.CharField(label=gettext_lazy("Note"), max_length=300, required=False)


def match_pool_money_view(request: HttpRequest, pk: int) -> HttpResponse:
    if not in_role(request.user, FINANCE_OFFICERS):
        raise PermissionDenied
    pool = get_object_or_404(MatchPool.objects.select_related("matcher"), pk=pk)
    form = PayInForm(request.POST if "record" in request.POST else None)
    form.fields["amount"].currency = pool.currency
    card_form = CardRequestForm(request.POST if "card_request" in request.POST else None)
    card_form.fields["card_amount"].currency = pool.currency
    error = None
    if request.method == "POST":
        try:
            if "record" in request.POST and form.is_valid():
                pool_pay_in_record(pool=pool, actor=request.user, **form.cleaned_data)
                messages.success(request, _("Payment recorded; another finance officer must confirm it."))
                return redirect("match_pool_money", pk=pk)
            if "confirm" in request.POST or "reject" in request.POST:
                pay_in = get_object_or_404(PoolPayIn, pk=request.POST.get("pay_in", ""), pool=pool)
                if "confirm" in request.POST:
                    pool_pay_in_confirm(pay_in=pay_in, actor=request.user)
                    messages.success(request, _("Payment confirmed: it can match gifts now."))
                else:
                    pool_pay_in_reject(
                        pay_in=pay_in, actor=request.user, reason=request.POST.get("reason", "")
                    )
                    messages.success(request, _("Payment rejected."))
                return redirect("match_pool_money", pk=pk)
            if "card_request" in request.POST:
                if not card_form.is_valid():
                    raise ValidationError(
                        list(card_form.errors.get("card_amount", [])) or [_("Give the amount.")]
                    )
                pool_pay_in_card_request(
                    pool=pool, amount=card_form.cleaned_data["card_amount"], actor=request.user
                )
                messages.success(
                    request, _("Card payment asked for: send the matcher its payment link below.")
                )
                return redirect("match_pool_money", pk=pk)
            if "return_record" in request.POST:
                pool_return_record(pool=pool, actor=request.user, reference=request.POST.get("reference", ""))
                messages.success(request, _("Return recorded; another finance officer must confirm it."))
                return redirect("match_pool_money", pk=pk)
            if "return_confirm" in request.POST or "return_reject" in request.POST:
                number = request.POST.get("pool_return", "")
                pool_return = get_object_or_404(
                    PoolReturn, pk=int(number) if number.isdigit() else 0, pool=pool
                )
                if "return_confirm" in request.POST:
                    pool_return_confirm(pool_return=pool_return, actor=request.user)
                    messages.success(
                        request, _("Return confirmed: the leftover is booked as returned to the matcher.")
                    )
                else:
                    pool_return_reject(pool_return=pool_return, actor=request.user,
                                       reason=request.POST.get("reason", ""))  # fmt: skip
                    messages.success(request, _("Return rejected."))
                return redirect("match_pool_money", pk=pk)
            if "close" in request.POST:
                pool_close(pool=pool, actor=request.user, reason=request.POST.get("reason", ""))
                messages.success(request, _("Pool closed: it matches no further gifts."))
                return redirect("match_pool_money", pk=pk)
        except (PermissionDenied, ValidationError) as exc:
            error = exc.messages[0] if isinstance(exc, ValidationError) else (str(exc) or _("Not allowed."))
    return render(request, "payments/admin/match_pool_money.html", {
        "page_title": _("Matching pool"), "page_subtitle": str(pool), "header_icon": "tag",
        "pool": pool, "figures": pools_figures([pool])[0], "form": form, "error": error,
        "pay_ins": [(p, _card_link(request, p)) for p in pool.pay_ins.select_related("recorded_by", "decided_by")],
        "RECORDED": PayInStatus.RECORDED, "card_form": card_form,
        "returns": pool.returns.select_related("recorded_by", "decided_by"),
        "RETURN_RECORDED": ReturnStatus.RECORDED, "returnable_from": pool_returnable_from(pool),
    })  # fmt: skip


def _card_link(request: HttpRequest, pay_in: PoolPayIn) -> str:
    """The payment page's address of a card pay-in still awaiting the matcher's card, else ""."""
    if not pay_in.is_card_checkout or pay_in.status != PayInStatus.RECORDED or pay_in.card_paid_at:
        return ""
    return request.build_absolute_uri(
        reverse("payments:matcher_card_pay", kwargs={"token": pay_in_card_token(pay_in)})
    )
