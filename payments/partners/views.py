"""A partner's own screens in the admin (ADR 0309): its cases, the evidence and invoices it
uploads, and what was released and paid to it. Another partner's case is refused (403): the
partner always comes from the signed-in user's ``PartnerMember`` row."""

from __future__ import annotations

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from campaigns.form_labels import DatePickerInput, LabelledForm
from campaigns.models import Milestone
from campaigns.reader_language import reader_str
from campaigns.verification.beneficiaries import evidence_add
from campaigns.verification.milestones import milestone_report
from campaigns.verification.permissions import partner_of, require_partner
from payments.partners.selectors import partner_cases, partner_money, partner_needs, partner_releases
from payments.releases.models import Release


class CaseEvidenceForm(LabelledForm):
    file = forms.FileField(label=gettext_lazy("Outcome evidence or invoice (photo or PDF)"))
    summary = forms.CharField(label=gettext_lazy("Public summary"), max_length=200,
                              help_text=gettext_lazy("e.g. “Discharge note”, “Invoice”. No names, ID numbers or addresses."))  # fmt: skip
    dated = forms.DateField(label=gettext_lazy("Date of the evidence"), required=False,
                            widget=DatePickerInput())  # fmt: skip


def _own_partner(request: HttpRequest):
    partner = partner_of(request.user)
    if partner is None:
        raise PermissionDenied
    return partner


def partner_cases_view(request: HttpRequest) -> HttpResponse:
    partner = _own_partner(request)
    return render(request, "payments/admin/partner_cases.html", {
        "page_title": _("Our cases"), "page_subtitle": reader_str(partner, "name"), "header_icon": "folder-open-inverse",
        "partner": partner, "cases": partner_cases(partner=partner), "needs": partner_needs(partner=partner),
        "releases": partner_releases(partner=partner), "money": partner_money(partner=partner),
    })  # fmt: skip


def partner_case_view(request: HttpRequest, pk: int) -> HttpResponse:
    """One case of the signed-in partner: upload evidence or an invoice, report the outcome."""
    milestone = get_object_or_404(Milestone.objects.select_related("beneficiary", "partner"), pk=pk)
    require_partner(request.user, milestone.partner)
    form = CaseEvidenceForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        try:
            if "report" in request.POST:
                milestone_report(actor=request.user, milestone=milestone)
            elif form.is_valid():
                data = form.cleaned_data
                evidence_add(actor=request.user, milestone=milestone, file=data["file"], summary=data["summary"],
                             dated=data["dated"] or timezone.localdate())  # fmt: skip
            else:
                raise ValidationError(_("Choose a file and describe it."))
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return redirect("partner_case", pk=milestone.pk)
    release = Release.objects.filter(milestone=milestone).first()
    return render(request, "payments/admin/partner_case.html", {
        "page_title": _("Case"), "page_subtitle": str(milestone), "header_icon": "folder-open-inverse",
        "milestone": milestone, "form": form, "evidence": milestone.evidence.order_by("-dated"), "release": release,
    })  # fmt: skip
