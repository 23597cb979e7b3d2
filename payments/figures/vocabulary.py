"""The words for the money figures: one label per figure, used by every page, feed, PDF and mail.

Definitions are in ``docs/glossary.md`` and computed in ``payments.figures.selectors``; this module
only names them, so a figure is called the same everywhere, in both languages.
"""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

LABELS: dict[str, Promise] = {
    "raised": _("Raised"),
    "counted": _("Counts towards the goal"),
    "held": _("Held in escrow"),
    "approved_unpaid": _("Approved, not yet paid"),
    "paid": _("Paid to partners"),
    "refunded": _("Refunded"),
    "disputed": _("Disputed now"),
    "lost_to_disputes": _("Lost to disputes"),
    "to_recover": _("Refunded after release, to recover"),
    "matched": _("Matched funds"),
    # A matching pool's figure, not a campaign's (ADR 0238): read in ``payments.matching.selectors``.
    "returned_to_matcher": _("Returned to the matcher"),
    "donors": _("Donors"),
    "captured": _("Received"),
}

# A release (or a gift's share of one) is in one of two figures once approved.
RELEASE_STATES: dict[str, Promise] = {
    "approved_unpaid": LABELS["approved_unpaid"],
    "paid": LABELS["paid"],
}


def label(name: str) -> str:
    """The translated label of figure ``name``. Raises ``KeyError`` for a name not in the glossary."""
    return str(LABELS[name])
