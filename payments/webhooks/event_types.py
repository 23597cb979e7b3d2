"""The provider's event types as finance reads them in the webhook inbox, in their language.

The inbox stores each event's type as the provider names it ("payment_intent.succeeded",
"charge.refunded"): handlers, logs and tests match on it. People read ``event_type_label(code)``
("银行卡付款成功"); the code stays one click away, folded under "technical detail", for the
engineer who compares it with the provider's dashboard (as the delivery log folds an attempt's
exception, ADR 0416). A type the inbox does not handle reads "Other provider event".
"""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

# Every type ``payments.webhooks.services.HANDLERS`` handles has a label here (a test checks).
EVENT_TYPE_LABELS: dict[str, Promise] = {
    "payment_intent.succeeded": _("Card payment succeeded"),
    "payment_intent.payment_failed": _("Card payment failed"),
    "payment_intent.requires_action": _("Card payment awaits the donor's confirmation"),
    "payment_intent.processing": _("Card payment in progress"),
    "payment_intent.canceled": _("Card payment cancelled"),
    "setup_intent.setup_failed": _("Card refused when saved"),
    "charge.refunded": _("Charge refunded"),
    "charge.refund.updated": _("Refund updated"),
    "refund.created": _("Refund created"),
    "refund.updated": _("Refund updated"),
    "refund.failed": _("Refund failed"),
    "charge.dispute.created": _("Dispute opened"),
    "charge.dispute.funds_withdrawn": _("Dispute: funds withdrawn"),
    "charge.dispute.updated": _("Dispute updated"),
    "charge.dispute.closed": _("Dispute closed"),
    "charge.dispute.funds_reinstated": _("Dispute: funds reinstated"),
}


def event_type_label(code: str) -> str:
    """The label of the provider's event type ``code`` in the active language; "Other provider
    event" for a type without one (the inbox ignores those)."""
    label = EVENT_TYPE_LABELS.get(code)
    return str(label) if label is not None else gettext("Other provider event")


def event_type_choices(codes: list[str]) -> list[tuple[str, str]]:
    """``(code, label)`` for a filter, sorted by label; a code without a label keeps its code
    visible beside "Other provider event", so two of them stay apart."""
    choices = [
        (code, event_type_label(code) if code in EVENT_TYPE_LABELS else f"{event_type_label(code)} · {code}")
        for code in codes
    ]
    return sorted(choices, key=lambda choice: choice[1])


def event_type_html(code: str) -> SafeString:
    """The label, then the provider's code folded under "technical detail" (a ``<details>``)."""
    return format_html(
        '{}<details class="technical-detail"><summary>{}</summary><code lang="en">{}</code></details>',
        event_type_label(code),
        gettext("Technical detail"),
        code,
    )
