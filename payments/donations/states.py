"""The declared status tables of a gift and of a monthly plan, and the one function for each that
moves its status (DESIGN §3 "State tables").

A gift's status before capture follows the provider's replies (card saved, charging, needs 3-D
Secure, failed). After capture it follows the gift's money: ``payments.allocation.status`` derives
it from what the ledger holds for the gift (refunded in full, charged back, disputed, partly
refunded, or received), so a status never contradicts the ledger whatever events follow.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from campaigns.services import status_transition
from campaigns.state_tables import table
from payments.donations.models import Donation, DonationEvent, DonationStatus, MonthlyPlan, MonthlyPlanStatus
from payments.donations.signals import gift_status_changed

S = DonationStatus
# After capture, every status the money can put a gift in; the money decides which (see above).
_SETTLED = {S.SUCCEEDED, S.PARTIALLY_REFUNDED, S.REFUNDED, S.DISPUTED, S.CHARGED_BACK}

DONATION_STATES = table(
    _("gift"),
    DonationStatus,
    {
        # Straight to received: an offline gift (cash, bank transfer) written when a second finance
        # officer confirms it, and captured in the same transaction (ADR 0230).
        S.CREATED: {S.AWAITING_CARD, S.PROCESSING, S.FAILED, S.BLOCKED, S.SUCCEEDED},
        S.AWAITING_CARD: {S.PROCESSING, S.FAILED, S.BLOCKED, S.SUCCEEDED},
        S.PROCESSING: {S.SUCCEEDED, S.REQUIRES_ACTION, S.FAILED},
        S.REQUIRES_ACTION: {S.PROCESSING, S.SUCCEEDED, S.FAILED},
        # A declined gift may be tried again; the provider's word that an earlier attempt did
        # succeed always lands (the money moved).
        S.FAILED: {S.AWAITING_CARD, S.PROCESSING, S.SUCCEEDED},
        S.BLOCKED: set(),
        S.SUCCEEDED: _SETTLED - {S.SUCCEEDED} | {S.MOVED},
        S.PARTIALLY_REFUNDED: _SETTLED - {S.PARTIALLY_REFUNDED},
        # Refunded in full stays refunded unless the refund itself fails at the provider and is
        # reversed (the money is back in escrow): no dispute or later event can change it.
        S.REFUNDED: {S.SUCCEEDED, S.PARTIALLY_REFUNDED},
        S.DISPUTED: _SETTLED - {S.DISPUTED},
        S.CHARGED_BACK: set(),
        S.MOVED: set(),
    },
)

P = MonthlyPlanStatus
MONTHLY_PLAN_STATES = table(
    _("monthly gift"),
    MonthlyPlanStatus,
    {
        P.ACTIVE: {P.PAST_DUE, P.LAPSED, P.CANCELLED, P.ENDED, P.PAUSED},
        P.PAST_DUE: {P.ACTIVE, P.LAPSED, P.CANCELLED, P.ENDED, P.PAUSED},
        # Paused by the donor: resumed (active again, or past due if it was failing), cancelled,
        # or ended with its campaign.
        P.PAUSED: {P.ACTIVE, P.PAST_DUE, P.CANCELLED, P.ENDED},
        P.LAPSED: set(),
        P.CANCELLED: set(),
        # The campaign stopped taking gifts for good (finished, failed, closed, past its deadline).
        P.ENDED: set(),
    },
)


def donation_transition(
    donation: Donation, to: str, *, note: str = "", data: dict | None = None, fields: Sequence[str] = ()
) -> None:
    """Move ``donation`` to ``to`` and append a ``DonationEvent``; call inside the caller's
    transaction with the row locked (``select_for_update``).

    Staying in the same status writes nothing unless ``note`` says why (a new card attempt).
    Also saves ``failure_message`` and ``captured_at``, which callers set just before, and the
    ``fields`` they name (in the same UPDATE). Then sends ``gift_status_changed``.
    Raises ``TransitionNotAllowed`` (nothing written) if ``DONATION_STATES`` does not allow it.
    """
    if donation.status == to and not note:
        return
    DONATION_STATES.check(current=donation.status, to=to)
    previous = donation.status
    DonationEvent.objects.create(donation=donation, from_status=previous, to_status=to, note=note[:300],
                                 data=data or {})  # fmt: skip
    donation.status = to
    donation.save(update_fields=["status", "updated_at", "failure_message", "captured_at", *fields])
    gift_status_changed.send(sender=Donation, donation=donation, previous=previous, status=to)


# The capture's status event and the gift's UPDATE in one statement (ADR 0240): the columns
# ``donation_transition`` writes for a capture (status, updated_at, failure_message, captured_at
# and the provider's ids).
_CAPTURE_WRITE = (
    "WITH event AS ("
    " INSERT INTO payments_donationevent (donation_id, at, from_status, to_status, note, data)"
    " VALUES (%s, %s, %s, %s, '', %s)"
    ") UPDATE payments_donation SET status = %s, updated_at = %s, failure_message = %s, captured_at = %s,"
    " provider_payment_intent_id = %s, provider_charge_id = %s WHERE id = %s"
)


def donation_capture_transition(donation: Donation, *, data: dict) -> None:
    """``donation_transition(donation, SUCCEEDED, data=data, fields=(provider ids))`` in one
    statement instead of two: the ``DonationEvent`` insert and the gift's UPDATE (status,
    ``updated_at``, ``failure_message``, ``captured_at``, ``provider_payment_intent_id``,
    ``provider_charge_id``, as the caller set them), then ``gift_status_changed`` as
    ``donation_transition`` sends it (matching, supporter pages, unit funding and the needs board
    listen to it). Call inside the caller's transaction with the row locked. Raises
    ``TransitionNotAllowed`` (nothing written) if ``DONATION_STATES`` does not allow the move.
    """
    to, previous = DonationStatus.SUCCEEDED, donation.status
    DONATION_STATES.check(current=previous, to=to)
    now = timezone.now()
    json_data = DonationEvent._meta.get_field("data").get_db_prep_save(data, connection)
    with connection.cursor() as cursor:
        cursor.execute(_CAPTURE_WRITE, [
            donation.pk, now, previous, to, json_data,
            to, now, donation.failure_message, donation.captured_at,
            donation.provider_payment_intent_id, donation.provider_charge_id, donation.pk,
        ])  # fmt: skip
    donation.status, donation.updated_at = to, now
    gift_status_changed.send(sender=Donation, donation=donation, previous=previous, status=to)


def donation_begin(*, donation: Donation, note: str = "") -> None:
    """The first event of a gift just written in ``created``."""
    DonationEvent.objects.create(donation=donation, to_status=donation.status, note=note[:300])


def monthly_plan_transition(
    plan: MonthlyPlan, to: str, *, reason: str = "", fields: tuple[str, ...] = ()
) -> bool:
    """Move a monthly plan (``MONTHLY_PLAN_STATES``), saving ``fields`` too; audited as
    ``monthly.<to>``. Call with the row locked. Raises ``TransitionNotAllowed``."""
    return status_transition(subject=plan, states=MONTHLY_PLAN_STATES, to=to, action="monthly",
                             reason=reason, fields=fields)  # fmt: skip
