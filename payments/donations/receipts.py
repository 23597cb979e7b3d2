"""Receipt and credit-note numbers (ADR 0412).

A captured gift has exactly one receipt number, the same in the receipt mail, on the donor's
pages, in every statement and in its one-gift receipt PDF (a succeeded refund's credit-note number
is in ``payments.refunds.credit_notes``). Both are derived, never stored: the
site-time year of the money's moment (capture, refund completed; ADR 0004) and the row's primary
key, so they are stable, unique and need no counter row on the capture path (a gap-free counter
would serialise every capture of the site on one row, issue 11).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from campaigns.site_time import site_date

if TYPE_CHECKING:
    from payments.donations.models import Donation

RECEIPT_PREFIX = "CF"


class NoReceipt(ValueError):
    """The gift was never captured (or the refund never succeeded): there is nothing to number."""


def format_receipt_number(*, year: int, donation_id: int) -> str:
    """``CF-<year>-<8-digit gift id>``; ``year`` is the site-time year of the capture."""
    return f"{RECEIPT_PREFIX}-{year}-{donation_id:08d}"


def receipt_number(donation: Donation) -> str:
    """The receipt number of a captured gift. Raises ``NoReceipt`` if it was never captured."""
    if donation.captured_at is None:
        raise NoReceipt(f"gift {donation.pk} was never captured")
    return format_receipt_number(year=site_date(donation.captured_at).year, donation_id=donation.pk)
