"""The declared status table of a dispute (chargeback) and the one function that moves it."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from campaigns.services import status_transition
from campaigns.state_tables import table
from payments.disputes.models import Dispute, DisputeStatus

D = DisputeStatus
DISPUTE_STATES = table(_("dispute"), DisputeStatus, {D.OPEN: {D.WON, D.LOST}, D.WON: set(), D.LOST: set()})


def dispute_transition(dispute: Dispute, to: str, *, reason: str = "", fields: tuple[str, ...] = ()) -> bool:
    """Move a dispute (``DISPUTE_STATES``), saving ``fields`` too; audited as ``dispute.<to>``.
    Call with the row locked. Raises ``TransitionNotAllowed``."""
    return status_transition(subject=dispute, states=DISPUTE_STATES, to=to, action="dispute",
                             reason=reason, fields=fields)  # fmt: skip
