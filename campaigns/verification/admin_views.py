"""Admin screens where verifiers match, evidence and sign off beneficiaries and outcomes.

Thin: every action is a service call (which checks the role and audits). Restricted registry data
is put in the context only for users who may see it (``may_view_restricted``). The ID number is
posted in a form body, never put in a URL.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from campaigns.form_labels import DatePickerInput, LabelledForm
from campaigns.models import Beneficiary, Milestone
from campaigns.reader_language import reader_str
from campaigns.verification.beneficiaries import beneficiary_match, beneficiary_verify, evidence_add
from campaigns.verification.milestones import milestone_reject, milestone_report, milestone_verify
from campaigns.verification.permissions import is_verifier, may_view_restricted


class EvidenceForm(LabelledForm):
    file = forms.FileField(label=gettext_lazy("Evidence file (photo or PDF)"), required=False)
    summary = forms.CharField(label=gettext_lazy("Public summary of the evidence"), max_length=200, required=False,
                              help_text=gettext_lazy("No names, ID numbers or addresses."))  # fmt: skip
    dated = forms.DateField(label=gettext_lazy("Date of the evidence"), required=False,
                            widget=DatePickerInput())  # fmt: skip


class BeneficiaryVerifyForm(EvidenceForm):
    # Longer than 18: people type spaces or dashes between digit groups, which normalise_id_number drops.
    id_number = forms.CharField(label=gettext_lazy("ID number (checked against the registry)"), max_length=40,
                                required=False, widget=forms.PasswordInput(render_value=False))  # fmt: skip
    note = forms.CharField(
        label=gettext_lazy("What you checked"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class MilestoneVerifyForm(EvidenceForm):
    note = forms.CharField(
        label=gettext_lazy("Note or reason"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


def _add_evidence(request, form, **subject) -> None:
    data = form.cleaned_data
    if data.get("file"):
        evidence_add(actor=request.user, file=data["file"], summary=data["summary"] or data["file"].name,
                     dated=data["dated"] or timezone.localdate(), **subject)  # fmt: skip


def beneficiary_verify_view(request: HttpRequest, pk: int) -> HttpResponse:
    if not is_verifier(request.user):
        raise PermissionDenied
    beneficiary = get_object_or_404(Beneficiary.objects.select_related("campaign"), pk=pk)
    form = BeneficiaryVerifyForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            # Match, upload and sign-off stand or fall together: a refused sign-off (the proposer,
            # review finding 2) leaves no half-done match or file behind.
            with transaction.atomic():
                if form.cleaned_data["id_number"]:
                    beneficiary_match(
                        actor=request.user, beneficiary=beneficiary, id_number=form.cleaned_data["id_number"]
                    )
                _add_evidence(request, form, beneficiary=beneficiary)
                if "verify" in request.POST:
                    beneficiary_verify(
                        actor=request.user, beneficiary=beneficiary, note=form.cleaned_data["note"]
                    )
            if "verify" in request.POST:
                messages.success(request, _("Beneficiary verified."))
        except ValidationError as error:
            form.add_error(None, error)
        except PermissionDenied as refused:
            form.add_error(None, str(refused))
        else:
            return redirect("verification_beneficiary_verify", pk=beneficiary.pk)
    person = beneficiary.registry_person if may_view_restricted(request.user) else None
    return render(request, "campaigns/admin/beneficiary_verify.html", {
        "page_title": _("Verify beneficiary"), "page_subtitle": reader_str(beneficiary, "pseudonym"), "header_icon": "user",
        "beneficiary": beneficiary, "person": person, "form": form,
        "evidence": beneficiary.evidence.order_by("-dated"),
    })  # fmt: skip


def milestone_verify_view(request: HttpRequest, pk: int) -> HttpResponse:
    if not is_verifier(request.user):
        raise PermissionDenied
    milestone = get_object_or_404(Milestone.objects.select_related("beneficiary", "partner"), pk=pk)
    form = MilestoneVerifyForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        note = form.cleaned_data["note"]
        try:
            # One step: a refused verification keeps no evidence uploaded with it.
            with transaction.atomic():
                _add_evidence(request, form, milestone=milestone)
                if "report" in request.POST:
                    milestone_report(actor=request.user, milestone=milestone)
                elif "verify" in request.POST:
                    milestone_verify(actor=request.user, milestone=milestone, note=note)
                elif "reject" in request.POST:
                    milestone_reject(actor=request.user, milestone=milestone, reason=note)
        except ValidationError as error:
            form.add_error(None, error)
        except PermissionDenied as refused:
            # Four eyes on evidence (ADR 0309): say why on this screen (Wagtail would send the
            # verifier to the dashboard with a generic message).
            form.add_error(None, str(refused))
            status = 403
        else:
            if "verify" in request.POST:
                messages.success(request, _("Outcome verified; a release request was created."))
            return redirect("verification_milestone_verify", pk=milestone.pk)
    return render(request, "campaigns/admin/milestone_verify.html", {
        "page_title": _("Verify outcome"), "page_subtitle": str(milestone), "header_icon": "tick-inverse",
        "milestone": milestone, "form": form, "evidence": milestone.evidence.order_by("-dated"),
    }, status=status)  # fmt: skip
