"""Signal receivers of outbound webhooks, connected in ``IntegrationsConfig.ready``: each domain
event (ADR 0401), after its transaction commits, becomes one ``OutboundEvent`` row (once per
event key) whose fan-out is queued (ADR 0420)."""

import functools
import logging

from django.dispatch import receiver

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


@receiver(gift_received, sender=Donation, dispatch_uid="integrations.gift_received")
@never_breaks_the_sender
def announce_gift_received(sender, donation_id, **kwargs) -> None:
    key, data = events.gift_received(donation_id)
    event_record(type=EventType.GIFT_RECEIVED, key=key, data=data)


@receiver(refund_made, sender=Refund, dispatch_uid="integrations.refund_made")
@never_breaks_the_sender
def announce_refund_made(sender, refund_id, **kwargs) -> None:
    key, data = events.refund_made(refund_id)
    event_record(type=EventType.REFUND_MADE, key=key, data=data)


@receiver(release_approved, sender=Release, dispatch_uid="integrations.release_approved")
@never_breaks_the_sender
def announce_release_approved(sender, release_id, **kwargs) -> None:
    key, data = events.release_approved(release_id)
    event_record(type=EventType.RELEASE_APPROVED, key=key, data=data)


@receiver(release_paid, sender=Release, dispatch_uid="integrations.release_paid")
@never_breaks_the_sender
def announce_release_paid(sender, release_id, **kwargs) -> None:
    key, data = events.release_paid(release_id)
    event_record(type=EventType.RELEASE_PAID, key=key, data=data)


@receiver(outcome_verified, sender=Milestone, dispatch_uid="integrations.outcome_verified")
@never_breaks_the_sender
def announce_outcome_verified(sender, milestone_id, **kwargs) -> None:
    key, data = events.outcome_verified(milestone_id)
    event_record(type=EventType.OUTCOME_VERIFIED, key=key, data=data)


@receiver(campaign_status_changed, sender=Campaign, dispatch_uid="integrations.campaign_status_changed")
@never_breaks_the_sender
def announce_campaign_published_or_closed(sender, campaign_id, status, **kwargs) -> None:
    if (event_type := events.CAMPAIGN_EVENTS.get(status)) is None:
        return
    key, data = events.campaign_moved(campaign_id, status)
    event_record(type=event_type, key=key, data=data)
