"""The declared status table of a release and the one function that moves it.

requested → (objected ⇄ requested) → approved → paid, or cancelled when an objection is upheld.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from campaigns.roles import Actor
from campaigns.services import status_transition
from campaigns.state_tables import table
from payments.releases.models import Release, ReleaseStatus

R = ReleaseStatus
RELEASE_STATES = table(
    _("release"),
    ReleaseStatus,
    {
        R.REQUESTED: {R.OBJECTED, R.APPROVED, R.CANCELLED},
        R.OBJECTED: {R.REQUESTED, R.CANCELLED},
        R.APPROVED: {R.PAID},
        R.PAID: set(),
        R.CANCELLED: set(),
    },
)


def release_transition(
    release: Release,
    to: str,
    *,
    actor: Actor = None,
    reason: str = "",
    fields: tuple[str, ...] = (),
    data=None,
) -> bool:
    """Move a release (``RELEASE_STATES``), saving ``fields`` too; audited as ``release.<to>``.
    Call with the row locked. Raises ``TransitionNotAllowed``."""
    return status_transition(subject=release, states=RELEASE_STATES, to=to, action="release", actor=actor,
                             reason=reason, fields=fields, data=data)  # fmt: skip
