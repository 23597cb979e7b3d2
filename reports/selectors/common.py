"""Pieces shared by every report's data: the data version, the checksum, organisation details."""

from __future__ import annotations

import dataclasses
import hashlib
import json
from datetime import date, datetime
from decimal import Decimal
from pathlib import PurePath
from typing import Any

from django.conf import settings
from django.db.models import Max
from django.utils import translation

from campaigns.compliance import charity_credentials
from campaigns.models import AuditEvent
from campaigns.money import Money
from campaigns.site_name import site_name
from payments.models import LedgerEntry


class ReportDataError(ValueError):
    """The data cannot make a correct report (unknown subject, mixed currencies...). Not retried."""


def data_version() -> str:
    """The ledger and audit-log high-water mark: changes whenever money moves or a state changes.

    Two index lookups, cheap enough for ``transaction.on_commit`` callbacks in web requests.
    """
    entry = LedgerEntry.objects.aggregate(m=Max("id"))["m"] or 0
    audit = AuditEvent.objects.aggregate(m=Max("id"))["m"] or 0
    return f"L{entry}-A{audit}"


def _encode(value: Any) -> Any:
    if isinstance(value, Money):
        return {"minor": value.to_minor(), "currency": value.currency}
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, PurePath):
        return value.name  # the file, not where this machine keeps it
    if isinstance(value, Decimal):
        return str(value)
    if dataclasses.is_dataclass(value):
        return {f.name: getattr(value, f.name) for f in dataclasses.fields(value)}
    return str(value)


def data_checksum(data: Any) -> str:
    """SHA-256 of the report's data in canonical JSON, printed on the cover.

    The generation time is not part of the data, so the same figures give the same checksum.
    """
    text = json.dumps(data, default=_encode, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclasses.dataclass(frozen=True)
class Organisation:
    name: str
    legal_name: str
    registration: str
    address: str
    email: str
    website: str
    qualification: str = ""


def organisation() -> Organisation:
    """Who publishes the report. ``name`` is the organisation's name in the active language from
    the site settings (``campaigns.site_name``), as on the pages and in the mails; the legal
    details come from ``REPORTS_ORGANISATION``, except the registration and the public-fundraising
    qualification: the site settings' (``campaigns.compliance``, ADR 0413) when they are set, so a
    report shows the numbers the pages show."""
    details = {key: value for key, value in settings.REPORTS_ORGANISATION.items() if key != "name"}
    credentials = charity_credentials()
    details["registration"] = credentials.registration_number or details.get("registration", "")
    # The legal name and address in the reader's language from the site settings when they are set
    # (a Chinese receipt was headed by the environment's English name and address).
    english = (translation.get_language() or "").startswith("en")
    address = (credentials.address_en or credentials.address) if english else credentials.address
    if address:
        details["legal_name"] = site_name()
        details["address"] = address
    return Organisation(name=site_name(), qualification=str(credentials.qualification()), **details)
