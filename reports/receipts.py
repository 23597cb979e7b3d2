"""One-gift receipts and credit notes as PDF (ADR 0412), rendered in the request for the gift's
own donor: one page, a fraction of a second, through the same local-only WeasyPrint pipeline and
fonts as the other reports (``reports.rendering``)."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from campaigns.money import Money
from campaigns.reader_language import in_reader_language
from campaigns.site_time import site_date
from payments.donations.models import Donation
from payments.donations.receipts import NoReceipt
from payments.refunds.models import Refund
from reports.rendering.pdf import html_to_pdf
from reports.selectors.common import organisation


def _context(donation: Donation, *, refunds: list[Refund]) -> dict:
    refunded = sum((r.amount for r in refunds), Money.zero(donation.currency))
    return {
        "org": organisation(),
        "language": translation.get_language(),
        "gift": donation,
        "gift_day": donation.gift_day,  # an offline gift: the day it was received
        "donor_name": donation.display_name or donation.donor.email,
        "campaign": in_reader_language(donation.campaign, "title"),
        "refunds": refunds,
        "net": donation.amount - refunded,
    }


def gift_receipt_html(*, donation: Donation, language: str) -> str:
    """The receipt of one captured gift, with every credit note issued against it so far.

    Raises ``NoReceipt`` for a gift that was never captured.
    """
    if donation.captured_at is None:
        raise NoReceipt(f"gift {donation.pk} was never captured")
    with translation.override(language):
        context = _context(donation, refunds=donation.credit_notes)
        context["title"] = _("Donation receipt")
        return render_to_string("reports/pdf/gift_receipt.html", context)


def credit_note_html(*, refund: Refund, language: str) -> str:
    """The credit note of one succeeded refund, naming the receipt it corrects.

    Raises ``NoReceipt`` for a refund that has not succeeded (or a gift never captured).
    """
    donation = refund.donation
    if not refund.credit_note_number or donation.captured_at is None:
        raise NoReceipt(f"refund {refund.pk} has no credit note")
    with translation.override(language):
        # "Net" is what stayed with the charity once this and every earlier credit note were applied.
        earlier = [
            r for r in donation.credit_notes if (r.completed_at, r.pk) <= (refund.completed_at, refund.pk)
        ]
        context = _context(donation, refunds=earlier)
        context.update(
            title=_("Credit note"), credit_note=refund, credit_note_day=site_date(refund.completed_at)
        )
        return render_to_string("reports/pdf/gift_receipt.html", context)


def gift_receipt_pdf(*, donation: Donation, language: str) -> bytes:
    """``gift_receipt_html`` as PDF bytes. Raises ``NoReceipt`` as it does."""
    return html_to_pdf(gift_receipt_html(donation=donation, language=language), report_css=True)


def credit_note_pdf(*, refund: Refund, language: str) -> bytes:
    """``credit_note_html`` as PDF bytes. Raises ``NoReceipt`` as it does."""
    return html_to_pdf(credit_note_html(refund=refund, language=language), report_css=True)
