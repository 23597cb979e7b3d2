"""The declared status table of a supporter page and the one function that moves it (ADR 0234).

A page starts waiting for an editor's approval, or public at once when the site setting says so
(moderation after). A public page can be hidden at once when it is reported (and shown again after
review) or closed by its owner or an editor; a rejected page can be sent again after its owner
edits it. A public page whose words or photo change goes back to waiting, unless pages are public
at once. Closed is final. Gifts already given stay counted whatever happens to the page.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from campaigns.roles import Actor
from campaigns.services import status_transition
from campaigns.state_tables import table
from payments.supporters.models import SupporterPage, SupporterPageStatus

S = SupporterPageStatus
PAGE_STATES = table(
    _("supporter page"),
    SupporterPageStatus,
    {
        S.PENDING: {S.APPROVED, S.REJECTED, S.HIDDEN, S.CLOSED},
        S.APPROVED: {S.PENDING, S.HIDDEN, S.CLOSED},
        S.REJECTED: {S.PENDING, S.CLOSED},
        S.HIDDEN: {S.APPROVED, S.CLOSED},
        S.CLOSED: set(),
    },
)


def page_transition(page: SupporterPage, to: str, *, actor: Actor = None, reason: str = "",
                    data: dict | None = None) -> bool:  # fmt: skip
    """Move a supporter page (``PAGE_STATES``); audited as ``supporter_page.<to>``. Call with the
    row locked. Raises ``TransitionNotAllowed`` (nothing written)."""
    return status_transition(subject=page, states=PAGE_STATES, to=to, action="supporter_page", actor=actor,
                             reason=reason, fields=("updated_at",), data=data)  # fmt: skip
