"""Signal receivers of unit funding, connected in ``PaymentsConfig.ready``."""

from django.db import transaction
from django.dispatch import receiver

from payments.donations.models import CAPTURED_STATES, Donation
from payments.donations.signals import gift_status_changed
from payments.figures.unit_funding import unit_funding_due


@receiver(gift_status_changed, sender=Donation, dispatch_uid="payments.unit_funding_on_gift_event")
def refresh_unit_funding_when_gifts_change(sender, donation: Donation, status: str, **kwargs) -> None:
    """Money reached or left escrow: recompute which beneficiaries of a unit campaign are funded,
    at most about once a second per campaign (coalesced after commit, ADR 0223)."""
    if status not in CAPTURED_STATES:
        return
    campaign_id = donation.campaign_id
    transaction.on_commit(lambda: unit_funding_due(campaign_id))
