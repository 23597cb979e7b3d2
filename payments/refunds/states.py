"""The declared status table of a refund and the one function that moves it."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from campaigns.roles import Actor
from campaigns.services import status_transition
from campaigns.state_tables import table
from payments.refunds.models import Refund, RefundStatus
from payments.refunds.signals import refund_made

R = RefundStatus
REFUND_STATES = table(
    _("refund"),
    RefundStatus,
    {
        R.PENDING: {R.SUCCEEDED, R.FAILED, R.RETRYING},
        R.RETRYING: {R.SUCCEEDED, R.FAILED},
        # The provider may report a refund it had accepted as failed later (the card account was
        # closed): the money comes back to escrow.
        R.SUCCEEDED: {R.FAILED},
        R.FAILED: set(),
    },
)


def refund_transition(
    refund: Refund, to: str, *, actor: Actor = None, reason: str = "", fields: tuple[str, ...] = (), data=None
) -> bool:
    """Move a refund (``REFUND_STATES``), saving ``fields`` too; audited as ``refund.<to>``.
    Call with the row locked. Raises ``TransitionNotAllowed``. A move to ``succeeded`` sends
    ``refund_made`` once the transaction commits (every way a refund succeeds passes here)."""
    moved = status_transition(subject=refund, states=REFUND_STATES, to=to, action="refund", actor=actor,
                              reason=reason, fields=fields, data=data)  # fmt: skip
    if moved and to == RefundStatus.SUCCEEDED:
        refund_id, donation_id = refund.pk, refund.donation_id
        transaction.on_commit(
            lambda: refund_made.send(sender=Refund, refund_id=refund_id, donation_id=donation_id)
        )
    return moved
