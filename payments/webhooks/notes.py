"""What the webhook inbox's "last outcome or reason" column says, in the admin user's language.

The inbox keeps what each handler noted in English, terse and stable ("gift 12: captured",
"refund 3 pending", "no gift for this charge yet"; ``payments.webhooks.services``): logs and
tests read it as is. People read ``note_shown(note)``: each known form turned into a translated
sentence with the status's own label ("捐赠 12：已入账"); an exception's text (a class name and
a message meant for developers) becomes one translated line pointing to the server log.
"""

from __future__ import annotations

import re

from django.utils.translation import gettext as _


def _status_label(choices, value: str) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return value


def _fixed(note: str) -> str | None:
    reasons = {
        "no gift for this payment intent yet": _("Waiting: no gift for this payment yet."),
        "no gift for this charge yet": _("Waiting: no gift for this charge yet."),
        "no gift for this refund's charge yet": _("Waiting: no gift for this refund's charge yet."),
        "the provider lists no refund of this charge yet": _(
            "Waiting: the provider lists no refund of this charge yet."
        ),
        "no gift for this card setup yet": _("Waiting: no gift for this card setup yet."),
    }
    return reasons.get(note)


def _one(note: str) -> str:
    from payments.disputes.models import DisputeStatus
    from payments.donations.models import DonationStatus
    from payments.refunds.models import RefundStatus

    fixed = _fixed(note)
    if fixed is not None:
        return fixed
    if found := re.fullmatch(r"gift (\d+): already captured", note):
        return _("Gift %(gift)s: already received.") % {"gift": found[1]}
    if found := re.fullmatch(r"gift (\d+): (\w+)", note):
        return _("Gift %(gift)s: %(status)s.") % {
            "gift": found[1],
            "status": _status_label(DonationStatus, found[2]),
        }
    if found := re.fullmatch(r"refund (\d+) (\w+)", note):
        return _("Refund %(refund)s: %(status)s.") % {
            "refund": found[1],
            "status": _status_label(RefundStatus, found[2]),
        }
    if found := re.fullmatch(r"dispute (\d+) (\w+)", note):
        return _("Chargeback %(dispute)s: %(status)s.") % {
            "dispute": found[1],
            "status": _status_label(DisputeStatus, found[2]),
        }
    if found := re.fullmatch(r"a refund of gift (\d+) we asked for has no provider id yet", note):
        return _("Waiting: the refund of gift %(gift)s we asked for has no provider id yet.") % {
            "gift": found[1]
        }
    return _("The handler failed; the server log has the details.")


def note_shown(note: str) -> str:
    """``note`` (as stored by the inbox) as a translated sentence; several notes joined by "; "
    (one per refund of a charge) each become one. Empty for an empty note."""
    if not note:
        return ""
    return " ".join(_one(part.strip()) for part in note.split("; "))
