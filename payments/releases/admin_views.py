"""Admin screen of one release: approve (four eyes), answer objections, record a bank payout.

Thin: the services check roles and state and write the audit log. Whoever may see the releases
list (a verifier following the outcome they verified) may read a release; only finance officers
get its forms and may post (issue 13: a verifier opening a row landed on "no permission").
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from campaigns.form_labels import LabelledForm
from campaigns.roles import FINANCE_OFFICERS, in_role
from payments.ledger.services import InsufficientFunds
from payments.releases.models import Objection, Release
from payments.releases.payouts import release_record_bank_transfer
from payments.releases.services import objection_resolve, release_approve


class BankTransferForm(LabelledForm):
    reference = forms.CharField(label=gettext_lazy("Bank reference"), max_length=100)
    proof = forms.FileField(label=gettext_lazy("Proof of transfer (bank slip)"))


class ObjectionAnswerForm(LabelledForm):
    objection = forms.IntegerField(widget=forms.HiddenInput)
    note = forms.CharField(label=gettext_lazy("Answer"), widget=forms.Textarea(attrs={"rows": 2}))


def release_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    may_act = in_role(request.user, FINANCE_OFFICERS)
    if not may_act and not (request.method == "GET" and request.user.has_perm("payments.view_release")):
        raise PermissionDenied
    release = get_object_or_404(
        Release.objects.select_related(
            "campaign", "partner", "milestone__beneficiary", "milestone__verified_by"
        ),
        pk=pk,
    )
    bank_form = (
        BankTransferForm(request.POST or None, request.FILES or None)
        if "pay" in request.POST
        else BankTransferForm()
    )
    answer_form = (
        ObjectionAnswerForm(request.POST or None) if "answer" in request.POST else ObjectionAnswerForm()
    )
    error = None
    if request.method == "POST":
        try:
            if "approve" in request.POST:
                release_approve(release=release, actor=request.user)
                messages.success(request, _("Release approved."))
                return redirect("release_detail", pk=pk)
            if "pay" in request.POST and bank_form.is_valid():
                release_record_bank_transfer(release=release, actor=request.user, **bank_form.cleaned_data)
                messages.success(request, _("Payout recorded."))
                return redirect("release_detail", pk=pk)
            if "answer" in request.POST and answer_form.is_valid():
                objection = get_object_or_404(
                    Objection, pk=answer_form.cleaned_data["objection"], release=release
                )
                objection_resolve(objection=objection, actor=request.user, uphold=request.POST["answer"] == "uphold",
                                  note=answer_form.cleaned_data["note"])  # fmt: skip
                return redirect("release_detail", pk=pk)
        except (PermissionDenied, ValidationError, InsufficientFunds) as exc:
            error = exc.messages[0] if isinstance(exc, ValidationError) else str(exc)
    return render(request, "payments/admin/release_detail.html", {
        "page_title": _("Release"), "page_subtitle": str(release), "header_icon": "resubmit",
        "release": release, "may_act": may_act, "bank_form": bank_form, "answer_form": answer_form, "error": error,
        "objections": release.objections.order_by("filed_at"),
        "allocations": release.allocations.select_related("donation").order_by("id"),
    })  # fmt: skip
