"""Finance officers refund a gift (full or partial) with a reason."""

from __future__ import annotations

import uuid

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from campaigns.amount_input import parse_amount
from campaigns.form_labels import LabelledForm
from campaigns.money import InvalidAmount
from campaigns.roles import FINANCE_OFFICERS, in_role
from payments.donations.models import Donation
from payments.refunds.models import Refund
from payments.refunds.selectors import finance_gift_rows
from payments.refunds.services import RefundNotAllowed, refund_request, refund_take_over
from payments.wallets.services import wallet_label, wallet_refund_deadline, wallet_refund_refusal


class RefundForm(LabelledForm):
    amount = forms.CharField(label=gettext_lazy("Amount to refund"), max_length=40)
    reason = forms.CharField(label=gettext_lazy("Reason"), widget=forms.Textarea(attrs={"rows": 3}))
    # Rendered with the form: the same form posted twice is one refund (payments.refunds.services.refund_key).
    request_id = forms.UUIDField(widget=forms.HiddenInput, initial=uuid.uuid4, required=False)


class TakeOverForm(LabelledForm):
    refund = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(label=gettext_lazy("How you will handle it"), max_length=300)


@login_required
def refund_view(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """Refund one gift, fully or in part, with a reason (finance officers only; an admin screen at
    ``/admin/finance/gifts/<id>/refund/``). Anyone else gets Wagtail's refusal (back to the
    dashboard), an unknown gift 404, and an amount that may not be refunded 400 with the form's
    errors (``InvalidAmount``, ``RefundNotAllowed``)."""
    if not in_role(request.user, FINANCE_OFFICERS):
        raise PermissionDenied
    donation = get_object_or_404(Donation.objects.select_related("campaign", "donor"), public_id=public_id)
    taking_over = request.method == "POST" and "take_over" in request.POST
    form = RefundForm(
        None if taking_over else request.POST or None, initial={"amount": donation.refundable.amount}
    )
    take_over = TakeOverForm(request.POST if taking_over else None)
    if taking_over and take_over.is_valid():
        refund = get_object_or_404(Refund, pk=take_over.cleaned_data["refund"], donation=donation)
        try:
            refund_take_over(refund=refund, actor=request.user, reason=take_over.cleaned_data["reason"])
        except RefundNotAllowed as exc:
            take_over.add_error(None, exc)
        else:
            messages.success(request, _("The automatic refund is stopped and the money is held again."))
            return redirect("finance_gift_refund", public_id=donation.public_id)
    if not taking_over and request.method == "POST" and form.is_valid():
        try:
            amount = parse_amount(form.cleaned_data["amount"], currency=donation.currency)
            refund_request(donation=donation, amount=amount, reason=form.cleaned_data["reason"],
                           actor=request.user, request_id=str(form.cleaned_data["request_id"] or ""))  # fmt: skip
        except InvalidAmount as exc:
            form.add_error("amount", str(exc))
        except RefundNotAllowed as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The refund is on its way."))
            return redirect("finance_gift_refund", public_id=donation.public_id)
    status = 400 if request.method == "POST" else 200
    deadline = wallet_refund_deadline(donation)  # a wallet gift's refund window (ADR 0233)
    wallet = {"name": wallet_label(donation.payment_method_type), "deadline": deadline,
              "refusal": wallet_refund_refusal(donation=donation)} if deadline else None  # fmt: skip
    return render(request, "payments/admin/gift_refund.html", {
        "page_title": _("Refund a gift"), "header_icon": "tag", "donation": donation, "form": form,
        "take_over": take_over, "refunds": donation.refunds.order_by("-created_at"), "wallet": wallet,
        "breadcrumbs_items": [{"url": reverse("finance_gifts"), "label": _("Gifts and refunds")},
                              {"url": "", "label": _("Refund a gift")}],
    }, status=status)  # fmt: skip


@login_required
def gifts_list(request: HttpRequest) -> HttpResponse:
    """Recent gifts, newest first, for finance officers to find the one to refund (an admin
    screen at ``/admin/finance/gifts/``; ``payments.refunds.wagtail_hooks``)."""
    if not in_role(request.user, FINANCE_OFFICERS):
        raise PermissionDenied
    query = request.GET.get("q", "").strip()
    rows = finance_gift_rows(query=query)
    return render(request, "payments/admin/finance_gifts.html", {
        "page_title": _("Gifts and refunds"), "header_icon": "tag", "rows": rows, "q": query,
    })  # fmt: skip


def gifts_list_moved(request: HttpRequest) -> HttpResponse:
    """The gift list's old address (before it became an admin screen) leads to it."""
    return redirect("finance_gifts")


def refund_moved(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """A gift's old refund address (before it became an admin screen) leads to it; 307 keeps a
    posted form a post, so a refund sent from an old page is not lost."""
    response = HttpResponseRedirect(reverse("finance_gift_refund", kwargs={"public_id": public_id}))
    response.status_code = 307 if request.method == "POST" else 302
    return response
