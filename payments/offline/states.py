"""The declared status table of an offline gift (ADR 0209, 0230)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from campaigns.roles import Actor
from campaigns.services import status_transition
from campaigns.state_tables import table
from payments.offline.models import OfflineGift, OfflineGiftStatus, OfflineRefund, OfflineRefundStatus

G = OfflineGiftStatus
OFFLINE_GIFT_STATES = table(
    _("offline gift"),
    OfflineGiftStatus,
    {
        # A second finance officer confirms (the gift enters the ledger) or rejects (it never does).
        G.RECORDED: {G.CONFIRMED, G.REJECTED},
        G.CONFIRMED: set(),
        G.REJECTED: set(),
    },
)


def offline_gift_transition(
    gift: OfflineGift, to: str, *, actor: Actor = None, reason: str = "", fields: tuple[str, ...] = ()
) -> bool:
    """Move an offline gift (``OFFLINE_GIFT_STATES``), saving ``fields`` too; audited as
    ``offline_gift.<to>``. Call with the row locked. Raises ``TransitionNotAllowed``."""
    return status_transition(subject=gift, states=OFFLINE_GIFT_STATES, to=to, action="offline_gift",
                             actor=actor, reason=reason, fields=fields)  # fmt: skip


R = OfflineRefundStatus
OFFLINE_REFUND_STATES = table(
    _("offline refund"),
    OfflineRefundStatus,
    {
        # A second finance officer confirms (the refund enters the ledger) or rejects (it never does).
        R.RECORDED: {R.CONFIRMED, R.REJECTED},
        R.CONFIRMED: set(),
        R.REJECTED: set(),
    },
)


def offline_refund_transition(
    refund: OfflineRefund, to: str, *, actor: Actor = None, reason: str = "", fields: tuple[str, ...] = ()
) -> bool:
    """Move an offline refund (``OFFLINE_REFUND_STATES``), saving ``fields`` too; audited as
    ``offline_refund.<to>``. Call with the row locked. Raises ``TransitionNotAllowed``."""
    return status_transition(subject=refund, states=OFFLINE_REFUND_STATES, to=to, action="offline_refund",
                             actor=actor, reason=reason, fields=fields)  # fmt: skip
