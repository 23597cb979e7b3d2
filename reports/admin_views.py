"""Wagtail admin: the list of report runs with progress bars, and a form to request a report.

Thin: the form validates input and calls ``reports.services``; rendering happens in workers.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from campaigns.form_labels import LabelledForm
from campaigns.models import Campaign
from campaigns.roles import EDITORS, FINANCE_OFFICERS, in_role
from payments.matching.models import Matcher
from reports import services
from reports.models import ReportKind, ReportStatus
from reports.selectors.runs import runs_for_admin

TRIGGERABLE = [
    (ReportKind.CAMPAIGN_IMPACT, ReportKind.CAMPAIGN_IMPACT.label),
    (ReportKind.PLATFORM_TRANSPARENCY, ReportKind.PLATFORM_TRANSPARENCY.label),
    (ReportKind.DONOR_STATEMENT_BATCH, ReportKind.DONOR_STATEMENT_BATCH.label),
    (ReportKind.MATCHER_STATEMENT, ReportKind.MATCHER_STATEMENT.label),
]


class TriggerForm(LabelledForm):
    kind = forms.ChoiceField(label=gettext_lazy("Report"), choices=TRIGGERABLE)
    campaign = forms.ModelChoiceField(
        label=gettext_lazy("Campaign"),
        queryset=Campaign.objects.order_by("title"),
        required=False,
        help_text=gettext_lazy("Campaign impact reports only."),
    )
    matcher = forms.ModelChoiceField(
        label=gettext_lazy("Matcher"),
        queryset=Matcher.objects.order_by("name"),
        required=False,
        help_text=gettext_lazy("Matcher statements only."),
    )
    period = forms.RegexField(
        label=gettext_lazy("Year"),
        regex=r"^(\d{4})?$",
        required=False,
        help_text=gettext_lazy("Donor statements and transparency report; empty means all time."),
    )

    def clean(self):
        data = super().clean()
        if data.get("kind") == ReportKind.CAMPAIGN_IMPACT and not data.get("campaign"):
            self.add_error("campaign", _("Choose the campaign to report on."))
        if data.get("kind") == ReportKind.MATCHER_STATEMENT and not data.get("matcher"):
            self.add_error("matcher", _("Choose the matcher whose statement to make."))
        return data


def may_request_reports(user) -> bool:
    return in_role(user, EDITORS) or in_role(user, FINANCE_OFFICERS)


def index(request: HttpRequest) -> HttpResponse:
    if not may_request_reports(request.user):
        raise PermissionDenied
    if request.method == "POST":
        form = TriggerForm(request.POST)
        if form.is_valid():
            _trigger(form.cleaned_data)
            messages.success(request, _("The report has been queued."))
            return redirect("reports_admin:index")
    else:
        form = TriggerForm(initial={"period": str(timezone.localdate().year)})
    page = Paginator(runs_for_admin(), 50).get_page(request.GET.get("p"))
    busy = any(run.status in (ReportStatus.QUEUED, ReportStatus.RUNNING) for run in page)
    return render(
        request,
        "reports/admin/index.html",
        {"form": form, "page": page, "refresh": busy, "title": _("PDF reports")},
    )


def _trigger(data: dict) -> None:
    kind = data["kind"]
    period = data.get("period") or ""
    if kind == ReportKind.CAMPAIGN_IMPACT:
        services.request_campaign_report(data["campaign"].pk)
    elif kind == ReportKind.MATCHER_STATEMENT:
        for code in ("zh-hans", "en"):
            services.request_matcher_statement(matcher_id=data["matcher"].pk, language=code)
    elif kind == ReportKind.PLATFORM_TRANSPARENCY:
        for code in ("zh-hans", "en"):
            services.request_transparency_report(period=period, language=code)
    else:
        services.request_donor_statements(period=period)
