"""Signal receivers of gifts, connected in ``PaymentsConfig.ready``."""

from django.dispatch import receiver

from campaigns.models import Campaign
from campaigns.signals import campaign_stopped_giving


@receiver(campaign_stopped_giving, sender=Campaign, dispatch_uid="payments.monthly_end_with_campaign")
def end_monthly_gifts_when_the_campaign_stops_giving(sender, campaign_id: int, **kwargs) -> None:
    """A closed or failed campaign's monthly gifts end with it, paused ones too (ADR 0219)."""
    from payments.donations.monthly import monthly_plans_end_with_campaign

    monthly_plans_end_with_campaign(campaign_id=campaign_id)
