"""Signal receivers of the release area, connected in ``PaymentsConfig.ready``."""

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from campaigns.public_cache import bump_campaign_panels
from campaigns.verification.signals import milestone_verified
from payments.models import DonationEvent, DonationStatus, Release

FUNDING_STATES = {
    DonationStatus.SUCCEEDED,
    DonationStatus.PARTIALLY_REFUNDED,
    DonationStatus.REFUNDED,
    DonationStatus.DISPUTED,
    DonationStatus.MOVED,
}


@receiver(milestone_verified, dispatch_uid="payments.release_request_on_verified")
def request_release_when_milestone_verified(sender, milestone, actor, **kwargs):
    from payments.services_release import release_request

    release_request(milestone=milestone, actor=actor)


@receiver(post_save, sender=DonationEvent, dispatch_uid="payments.unit_funding_on_gift_event")
def refresh_unit_funding_when_gifts_change(sender, instance, created, **kwargs):
    """Money reached or left escrow: recompute which beneficiaries of a unit campaign are funded."""
    if not created or instance.to_status not in FUNDING_STATES:
        return
    from payments.tasks_release import unit_funding_refresh

    campaign_id = instance.donation.campaign_id
    transaction.on_commit(lambda: unit_funding_refresh.delay(campaign_id))


@receiver(post_save, sender=Release, dispatch_uid="payments.panels_on_release")
@receiver(post_delete, sender=Release, dispatch_uid="payments.panels_on_release_delete")
def refresh_campaign_panels_when_a_release_changes(sender, instance: Release, **kwargs) -> None:
    """The campaign page's disbursement feed and notice-period list show releases."""
    bump_campaign_panels(campaign_id=instance.campaign_id)
