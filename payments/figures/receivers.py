"""Signal receivers of unit funding, connected in ``PaymentsConfig.ready``."""

from django.db.models.signals import post_save
from django.dispatch import receiver

from payments.donations.models import CAPTURED_STATES, DonationEvent
from payments.outbox.queueing import enqueue_on_commit


@receiver(post_save, sender=DonationEvent, dispatch_uid="payments.unit_funding_on_gift_event")
def refresh_unit_funding_when_gifts_change(sender, instance, created, **kwargs):
    """Money reached or left escrow: recompute which beneficiaries of a unit campaign are funded."""
    if not created or instance.to_status not in CAPTURED_STATES:
        return
    from payments.figures.tasks import unit_funding_refresh

    campaign_id = instance.donation.campaign_id
    enqueue_on_commit(unit_funding_refresh, campaign_id)
