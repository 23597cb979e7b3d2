"""Signal receivers of matching, connected in ``PaymentsConfig.ready``.

This is matching's only hook into the gift flow: a gift's status event (``DonationEvent``, written
by ``donation_transition`` in the transaction of the capture, refund, dispute or move) and a
refund made (``refund_made``) queue ``gift_matches_follow`` once that transaction commits. Nothing
is read or written in the capture's own transaction, so a capture costs the same with or without
pools (ADR 0227).
"""

from django.db.models.signals import post_save
from django.dispatch import receiver

from payments.donations.models import CAPTURED_STATES, DonationEvent
from payments.outbox.queueing import enqueue_on_commit
from payments.refunds.models import Refund
from payments.refunds.signals import refund_made


@receiver(post_save, sender=DonationEvent, dispatch_uid="payments.matching_on_gift_event")
def follow_gift_money(sender, instance: DonationEvent, created: bool, **kwargs) -> None:
    """Captured, refunded, charged back or moved: match it or give back its match, after commit."""
    if not created or instance.to_status not in CAPTURED_STATES:
        return
    from payments.matching.tasks import gift_matches_follow_task

    enqueue_on_commit(gift_matches_follow_task, instance.donation_id)


@receiver(refund_made, sender=Refund, dispatch_uid="payments.matching_on_refund_made")
def follow_refund(sender, refund_id: int, donation_id: int, **kwargs) -> None:
    """A second partial refund leaves the status as it was (no gift event): follow it here. Sent
    after commit already, so ``on_commit`` queues it at once."""
    from payments.matching.tasks import gift_matches_follow_task

    enqueue_on_commit(gift_matches_follow_task, donation_id)
