"""The moves of a webhook delivery (ADR 0209 style, checked in ``delivery.py``).

pending → sending → delivered | retrying | failed; retrying → sending; a sending delivery whose
lease ran out (the worker died mid-request) is sent again (sending → sending); a replay by hand
puts a delivered or failed delivery back to pending, same event id.
"""

from django.utils.translation import gettext_lazy as _

from campaigns.state_tables import table
from integrations.models import DeliveryStatus

S = DeliveryStatus

DELIVERY_STATES = table(
    _("webhook delivery"),
    DeliveryStatus,
    {
        S.PENDING: {S.SENDING},
        S.SENDING: {S.DELIVERED, S.RETRYING, S.FAILED},
        S.RETRYING: {S.SENDING},
        S.DELIVERED: {S.PENDING},
        S.FAILED: {S.PENDING},
    },
)
