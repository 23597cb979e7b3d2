"""Admin screen of one pool's money: its figures, its pay-ins, recording one, confirming or
rejecting one (a second finance officer), closing the pool. Thin: services check roles, state
and four eyes, and write the audit log."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from campaigns.amount_input import AmountField
from campaigns.form_labels import LabelledForm
from campaigns.roles import FINANCE_OFFICERS, in_role
from payments.matching.models import MatchPool, PayInMethod, PayInStatus, PoolPayIn
from payments.matching.selectors import pools_figures
from payments.matching.services import pool_close, pool_pay_in_confirm, pool_pay_in_record, pool_pay_in_reject


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
            if "close" in request.POST:
                pool_close(pool=pool, actor=request.user, reason=request.POST.get("reason", ""))
                messages.success(request, _("Pool closed: it matches no further gifts."))
                return redirect("match_pool_money", pk=pk)
        except (PermissionDenied, ValidationError) as exc:
            error = exc.messages[0] if isinstance(exc, ValidationError) else (str(exc) or _("Not allowed."))
    return render(request, "payments/admin/match_pool_money.html", {
        "page_title": _("Matching pool"), "page_subtitle": str(pool), "header_icon": "tag",
        "pool": pool, "figures": pools_figures([pool])[0], "form": form, "error": error,
        "pay_ins": pool.pay_ins.select_related("recorded_by", "decided_by"), "RECORDED": PayInStatus.RECORDED,
    })  # fmt: skip
