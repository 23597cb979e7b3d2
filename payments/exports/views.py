"""The finance exports screen in the admin and its downloads. Finance officers and superusers
only (403 for other staff); a bad date range is answered 400 with the form's message."""

from __future__ import annotations

from datetime import date, timedelta

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseForbidden,
    StreamingHttpResponse,
)
from django.shortcuts import render
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from campaigns.form_labels import DatePickerInput, LabelledForm
from campaigns.roles import FINANCE_OFFICERS, in_role
from campaigns.site_time import site_day_start, site_today, site_zone_name
from payments.exports.tables import EXPORTS, Export
from payments.exports.writers import csv_lines, xlsx_file

FORMATS = ("csv", "xlsx")
# The longest range one download covers: larger asks are refused with a clear message rather than
# tying up a web process for a decade of rows.
MAX_RANGE_DAYS = 3 * 366


class ExportRangeForm(LabelledForm):
    # A date input's value is ISO (yyyy-mm-dd) whatever the language: the Chinese format
    # ("2026/12/01") left both fields empty in the browser and the form silently unsendable.
    start = forms.DateField(label=gettext_lazy("From (site date)"),
                            widget=DatePickerInput())  # fmt: skip
    end = forms.DateField(label=gettext_lazy("To (site date, included)"),
                          widget=DatePickerInput())  # fmt: skip

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end:
            if end < start:
                raise ValidationError(_("The end date is before the start date."), code="reversed")
            if (end - start).days >= MAX_RANGE_DAYS:
                raise ValidationError(
                    _("Export at most %(days)s days at a time.") % {"days": MAX_RANGE_DAYS}, code="too_long"
                )
        return data


def _refusal(request: HttpRequest) -> HttpResponse | None:
    """403 unless the user is a finance officer (or a superuser). Answered here rather than by
    raising ``PermissionDenied``, which the Wagtail admin turns into a redirect to its home."""
    if in_role(request.user, FINANCE_OFFICERS):
        return None
    return HttpResponseForbidden(
        _("Only finance officers may export."), content_type="text/plain; charset=utf-8"
    )


def _page(request: HttpRequest, form: ExportRangeForm, *, status: int = 200) -> HttpResponse:
    return render(request, "payments/admin/exports.html", {
        "page_title": _("Finance exports"), "header_icon": "download", "form": form,
        "exports": list(EXPORTS.values()), "formats": FORMATS, "zone": site_zone_name(),
    }, status=status)  # fmt: skip


def exports_view(request: HttpRequest) -> HttpResponse:
    """The exports page: a date range and one download link per export and format."""
    if refusal := _refusal(request):
        return refusal
    today = site_today()
    form = ExportRangeForm(initial={"start": today.replace(day=1), "end": today})
    return _page(request, form)


def export_download(request: HttpRequest, key: str, fmt: str) -> HttpResponse:
    """One export of ``[start, end]`` (site dates, ``?start=YYYY-MM-DD&end=YYYY-MM-DD``, both
    included) as CSV (streamed) or XLSX. 403 unless finance; 404 for an unknown export or format;
    400 with the form's message for a missing, unreadable, reversed or too long range."""
    if refusal := _refusal(request):
        return refusal
    export = EXPORTS.get(key)
    if export is None or fmt not in FORMATS:
        raise Http404
    form = ExportRangeForm(request.GET)
    if not form.is_valid():
        return _page(request, form, status=400)
    start_day: date = form.cleaned_data["start"]
    end_day: date = form.cleaned_data["end"]
    return export_response(export, fmt, start_day, end_day)


def export_response(export: Export, fmt: str, start_day: date, end_day: date) -> HttpResponse:
    """The file of ``export`` for the site dates ``[start_day, end_day]`` (both included) in
    ``fmt`` (``csv`` streamed, ``xlsx``), in the active language. The caller has checked who
    asks and the range (``ExportRangeForm``); the admin page and the API (``api.staff``) share it."""
    start, end = site_day_start(start_day), site_day_start(end_day + timedelta(days=1))
    language = translation.get_language() or settings.LANGUAGE_CODE
    headers = export.headers(settings.TIME_ZONE)
    filename = f"clearfund-{export.key}-{start_day.isoformat()}-{end_day.isoformat()}.{fmt}"
    if fmt == "xlsx":
        rows = (export.cells(obj, language) for obj in export.iter_objects(start, end))
        return FileResponse(
            xlsx_file(str(export.title), headers, rows),
            as_attachment=True,
            filename=filename,
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )

    def rows():
        # Streamed after the view returned: the reader's language is set again for the labels.
        with translation.override(language):
            for obj in export.iter_objects(start, end):
                yield export.cells(obj, language)

    response = StreamingHttpResponse(csv_lines(headers, rows()), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
