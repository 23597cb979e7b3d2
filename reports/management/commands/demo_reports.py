"""Queue the demo's reports. Idempotent: with unchanged data a second run queues nothing new."""

from django.core.management.base import BaseCommand

from campaigns.models import Campaign, CampaignStatus
from reports import services


class Command(BaseCommand):
    help = "Queue a campaign impact report per live campaign, a transparency report and one donor statement."

    def add_arguments(self, parser):
        parser.add_argument(
            "--donor-email", default="", help="Donor to write a statement for (default: the first)."
        )

    def handle(self, *args, donor_email: str = "", **options):
        live = Campaign.objects.filter(status__in=(CampaignStatus.LIVE, CampaignStatus.FUNDED)).order_by("pk")
        for campaign in live:
            for run in services.request_campaign_report(campaign.pk):
                self.stdout.write(f"campaign report #{run.pk} {campaign.slug} {run.language}: {run.status}")
        for code in ("zh-hans", "en"):
            run = services.request_transparency_report(language=code)
            self.stdout.write(f"transparency report #{run.pk} {code}: {run.status}")
        donor_id = self._demo_donor(donor_email)
        if donor_id is None:
            self.stdout.write("no donor with a received gift yet: no donor statement queued")
            return
        run = services.request_donor_statement(donor_id=donor_id, period="", send_email=True)
        self.stdout.write(f"donor statement #{run.pk} donor {donor_id}: {run.status}")

    def _demo_donor(self, email: str) -> int | None:
        from payments.models import CAPTURED_STATES, Donation

        gifts = Donation.objects.filter(status__in=CAPTURED_STATES).order_by("pk")
        if email:
            gifts = gifts.filter(donor__email__iexact=email)
        return gifts.values_list("donor_id", flat=True).first()
