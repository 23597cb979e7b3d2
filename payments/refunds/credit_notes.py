"""Credit-note numbers (ADR 0412): a succeeded refund is a credit note ``CN-<site-time year it
completed>-<refund id>``, naming the receipt of the gift it corrects
(``payments.donations.receipts``). Derived, never stored, like receipt numbers."""

from __future__ import annotations

from typing import TYPE_CHECKING

from campaigns.site_time import site_date
from payments.donations.receipts import NoReceipt

if TYPE_CHECKING:
    from payments.refunds.models import Refund

CREDIT_NOTE_PREFIX = "CN"


def format_credit_note_number(*, year: int, refund_id: int) -> str:
    """``CN-<year>-<8-digit refund id>``; ``year`` is the site-time year the refund completed."""
    return f"{CREDIT_NOTE_PREFIX}-{year}-{refund_id:08d}"


def credit_note_number(refund: Refund) -> str:
    """The credit-note number of a succeeded refund. Raises ``NoReceipt`` for any other refund."""
    from payments.refunds.models import RefundStatus

    if refund.status != RefundStatus.SUCCEEDED or refund.completed_at is None:
        raise NoReceipt(f"refund {refund.pk} has not succeeded")
    return format_credit_note_number(year=site_date(refund.completed_at).year, refund_id=refund.pk)
