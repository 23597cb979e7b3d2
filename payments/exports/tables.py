"""The declared exports: for each, the rows of a date range (one query, read in chunks) and its
columns. No column reads a beneficiary's ID number, address or phone (ADR 0304): beneficiaries do
not appear at all, only campaigns and partners."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from campaigns.reader_language import in_reader_language
from campaigns.templatetags.labels import bracketed_text
from payments.donations.models import Donation
from payments.exports.cells import Cell, amount_cell, moment_cell, text_cell
from payments.reconciliation.models import UnmatchedItem
from payments.refunds.models import Refund
from payments.releases.models import Release

CHUNK_ROWS = 2000

TEXT = "text"
AMOUNT = "amount"
MOMENT = "moment"
NUMBER = "number"


@dataclass(frozen=True)
class Column:
    header: Promise
    kind: str
    value: Callable[[Any, str], Any]  # (row object, reader language) → raw value


@dataclass(frozen=True)
class Export:
    key: str
    title: Promise
    # What the date range is about ("received", "asked", ...), shown on the exports page.
    range_of: Promise
    rows: Callable[[datetime, datetime], QuerySet]
    columns: tuple[Column, ...]

    def headers(self, zone_name: str) -> list[str]:
        """Column headers in the active language; moment columns name the site's zone in the
        language's brackets ("到账时间（Asia/Shanghai）")."""
        return [
            bracketed_text(column.header, zone_name) if column.kind == MOMENT else str(column.header)
            for column in self.columns
        ]

    def cells(self, obj: Any, language: str) -> list[Cell]:
        """One row's cells: text neutralised, amounts as Decimals, moments in site time."""
        out: list[Cell] = []
        for column in self.columns:
            raw = column.value(obj, language)
            if column.kind == AMOUNT:
                minor, currency = raw
                out.append(amount_cell(minor, currency))
            elif column.kind == MOMENT:
                out.append(moment_cell(raw))
            elif column.kind == NUMBER:
                out.append(raw)
            else:
                out.append(text_cell(raw))
        return out

    def iter_objects(self, start: datetime, end: datetime) -> Iterator[Any]:
        """The rows of ``[start, end)`` in one query, fetched ``CHUNK_ROWS`` at a time (a
        server-side cursor on PostgreSQL): memory does not grow with the range."""
        return self.rows(start, end).iterator(chunk_size=CHUNK_ROWS)


def _reader(field: str, path: str = "") -> Callable[[Any, str], str]:
    """The record's text in the reader's language (ADR 0403); where the English twin is empty,
    the original as it is, without the "not yet translated" mark: a cell is matched against bank
    statements and registers, so it holds the name exactly."""

    def value(obj: Any, language: str) -> str:
        target = obj
        for part in filter(None, path.split(".")):
            target = getattr(target, part)
        return in_reader_language(target, field, language=language).text

    return value


def _yes_no(flag: bool) -> str:
    return str(_("yes")) if flag else str(_("no"))


def _offline_reference(donation: Donation) -> str:
    offline = getattr(donation, "offline", None)  # the reverse one-to-one raises an AttributeError if none
    return offline.reference if offline is not None else ""


GIFTS = Export(
    key="gifts",
    title=_("Gifts"),
    range_of=_("received"),
    rows=lambda start, end: (
        Donation.objects.filter(captured_at__gte=start, captured_at__lt=end)
        .select_related("campaign", "offline")
        .order_by("captured_at", "pk")
    ),
    columns=(
        Column(_("Gift"), NUMBER, lambda d, _lang: d.pk),
        # The number the donor's receipt, page and statement show (ADR 0412).
        Column(_("Receipt number"), TEXT, lambda d, _lang: d.receipt_number),
        Column(_("Received at"), MOMENT, lambda d, _lang: d.captured_at),
        Column(_("Campaign"), TEXT, _reader("title", "campaign")),
        Column(_("Donor's name as typed"), TEXT, lambda d, _lang: d.display_name),
        Column(
            pgettext_lazy("export column: the donor asked not to be named", "Anonymous"),
            TEXT,
            lambda d, _lang: _yes_no(d.anonymous),
        ),
        Column(_("Frequency"), TEXT, lambda d, _lang: d.get_frequency_display()),
        Column(_("Status"), TEXT, lambda d, _lang: d.get_status_display()),
        Column(_("Currency"), TEXT, lambda d, _lang: d.currency),
        Column(_("Amount"), AMOUNT, lambda d, _lang: (d.amount_minor, d.currency)),
        Column(_("Refunded"), AMOUNT, lambda d, _lang: (d.refunded_minor, d.currency)),
        Column(_("Provider charge"), TEXT, lambda d, _lang: d.provider_charge_id),
        # An offline gift (ADR 0230): its paper receipt number or bank reference; empty for card gifts.
        Column(_("Offline receipt or bank reference"), TEXT, lambda d, _lang: _offline_reference(d)),
    ),
)

REFUNDS = Export(
    key="refunds",
    title=_("Refunds"),
    range_of=_("asked"),
    rows=lambda start, end: (
        Refund.objects.filter(created_at__gte=start, created_at__lt=end)
        .select_related("donation__campaign")
        .order_by("created_at", "pk")
    ),
    columns=(
        Column(_("Refund"), NUMBER, lambda r, _lang: r.pk),
        Column(_("Gift"), NUMBER, lambda r, _lang: r.donation_id),
        Column(_("Credit note"), TEXT, lambda r, _lang: r.credit_note_number),
        Column(_("Corrects receipt"), TEXT, lambda r, _lang: r.donation.receipt_number),
        Column(_("Campaign"), TEXT, _reader("title", "donation.campaign")),
        Column(_("Asked at"), MOMENT, lambda r, _lang: r.created_at),
        Column(_("Done at"), MOMENT, lambda r, _lang: r.completed_at),
        Column(_("Status"), TEXT, lambda r, _lang: r.get_status_display()),
        Column(_("Currency"), TEXT, lambda r, _lang: r.currency),
        Column(_("Amount"), AMOUNT, lambda r, _lang: (r.amount_minor, r.currency)),
        Column(_("Reason"), TEXT, lambda r, _lang: r.reason),
        Column(_("Provider refund"), TEXT, lambda r, _lang: r.provider_refund_id),
    ),
)

RELEASES = Export(
    key="releases",
    title=_("Releases"),
    range_of=_("requested"),
    rows=lambda start, end: (
        Release.objects.filter(requested_at__gte=start, requested_at__lt=end)
        .select_related("campaign", "partner")
        .order_by("requested_at", "pk")
    ),
    columns=(
        Column(_("Release"), NUMBER, lambda r, _lang: r.pk),
        Column(_("Requested at"), MOMENT, lambda r, _lang: r.requested_at),
        Column(_("Campaign"), TEXT, _reader("title", "campaign")),
        Column(_("Partner"), TEXT, _reader("name", "partner")),
        Column(_("Status"), TEXT, lambda r, _lang: r.get_status_display()),
        Column(_("Approved at"), MOMENT, lambda r, _lang: r.approved_at),
        Column(_("Paid at"), MOMENT, lambda r, _lang: r.paid_at),
        Column(_("Currency"), TEXT, lambda r, _lang: r.currency),
        Column(_("Amount"), AMOUNT, lambda r, _lang: (r.amount_minor, r.currency)),
    ),
)

PAYOUTS = Export(
    key="payouts",
    title=_("Payouts"),
    range_of=_("paid"),
    rows=lambda start, end: (
        Release.objects.filter(paid_at__gte=start, paid_at__lt=end)
        .select_related("campaign", "partner")
        .order_by("paid_at", "pk")
    ),
    columns=(
        Column(_("Release"), NUMBER, lambda r, _lang: r.pk),
        Column(_("Paid at"), MOMENT, lambda r, _lang: r.paid_at),
        Column(_("Campaign"), TEXT, _reader("title", "campaign")),
        Column(_("Partner"), TEXT, _reader("name", "partner")),
        Column(_("Payout method"), TEXT, lambda r, _lang: r.get_payout_method_display()),
        Column(_("Transfer id"), TEXT, lambda r, _lang: r.provider_transfer_id),
        Column(_("Bank transfer reference"), TEXT, lambda r, _lang: r.bank_reference),
        Column(_("Currency"), TEXT, lambda r, _lang: r.currency),
        Column(_("Amount"), AMOUNT, lambda r, _lang: (r.amount_minor, r.currency)),
    ),
)

RECONCILIATION = Export(
    key="reconciliation",
    title=_("Reconciliation items"),
    range_of=_("found by a run started"),
    rows=lambda start, end: (
        UnmatchedItem.objects.filter(run__started_at__gte=start, run__started_at__lt=end)
        .select_related("run")
        .order_by("run__started_at", "pk")
    ),
    columns=(
        Column(_("Item"), NUMBER, lambda i, _lang: i.pk),
        Column(_("Run"), NUMBER, lambda i, _lang: i.run_id),
        Column(_("Run started at"), MOMENT, lambda i, _lang: i.run.started_at),
        Column(_("Side"), TEXT, lambda i, _lang: i.get_side_display()),
        Column(_("Kind"), TEXT, lambda i, _lang: i.kind),
        Column(_("Reference"), TEXT, lambda i, _lang: i.reference),
        Column(_("Note"), TEXT, lambda i, _lang: i.note),
        Column(_("Currency"), TEXT, lambda i, _lang: i.currency),
        Column(_("Amount"), AMOUNT, lambda i, _lang: (i.amount_minor, i.currency)),
    ),
)

EXPORTS: dict[str, Export] = {e.key: e for e in (GIFTS, REFUNDS, RELEASES, PAYOUTS, RECONCILIATION)}
