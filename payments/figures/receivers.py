"""Signal receivers of unit funding, connected in ``PaymentsConfig.ready``."""

from django.db.models.signals import post_save
from django.dispatch import receiver

from payments.donations.models import CAPTURED_STATES, DonationEvent
from payments.figures.unit_funding import unit_funding_due


@receiver(post_save, sender=DonationEvent, dispatch_uid="payments.unit_funding_on_gift_event")
def refresh_unit_funding_when_gifts_change(sender, instance, created, **kwargs):
    """Money reached or left escrow: recompute which beneficiaries of a unit campaign are funded,
    at most about once a second per campaign (coalesced after commit, ADR 0223)."""
    if not created or instance.to_status not in CAPTURED_STATES:
        return
    from django.db import transaction

    campaign_id = instance.donation.campaign_id
    transaction.on_commit(lambda: unit_funding_due(campaign_id))
