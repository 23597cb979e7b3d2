"""Signal receivers of releases, connected in ``PaymentsConfig.ready``."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from campaigns.models import Milestone
from campaigns.public_cache import bump_campaign_panels
from campaigns.verification.signals import milestone_verified
from payments.releases.models import Release


@receiver(milestone_verified, sender=Milestone, dispatch_uid="payments.release_request_on_verified")
def request_release_when_milestone_verified(sender, milestone, actor, **kwargs):
    from payments.releases.services import release_request

    release_request(milestone=milestone, actor=actor)


@receiver(post_save, sender=Release, dispatch_uid="payments.panels_on_release")
@receiver(post_delete, sender=Release, dispatch_uid="payments.panels_on_release_delete")
def refresh_campaign_panels_when_a_release_changes(sender, instance: Release, **kwargs) -> None:
    """The campaign page's disbursement feed and notice-period list show releases."""
    bump_campaign_panels(campaign_id=instance.campaign_id)
