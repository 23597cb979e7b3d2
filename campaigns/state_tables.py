"""Declared tables of allowed status changes, and the one check every state change goes through.

Each object whose status matters (a campaign here; a gift, monthly plan, refund, dispute, release and
payout in ``payments``) declares a ``StateTable``: for every status, the statuses it may move to.
One function per object (``campaign_transition``, ``donation_transition``, …) moves the status,
appends to the object's event log and refuses anything the table does not allow with
``TransitionNotAllowed``, whose message names both statuses as people read them.
Staying in the same status is never a transition: it changes nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext as _


class TransitionNotAllowed(ValidationError):
    """A status change that the object's table does not allow."""


@dataclass(frozen=True)
class StateTable:
    """``allowed[status]`` is the set of statuses an object in ``status`` may move to.

    Raises ``ValueError`` at import time if a status of ``choices`` is missing from the table or a
    target is not one of ``choices``: a new status cannot be added without deciding its moves.
    """

    subject: str | Promise  # what the object is called, e.g. ``_("gift")``
    choices: type[models.TextChoices]
    allowed: Mapping[str, frozenset[str]]

    def __post_init__(self) -> None:
        states = set(self.choices.values)
        if set(self.allowed) != states:
            raise ValueError(
                f"{self.choices.__name__}: table covers {sorted(self.allowed)}, not {sorted(states)}"
            )
        for source, targets in self.allowed.items():
            if not set(targets) <= states:
                raise ValueError(
                    f"{self.choices.__name__}: {source} → unknown {sorted(set(targets) - states)}"
                )

    def may(self, *, current: str, to: str) -> bool:
        return to == current or to in self.allowed[current]

    def check(self, *, current: str, to: str) -> None:
        """Raise ``TransitionNotAllowed`` unless ``current → to`` is in the table (or ``to == current``)."""
        if not self.may(current=current, to=to):
            raise TransitionNotAllowed(
                _("A %(subject)s cannot go from “%(from)s” to “%(to)s”.")
                % {"subject": self.subject, "from": self.label(current), "to": self.label(to)},
                code="transition_not_allowed",
            )

    def label(self, status: str) -> str:
        return str(dict(self.choices.choices).get(status, status))

    def terminal(self) -> frozenset[str]:
        return frozenset(state for state, targets in self.allowed.items() if not targets)


def table(
    subject: str | Promise, choices: type[models.TextChoices], moves: Mapping[str, set[str]]
) -> StateTable:
    """Build a ``StateTable`` from plain sets (``{status: {targets}}``)."""
    return StateTable(subject=subject, choices=choices, allowed={k: frozenset(v) for k, v in moves.items()})
