"""Admin screens of staged grants (ADR 0310): editors and verifiers draw up a grant and its
schedule of stages, and everyone with the view permission sees the schedule, stage by stage.

Thin: the rules (stages add up, livelihood campaigns only, roles) are ``grant_create``'s; its
refusals are shown on the form and nothing is written then.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from campaigns.amount_input import MAX_INPUT_LENGTH, AmountNotUnderstood, parse_amount
from campaigns.form_labels import DatePickerInput, LabelledForm
from campaigns.models import Beneficiary, BeneficiaryStatus, CampaignKind, Grant, Partner
from campaigns.reader_language import reader_str
from campaigns.verification.grants import STAGE_KINDS, StagePlan, grant_create

STAGE_ROWS = 6


def _amount(value: str, currency: str = "CNY"):
    try:
        amount = parse_amount(value, currency=currency)
    except AmountNotUnderstood as error:
        raise error.as_validation_error() from None
    if amount.amount <= 0:
        raise ValidationError(_("The amount must be more than zero."))
    return amount


class GrantForm(LabelledForm):
    beneficiary = forms.ModelChoiceField(label=gettext_lazy("Entrepreneur (beneficiary)"),
                                         queryset=Beneficiary.objects.none())  # fmt: skip
    title = forms.CharField(label=gettext_lazy("Title"), max_length=200)
    amount = forms.CharField(label=gettext_lazy("Grant (yuan)"), max_length=MAX_INPUT_LENGTH)
    partner = forms.ModelChoiceField(
        label=gettext_lazy("Training partner paid"), queryset=Partner.objects.all()
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["beneficiary"].queryset = Beneficiary.objects.filter(
            status=BeneficiaryStatus.VERIFIED, campaign__kind=CampaignKind.LIVELIHOOD
        ).order_by("pseudonym")

    def clean_amount(self):
        return _amount(self.cleaned_data["amount"])


class StageForm(LabelledForm):
    kind = forms.ChoiceField(label=gettext_lazy("Stage"), choices=[(k.value, k.label) for k in STAGE_KINDS])
    title = forms.CharField(label=gettext_lazy("Title"), max_length=200, required=False)
    amount = forms.CharField(label=gettext_lazy("Amount (yuan)"), max_length=MAX_INPUT_LENGTH)
    due_date = forms.DateField(label=gettext_lazy("Evidence due by"), widget=DatePickerInput())

    def clean_amount(self):
        return _amount(self.cleaned_data["amount"])


StageFormSet = forms.formset_factory(
    StageForm, extra=STAGE_ROWS, max_num=STAGE_ROWS, min_num=1, validate_min=True
)


def _may_draw_up(user) -> bool:
    return user.has_perm("campaigns.add_grant")


def grant_create_view(request: HttpRequest) -> HttpResponse:
    """Draw up a grant: its total, then its stages in order (empty rows are ignored)."""
    if not _may_draw_up(request.user):
        raise PermissionDenied
    form = GrantForm(request.POST or None)
    stages = StageFormSet(request.POST or None, prefix="stage")
    if request.method == "POST" and form.is_valid() and stages.is_valid():
        data = form.cleaned_data
        plans = [StagePlan(kind=s["kind"], amount=s["amount"], due_date=s["due_date"], title=s["title"])
                 for s in stages.cleaned_data if s]  # fmt: skip
        try:
            grant = grant_create(actor=request.user, beneficiary=data["beneficiary"], title=data["title"],
                                 amount=data["amount"], partner=data["partner"], stages=plans)  # fmt: skip
        except (ValidationError, PermissionDenied) as error:
            form.add_error(None, error.messages if isinstance(error, ValidationError) else str(error))
        else:
            messages.success(request, _("Grant schedule saved."))
            return redirect("verification_grant_detail", pk=grant.pk)
    return render(request, "campaigns/admin/grant_create.html",
                  {"form": form, "stages": stages, "page_title": _("New staged grant"),
                   "header_title": _("New staged grant")})  # fmt: skip


def grant_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The schedule: each stage with its place (n of m), amount, evidence date and status."""
    if not request.user.has_perm("campaigns.view_grant"):
        raise PermissionDenied
    grant = get_object_or_404(Grant.objects.select_related("beneficiary__campaign"), pk=pk)
    stages = grant.stages.select_related("partner").order_by("stage")
    return render(request, "campaigns/admin/grant_detail.html",
                  {"grant": grant, "stages": stages, "page_title": reader_str(grant, "title"), "header_title": reader_str(grant, "title")})  # fmt: skip
