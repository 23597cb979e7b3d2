"""Signal receivers of outbound webhooks, connected in ``IntegrationsConfig.ready``: each domain
event (ADR 0401), after its transaction commits, becomes one ``OutboundEvent`` row (once per
event key) whose fan-out is queued (ADR 0420).

``ANNOUNCED`` is the whole list: which domain signal (and sender) becomes which event type, and
which payload builder of ``integrations.events`` it calls with which of the signal's arguments.
``connect`` makes one receiver per row.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import Any, NamedTuple

from django.db import models
from django.dispatch import Signal

from campaigns.models import Campaign, Milestone
from campaigns.signals import campaign_status_changed
from campaigns.verification.signals import outcome_verified
from integrations import events
from integrations.models import EventType
from integrations.services import event_record
from payments.donations.signals import gift_received
from payments.models import Donation
from payments.refunds.models import Refund
from payments.refunds.signals import refund_made
from payments.releases.models import Release
from payments.releases.signals import release_approved, release_paid

logger = logging.getLogger(__name__)


class Announced(NamedTuple):
    """One domain signal announced to integrators."""

    signal: Signal
    sender: type[models.Model]
    # Called with the signal's ``arguments`` (in this order); returns the event key and ``data``.
    build: Callable[..., tuple[str, dict[str, Any]]]
    arguments: tuple[str, ...]
    # The event type; ``None`` when it follows the campaign's new status (``events.CAMPAIGN_EVENTS``,
    # a status not listed there is not announced).
    type: EventType | None


# Domain event (the signal's name, also the receiver's ``dispatch_uid``) → how it is announced.
ANNOUNCED: dict[str, Announced] = {
    "gift_received": Announced(
        gift_received, Donation, events.gift_received, ("donation_id",), EventType.GIFT_RECEIVED
    ),
    "refund_made": Announced(refund_made, Refund, events.refund_made, ("refund_id",), EventType.REFUND_MADE),
    "release_approved": Announced(
        release_approved, Release, events.release_approved, ("release_id",), EventType.RELEASE_APPROVED
    ),
    "release_paid": Announced(
        release_paid, Release, events.release_paid, ("release_id",), EventType.RELEASE_PAID
    ),
    "outcome_verified": Announced(
        outcome_verified, Milestone, events.outcome_verified, ("milestone_id",), EventType.OUTCOME_VERIFIED
    ),
    "campaign_status_changed": Announced(
        campaign_status_changed, Campaign, events.campaign_moved, ("campaign_id", "status"), None
    ),
}


def never_breaks_the_sender(announce):
    """Outbound webhooks are a side channel: a receiver that fails (the object gone, a bug) is
    logged and leaves the domain event's other receivers (donor notices, reports) to run; the
    domain's transaction has committed already."""

    @functools.wraps(announce)
    def wrapper(*args, **kwargs) -> None:
        try:
            announce(*args, **kwargs)
        except Exception:
            logger.exception("outbound webhook event not recorded (%s)", announce.__name__)

    return wrapper


def announcer(name: str, announced: Announced) -> Callable[..., None]:
    """The receiver of one ``ANNOUNCED`` row: records its ``OutboundEvent`` (``event_record``,
    once per event key); a failure is logged, never raised (``never_breaks_the_sender``)."""

    def announce(sender, **kwargs) -> None:
        event_type = announced.type or events.CAMPAIGN_EVENTS.get(kwargs.get("status"))
        if event_type is None:
            return
        key, data = announced.build(*(kwargs[argument] for argument in announced.arguments))
        event_record(type=event_type, key=key, data=data)

    announce.__name__ = announce.__qualname__ = f"announce_{name}"
    return never_breaks_the_sender(announce)


# Kept here as well as in the signals (connected strongly): one receiver per row, for the life
# of the process.
RECEIVERS: dict[str, Callable[..., None]] = {name: announcer(name, row) for name, row in ANNOUNCED.items()}


def connect() -> None:
    """Connect every ``ANNOUNCED`` receiver to its signal and sender (idempotent: one
    ``dispatch_uid`` each, ``integrations.<name>``)."""
    for name, announced in ANNOUNCED.items():
        announced.signal.connect(RECEIVERS[name], sender=announced.sender, weak=False,
                                 dispatch_uid=f"integrations.{name}")  # fmt: skip
