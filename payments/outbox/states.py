"""The declared status table of an outbox command: a refund's or a payout's call to the provider."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from campaigns.state_tables import table
from payments.outbox.models import OutboxCommand, OutboxStatus

O = OutboxStatus  # noqa: E741
OUTBOX_STATES = table(
    _("provider call"), OutboxStatus, {O.PENDING: {O.DONE, O.FAILED}, O.DONE: set(), O.FAILED: set()}
)


def outbox_transition(command: OutboxCommand, to: str, *, fields: tuple[str, ...] = ()) -> None:
    """Move a command (``OUTBOX_STATES``), saving ``fields`` too. Its history is its ``attempts``,
    ``last_error`` and ``result``, and the audit events of the refund or payout it belongs to.
    Call with the row locked. Raises ``TransitionNotAllowed``."""
    OUTBOX_STATES.check(current=command.status, to=to)
    command.status = to
    command.save(update_fields=["status", "updated_at", *fields])
