"""The declared status tables of a matching pool and of a pledge pay-in (ADR 0209)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from campaigns.roles import Actor
from campaigns.services import status_transition
from campaigns.state_tables import table
from payments.matching.models import MatchPool, PayInStatus, PoolPayIn, PoolReturn, PoolStatus, ReturnStatus

POOL_STATES = table(
    _("matching pool"),
    PoolStatus,
    {
        # Closed early by finance (the matcher withdrew): no further gift is matched; matches made
        # stay, and refunds still give theirs back to the pool.
        PoolStatus.OPEN: {PoolStatus.CLOSED},
        PoolStatus.CLOSED: set(),
    },
)

PAY_IN_STATES = table(
    _("pledge pay-in"),
    PayInStatus,
    {
        PayInStatus.RECORDED: {PayInStatus.CONFIRMED, PayInStatus.REJECTED},
        PayInStatus.CONFIRMED: set(),
        PayInStatus.REJECTED: set(),
    },
)

RETURN_STATES = table(
    _("leftover returned to the matcher"),
    ReturnStatus,
    {
        ReturnStatus.RECORDED: {ReturnStatus.CONFIRMED, ReturnStatus.REJECTED},
        ReturnStatus.CONFIRMED: set(),
        ReturnStatus.REJECTED: set(),
    },
)


def pool_transition(pool: MatchPool, to: str, *, actor: Actor = None, reason: str = "") -> bool:
    """Move a pool (``POOL_STATES``); audited as ``match_pool.<to>``. Raises ``TransitionNotAllowed``."""
    return status_transition(subject=pool, states=POOL_STATES, to=to, action="match_pool", actor=actor,
                             reason=reason)  # fmt: skip


def pay_in_transition(
    pay_in: PoolPayIn, to: str, *, actor: Actor = None, reason: str = "", fields: tuple[str, ...] = ()
) -> bool:
    """Move a pay-in (``PAY_IN_STATES``), saving ``fields`` too; audited as ``pool_pay_in.<to>``.
    Raises ``TransitionNotAllowed``."""
    return status_transition(subject=pay_in, states=PAY_IN_STATES, to=to, action="pool_pay_in", actor=actor,
                             reason=reason, fields=fields)  # fmt: skip


def pool_return_transition(
    pool_return: PoolReturn, to: str, *, actor: Actor = None, reason: str = "", fields: tuple[str, ...] = ()
) -> bool:
    """Move a leftover return (``RETURN_STATES``), saving ``fields`` too; audited as
    ``pool_return.<to>``. Raises ``TransitionNotAllowed``."""
    return status_transition(subject=pool_return, states=RETURN_STATES, to=to, action="pool_return",
                             actor=actor, reason=reason, fields=fields)  # fmt: skip
