"""Signal receivers of donor notices, connected in ``PaymentsConfig.ready``: each domain event
becomes a notice to the donors it concerns (ADR 0217). The campaign update's receiver is in
``cms.receivers`` (the page model is the CMS's), calling ``campaign_update_announce``."""

from django.dispatch import receiver

from campaigns.models import Milestone
from campaigns.verification.signals import outcome_verified
from payments.notifications import services
from payments.refunds.models import Refund
from payments.refunds.signals import refund_made
from payments.releases.models import Release
from payments.releases.signals import release_approved, release_paid


@receiver(release_paid, sender=Release, dispatch_uid="payments.notify_release_paid")
def tell_donors_a_release_was_paid(sender, release_id, campaign_id, **kwargs) -> None:
    services.release_paid_announce(release_id=release_id, campaign_id=campaign_id)


@receiver(outcome_verified, sender=Milestone, dispatch_uid="payments.notify_outcome_verified")
def tell_donors_an_outcome_was_verified(sender, milestone_id, campaign_id, **kwargs) -> None:
    services.outcome_verified_announce(milestone_id=milestone_id, campaign_id=campaign_id)


@receiver(release_approved, sender=Release, dispatch_uid="payments.notify_outcome_on_approval")
def tell_donors_whose_gifts_pay_for_a_verified_outcome(sender, release_id, campaign_id, **kwargs) -> None:
    """Approval writes the allocation rows: now the outcome's donors are known."""
    milestone_id = Release.objects.values_list("milestone_id", flat=True).get(pk=release_id)
    services.outcome_verified_announce(milestone_id=milestone_id, campaign_id=campaign_id)


@receiver(refund_made, sender=Refund, dispatch_uid="payments.notify_refund_made")
def tell_the_donor_a_refund_was_made(sender, refund_id, donation_id, **kwargs) -> None:
    services.refund_made_announce(refund_id=refund_id, donation_id=donation_id)
