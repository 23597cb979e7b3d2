"""Finance officers refund a gift (full or partial) with a reason."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from campaigns.money import InvalidAmount, Money
from campaigns.roles import FINANCE_OFFICERS, in_role
from payments.donations.models import Donation
from payments.refunds.services import RefundNotAllowed, refund_request


class RefundForm(forms.Form):
    amount = forms.CharField(label=gettext_lazy("Amount to refund"), max_length=16)
    reason = forms.CharField(label=gettext_lazy("Reason"), widget=forms.Textarea(attrs={"rows": 3}))


@login_required
def refund_view(request: HttpRequest, public_id) -> HttpResponse:
    if not in_role(request.user, FINANCE_OFFICERS):
        raise PermissionDenied
    donation = get_object_or_404(Donation.objects.select_related("campaign", "donor"), public_id=public_id)
    form = RefundForm(request.POST or None, initial={"amount": donation.refundable.amount})
    if request.method == "POST" and form.is_valid():
        try:
            amount = Money.parse(form.cleaned_data["amount"], donation.currency)
            refund_request(
                donation=donation, amount=amount, reason=form.cleaned_data["reason"], actor=request.user
            )
        except InvalidAmount:
            form.add_error("amount", _("Enter an amount, e.g. 100 or 12.50."))
        except RefundNotAllowed as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The refund is on its way."))
            return redirect("payments:refund", public_id=donation.public_id)
    return render(request, "payments/refund.html", {"donation": donation, "form": form,
                                                    "refunds": donation.refunds.order_by("-created_at")})  # fmt: skip


@login_required
def gifts_list(request: HttpRequest) -> HttpResponse:
    """Recent gifts, newest first, for finance officers to find the one to refund."""
    if not in_role(request.user, FINANCE_OFFICERS):
        raise PermissionDenied
    query = request.GET.get("q", "").strip()
    gifts = Donation.objects.select_related("campaign", "donor").exclude(
        status__in=["created", "awaiting_card"]
    )
    if query:
        gifts = gifts.filter(donor__email__icontains=query) | gifts.filter(provider_payment_intent_id=query)
    return render(
        request, "payments/finance_gifts.html", {"gifts": gifts.order_by("-created_at")[:100], "q": query}
    )
