"""Admin screens of offline gifts: record one, confirm or reject one (a second finance officer),
open its scan, import a bank statement and see the lines finance must reconcile. Thin: services
check roles, state and four eyes, and write the audit log."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from campaigns.amount_input import AmountField
from campaigns.form_labels import DatePickerInput, LabelledForm
from campaigns.models import Campaign
from campaigns.roles import FINANCE_OFFICERS, in_role
from campaigns.site_time import site_today
from payments.matching.models import PoolPayIn
from payments.offline.models import (
    BankStatementLine,
    LineOutcome,
    OfflineChannel,
    OfflineGift,
    OfflineGiftStatus,
    OfflineRefund,
    OfflineRefundMethod,
    OfflineRefundStatus,
)
from payments.offline.refunds import offline_refund_confirm, offline_refund_record, offline_refund_reject
from payments.offline.services import offline_gift_confirm, offline_gift_record, offline_gift_reject
from payments.offline.statements import (
    StatementRefused,
    statement_import,
    statement_line_match,
    statement_line_resolve,
)

SCAN_TYPES = (".pdf", ".jpg", ".jpeg", ".png")


class OfflineGiftForm(LabelledForm):
    campaign = forms.ModelChoiceField(
        label=gettext_lazy("Campaign"), queryset=Campaign.objects.order_by("title")
    )
    amount = AmountField(currency="CNY", label=gettext_lazy("Amount"))
    channel = forms.ChoiceField(label=gettext_lazy("Received as"), choices=OfflineChannel.choices)
    place = forms.CharField(label=gettext_lazy("Station or bank"), max_length=120,
                            help_text=gettext_lazy("The village station that took the cash, or the bank account it was paid into."))  # fmt: skip
    reference = forms.CharField(label=gettext_lazy("Receipt number or bank reference"), max_length=120)
    received_on = forms.DateField(label=gettext_lazy("Date received"), initial=site_today,
                                  widget=DatePickerInput())  # fmt: skip
    donor_name = forms.CharField(label=gettext_lazy("Donor's name"), max_length=80, required=False)
    donor_email = forms.EmailField(label=gettext_lazy("Donor's email"), required=False,
                                   help_text=gettext_lazy("If given, the donor gets the receipt and the link to follow their gift."))  # fmt: skip
    anonymous = forms.BooleanField(label=gettext_lazy("Anonymous on the wall of support"), required=False)
    scan = forms.FileField(label=gettext_lazy("Scan of the receipt or bank slip"), required=False)
    note = forms.CharField(label=gettext_lazy("Note"), max_length=300, required=False)

    def clean_scan(self):
        scan = self.cleaned_data.get("scan")
        if scan and not scan.name.lower().endswith(SCAN_TYPES):
            raise ValidationError(_("The scan must be a PDF, JPEG or PNG file."))
        if scan and scan.size > 10 * 1024 * 1024:
            raise ValidationError(_("The scan is larger than 10 MB."))
        return scan


class OfflineGiftChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: OfflineGift) -> str:
        # The day in the admin's one date format, as the list below prints dates (issue 13).
        received = formats.date_format(obj.received_on, "DATE_FORMAT")
        return f"{_('No.')} {obj.pk} · {obj.amount} · {obj.campaign} · {obj.reference} · {received}"


class OfflineRefundForm(LabelledForm):
    gift = OfflineGiftChoice(
        label=gettext_lazy("Offline gift"),
        queryset=OfflineGift.objects.filter(status=OfflineGiftStatus.CONFIRMED).select_related("campaign"),
    )
    amount = AmountField(currency="CNY", label=gettext_lazy("Amount paid back"))
    method = forms.ChoiceField(label=gettext_lazy("Paid back as"), choices=OfflineRefundMethod.choices)
    reference = forms.CharField(label=gettext_lazy("Receipt number or bank reference"), max_length=120,
                                help_text=gettext_lazy("The number of the receipt the donor signed, or the bank's reference of the transfer back."))  # fmt: skip
    reason = forms.CharField(label=gettext_lazy("Reason"), max_length=300)


class StatementForm(LabelledForm):
    file = forms.FileField(label=gettext_lazy("Bank statement (CSV, GBK or UTF-8)"))


def _finance(request: HttpRequest) -> None:
    if not in_role(request.user, FINANCE_OFFICERS):
        raise PermissionDenied


def offline_gifts_view(request: HttpRequest) -> HttpResponse:
    _finance(request)
    recording = "record" in request.POST
    form = OfflineGiftForm(request.POST if recording else None, request.FILES if recording else None)
    if form.is_bound and form.data.get("campaign"):
        chosen = (
            Campaign.objects.filter(pk=form.data["campaign"]).first()
            if form.data["campaign"].isdigit()
            else None
        )
        if chosen is not None:
            form.fields["amount"].currency = chosen.currency
    error = None
    if request.method == "POST":
        try:
            if recording and form.is_valid():
                offline_gift_record(actor=request.user, **form.cleaned_data)
                messages.success(request, _("Gift recorded; another finance officer must confirm it."))
                return redirect("offline_gifts")
            if "confirm" in request.POST or "reject" in request.POST:
                gift = get_object_or_404(
                    OfflineGift,
                    pk=request.POST.get("gift", "0") if request.POST.get("gift", "").isdigit() else 0,
                )
                if "confirm" in request.POST:
                    offline_gift_confirm(gift=gift, actor=request.user)
                    messages.success(request, _("Gift confirmed: it is in the campaign's figures now."))
                else:
                    offline_gift_reject(gift=gift, actor=request.user, reason=request.POST.get("reason", ""))
                    messages.success(request, _("Gift rejected."))
                return redirect("offline_gifts")
        except (PermissionDenied, ValidationError) as exc:
            error = exc.messages[0] if isinstance(exc, ValidationError) else (str(exc) or _("Not allowed."))
    gifts = OfflineGift.objects.select_related("campaign", "recorded_by", "decided_by", "donation")[:100]
    return render(request, "payments/admin/offline_gifts.html", {
        "page_title": _("Offline gifts"), "header_icon": "doc-full", "form": form, "error": error,
        "gifts": gifts, "RECORDED": OfflineGiftStatus.RECORDED,
    })  # fmt: skip


def offline_gift_scan_view(request: HttpRequest, pk: int) -> FileResponse:
    """The scan, to finance officers only (private storage, never a public URL)."""
    _finance(request)
    gift = get_object_or_404(OfflineGift, pk=pk)
    if not gift.scan:
        raise Http404
    return FileResponse(gift.scan.open("rb"), as_attachment=True, filename=gift.scan.name.rsplit("/", 1)[-1])


def _number(text: str | None) -> int:
    return int(text) if text and text.isdigit() else 0


def bank_statement_view(request: HttpRequest) -> HttpResponse:
    _finance(request)
    importing = request.method == "POST" and "match" not in request.POST and "resolve" not in request.POST
    form = StatementForm(request.POST if importing else None, request.FILES if importing else None)
    errors: list[str] = []
    if request.method == "POST" and ("match" in request.POST or "resolve" in request.POST):
        line = get_object_or_404(BankStatementLine, pk=_number(request.POST.get("line")))
        try:
            if "resolve" in request.POST:
                statement_line_resolve(line=line, actor=request.user, note=request.POST.get("note", ""))
            else:
                gift = OfflineGift.objects.filter(pk=_number(request.POST.get("offline_gift"))).first()
                pay_in = PoolPayIn.objects.filter(pk=_number(request.POST.get("pay_in"))).first()
                statement_line_match(line=line, actor=request.user, offline_gift=gift, pay_in=pay_in)
        except StatementRefused as exc:
            errors = exc.errors
        else:
            messages.success(request, _("Line settled."))
            return redirect("offline_bank_statement")
    elif request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            result = statement_import(data=upload.read(), file_name=upload.name, actor=request.user)
        except StatementRefused as exc:
            errors = exc.errors
        except PermissionDenied as exc:
            errors = [str(exc)]
        else:
            messages.success(request, _(
                "%(credit)s credit lines read, %(new)s new: %(matched)s matched, %(ambiguous)s ambiguous, "
                "%(unmatched)s without an expected transfer."
            ) % {"credit": result.credit_lines, "new": result.new_lines, "matched": result.matched,
                 "ambiguous": result.ambiguous, "unmatched": result.unmatched})  # fmt: skip
            return redirect("offline_bank_statement")
    open_lines = BankStatementLine.objects.filter(outcome__in=(LineOutcome.UNMATCHED, LineOutcome.AMBIGUOUS))
    matched = BankStatementLine.objects.filter(outcome=LineOutcome.MATCHED).select_related(
        "offline_gift", "pay_in"
    )
    return render(request, "payments/admin/offline_bank_statement.html", {
        "page_title": _("Bank statements"), "header_icon": "doc-full", "form": form, "errors": errors,
        "open_lines": open_lines[:200], "matched_lines": matched[:50],
    }, status=400 if errors else 200)  # fmt: skip


def offline_refunds_view(request: HttpRequest) -> HttpResponse:
    """Record money of an offline gift paid back outside the provider; a second finance officer
    confirms (it enters the ledger and gives back the gift's match) or rejects it (ADR 0237)."""
    _finance(request)
    recording = "record" in request.POST
    form = OfflineRefundForm(request.POST if recording else None)
    if form.is_bound and _number(form.data.get("gift")):
        chosen = OfflineGift.objects.filter(pk=_number(form.data.get("gift"))).first()
        if chosen is not None:
            form.fields["amount"].currency = chosen.currency
    error = None
    if request.method == "POST":
        try:
            if recording and form.is_valid():
                offline_refund_record(actor=request.user, **form.cleaned_data)
                messages.success(request, _("Refund recorded; another finance officer must confirm it."))
                return redirect("offline_refunds")
            if "confirm" in request.POST or "reject" in request.POST:
                refund = get_object_or_404(OfflineRefund, pk=_number(request.POST.get("refund")))
                if "confirm" in request.POST:
                    offline_refund_confirm(refund=refund, actor=request.user)
                    messages.success(request, _("Refund confirmed: it is in the ledger and the figures now."))
                else:
                    offline_refund_reject(
                        refund=refund, actor=request.user, reason=request.POST.get("reason", "")
                    )
                    messages.success(request, _("Refund rejected."))
                return redirect("offline_refunds")
        except (PermissionDenied, ValidationError) as exc:
            error = exc.messages[0] if isinstance(exc, ValidationError) else (str(exc) or _("Not allowed."))
    refunds = OfflineRefund.objects.select_related("gift__campaign", "recorded_by", "decided_by", "refund")[
        :100
    ]
    status = 400 if error or (form.is_bound and form.errors) else 200
    return render(request, "payments/admin/offline_refunds.html", {
        "page_title": _("Offline refunds"), "header_icon": "doc-full", "form": form, "error": error,
        "refunds": refunds, "RECORDED": OfflineRefundStatus.RECORDED,
    }, status=status)  # fmt: skip
