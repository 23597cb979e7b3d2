"""Signal receivers of the release area, connected in ``PaymentsConfig.ready``."""

from django.dispatch import receiver

from campaigns.verification.signals import milestone_verified


@receiver(milestone_verified, dispatch_uid="payments.release_request_on_verified")
def request_release_when_milestone_verified(sender, milestone, actor, **kwargs):
    from payments.services_release import release_request

    release_request(milestone=milestone, actor=actor)
