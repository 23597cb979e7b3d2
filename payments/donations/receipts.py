"""Receipt and credit-note numbers (ADR 0412).

A captured gift has exactly one receipt number, the same in the receipt mail, on the donor's
pages, in every statement and in its one-gift receipt PDF; a succeeded refund has one credit-note
number, and its credit note names the receipt it corrects. Both are derived, never stored: the
site-time year of the money's moment (capture, refund completed; ADR 0004) and the row's primary
key, so they are stable, unique and need no counter row on the capture path (a gap-free counter
would serialise every capture of the site on one row, issue 11).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from campaigns.site_time import site_date

if TYPE_CHECKING:
    from payments.donations.models import Donation
    from payments.refunds.models import Refund

RECEIPT_PREFIX = "CF"
CREDIT_NOTE_PREFIX = "CN"


class NoReceipt(ValueError):
    """The gift was never captured (or the refund never succeeded): there is nothing to number."""


def format_receipt_number(*, year: int, donation_id: int) -> str:
    """``CF-<year>-<8-digit gift id>``; ``year`` is the site-time year of the capture."""
    return f"{RECEIPT_PREFIX}-{year}-{donation_id:08d}"


def format_credit_note_number(*, year: int, refund_id: int) -> str:
    """``CN-<year>-<8-digit refund id>``; ``year`` is the site-time year the refund completed."""
    return f"{CREDIT_NOTE_PREFIX}-{year}-{refund_id:08d}"


def receipt_number(donation: Donation) -> str:
    """The receipt number of a captured gift. Raises ``NoReceipt`` if it was never captured."""
    if donation.captured_at is None:
        raise NoReceipt(f"gift {donation.pk} was never captured")
    return format_receipt_number(year=site_date(donation.captured_at).year, donation_id=donation.pk)


def credit_note_number(refund: Refund) -> str:
    """The credit-note number of a succeeded refund. Raises ``NoReceipt`` for any other refund."""
    from payments.refunds.models import RefundStatus

    if refund.status != RefundStatus.SUCCEEDED or refund.completed_at is None:
        raise NoReceipt(f"refund {refund.pk} has not succeeded")
    return format_credit_note_number(year=site_date(refund.completed_at).year, refund_id=refund.pk)
