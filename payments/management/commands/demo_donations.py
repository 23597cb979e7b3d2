"""Make a handful of realistic gifts to the live demo campaigns, through the real path.

Runs against the configured gateway (localstripe in the demo): the Donation row first, a
SetupIntent, the test card confirmed as the browser would, an off-session charge, the ledger
entry. Idempotent: each demo gift has a fixed form-attempt id, so a second run finds the gifts
already made and charges nothing.
"""

from __future__ import annotations

import uuid
from decimal import Decimal

from django.core.management.base import BaseCommand

from campaigns.models import Campaign, CampaignStatus
from campaigns.money import Money
from payments.donations.models import Frequency
from payments.donations.services import (
    DonationNotPossible,
    donation_charge,
    donation_create,
    donation_start_card,
)
from payments.gateway.card import get_gateway

NAMESPACE = uuid.UUID("6f1d3c1e-2f7a-4f43-9d56-1c0b7e3f5a10")

# (name on the wall, email, amount in major units or "unit", anonymous, monthly, dedication, message)
DONORS = [
    ("王芳", "wang.fang@example.cn", "unit", False, False, "", "愿每位老人都能重见光明。"),
    ("Li Wei", "li.wei@example.com", "200", False, True, "", "Small but every month."),
    ("", "anon.giver@example.cn", "1000", True, False, "", "加油！"),
    ("张伟", "zhang.wei@example.cn", "500", False, False, "我的外婆", "外婆也做过白内障手术，感谢医生们。"),
    ("Chen Jing", "chen.jing@example.com", "100", False, False, "", ""),
    ("刘洋", "liu.yang@example.cn", "50", False, False, "", "一点心意。"),
]


class Command(BaseCommand):
    help = "Make demo gifts to live campaigns through the payment gateway (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--per-campaign", type=int, default=len(DONORS))

    def handle(self, *args, per_campaign: int, **options):
        campaigns = Campaign.objects.filter(status=CampaignStatus.LIVE).order_by("pk")
        if not campaigns:
            self.stdout.write("No live campaigns: nothing to do.")
            return
        gateway = get_gateway()
        made = skipped = failed = 0
        for campaign in campaigns:
            for i, (name, email, amount, anonymous, monthly, dedication, message) in enumerate(
                DONORS[:per_campaign]
            ):
                if amount == "unit":
                    money = campaign.unit_cost or Money(Decimal(300), campaign.currency)
                else:
                    money = Money(Decimal(amount), campaign.currency)
                money = max(money, campaign.min_donation)
                try:
                    donation = donation_create(
                        campaign=campaign,
                        amount=money,
                        email=email,
                        attempt=uuid.uuid5(NAMESPACE, f"{campaign.slug}:{i}"),
                        frequency=Frequency.MONTHLY if monthly else Frequency.ONE_OFF,
                        display_name=name,
                        anonymous=anonymous,
                        dedication=dedication,
                        public_message=message,
                    )
                except DonationNotPossible as exc:
                    self.stderr.write(f"{campaign.slug}: {' '.join(exc.messages)}")
                    failed += 1
                    continue
                if donation.is_captured:
                    skipped += 1
                    continue
                donation_start_card(donation=donation)
                donation.refresh_from_db()
                gateway.setup_intent_confirm(donation.provider_setup_intent_id, "pm_card_visa")
                outcome = donation_charge(donation=donation)
                if outcome.status == "succeeded":
                    made += 1
                else:
                    failed += 1
                    self.stderr.write(
                        f"{campaign.slug}: gift {donation.pk} {outcome.status} {outcome.message}"
                    )
        self.stdout.write(f"demo gifts: {made} made, {skipped} already there, {failed} failed")
