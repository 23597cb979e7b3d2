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

from campaigns.models import Campaign, CampaignKind, CampaignStatus
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

# (name on the wall, email, amount in major units or "unit", anonymous, monthly)
DONORS = [
    ("王芳", "wang.fang@example.cn", "unit", False, False),
    ("Li Wei", "li.wei@example.com", "200", False, True),
    ("", "anon.giver@example.cn", "1000", True, False),
    ("张伟", "zhang.wei@example.cn", "500", False, False),
    ("Chen Jing", "chen.jing@example.com", "100", False, False),
    ("刘洋", "liu.yang@example.cn", "50", False, False),
]

# What each of those donors dedicates and writes on the wall, by kind of campaign: a wall of
# support speaks of what the campaign pays for (surgery, school, a village business), so the
# cataract programme's words never appear on the tuition or the training campaign (issue 13).
# (dedication, message), one per donor above.
WORDS_BY_KIND = {
    CampaignKind.MEDICAL: [
        ("", "愿每位老人都能重见光明。"),
        ("", "Small but every month."),
        ("", "加油！"),
        ("我的外婆", "外婆也做过白内障手术，感谢医生们。"),
        ("", ""),
        ("", "一点心意。"),
    ],
    CampaignKind.EDUCATION: [
        ("", "愿每个孩子都能安心读完书。"),
        ("", "Small but every month, for books and fees."),
        ("", "加油！"),
        ("我的班主任", "当年是班主任资助我读完高中，现在轮到我了。"),
        ("", ""),
        ("", "一点心意。"),
    ],
    CampaignKind.LIVELIHOOD: [
        ("", "愿乡亲们的小生意越做越红火。"),
        ("", "Small but every month."),
        ("", "加油！"),
        ("我的父亲", "父亲当年靠养蜂起家，知道起步有多难。"),
        ("", ""),
        ("", "一点心意。"),
    ],
}
# Words that fit any campaign, for a kind without its own.
ANY_KIND_WORDS = [
    ("", ""),
    ("", "Small but every month."),
    ("", "加油！"),
    ("", ""),
    ("", ""),
    ("", "一点心意。"),
]


def donor_words(kind: str) -> list[tuple[str, str]]:
    """The (dedication, message) of each demo donor for a campaign of ``kind``."""
    return WORDS_BY_KIND.get(kind, ANY_KIND_WORDS)


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
            words = donor_words(campaign.kind)
            for i, (name, email, amount, anonymous, monthly) in enumerate(DONORS[:per_campaign]):
                dedication, message = words[i]
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
