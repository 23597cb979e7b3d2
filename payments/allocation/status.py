"""A captured gift's status follows its money.

After capture, what a gift's status says is decided here from the gift's money, never by the event
that happened to arrive: refunded in full (``refunded``), lost to a chargeback (``charged_back``), an
open chargeback (``disputed``), partly refunded (``partially_refunded``), otherwise ``succeeded``.
A gift moved to another campaign stays ``moved``. The refunded amount is the one the ledger posted
(``refund.issued`` less reversals of failed refunds, kept on the row in the same transaction).
"""

from __future__ import annotations

from django.apps import apps

from payments.donations.models import CAPTURED_STATES, Donation, DonationStatus
from payments.donations.states import donation_transition

S = DonationStatus


def donation_money_status(*, donation: Donation) -> str:
    """The status a captured gift's money puts it in (see the module docstring)."""
    if donation.status == S.MOVED:
        return S.MOVED
    if donation.refunded_minor >= donation.amount_minor:
        return S.REFUNDED
    # Disputes build on this accounting, so their model is looked up by name (ADR 0206).
    dispute = apps.get_model("payments", "Dispute")
    statuses = set(dispute.objects.filter(donation=donation).values_list("status", flat=True))
    if statuses & set(dispute.LOST_STATUSES):
        return S.CHARGED_BACK
    if statuses & set(dispute.OPEN_STATUSES):
        return S.DISPUTED
    if donation.refunded_minor > 0:
        return S.PARTIALLY_REFUNDED
    return S.SUCCEEDED


def donation_follow_money(*, donation: Donation, note: str = "", data: dict | None = None) -> str:
    """Bring a captured gift's status in line with its money; call with the row locked, after the
    ledger entry that changed it. Returns the status. Does nothing before capture."""
    if donation.captured_at is None or donation.status not in CAPTURED_STATES:
        return donation.status
    to = donation_money_status(donation=donation)
    if to != donation.status:
        donation_transition(donation, to, note=note, data=data)
    return to
