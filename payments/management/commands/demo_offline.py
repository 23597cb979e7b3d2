"""Offline gifts on the cataract campaign (ADR 0230): a cash gift at a village station, confirmed by a
second finance officer, and one awaiting confirmation; plus a bank-transfer gift that the demo
bank statement (``docs/demo/bank-statement-icbc-gbk.csv``, GBK) matches when a finance officer
imports it under Offline gifts → Bank statements.

Through the services, so the confirmed gift is in the ledger, the figures, the wall and the trace
like any gift. Idempotent: a second run finds the gifts by their receipts and writes nothing.
Run after ``demo_matching`` (``config.demo.DEMO_COMMANDS``).
"""

from __future__ import annotations

from datetime import timedelta

from django.core.management.base import BaseCommand

from campaigns.models import Campaign
from campaigns.money import Money
from campaigns.site_time import site_today
from payments.management.commands.demo_matching import CAMPAIGN_SLUG, _finance
from payments.offline.models import OfflineChannel, OfflineGift, OfflineGiftStatus
from payments.offline.services import (
    OfflineGiftRefused,
    offline_gift_confirm,
    offline_gift_record,
)

STATION = "江华瑶族自治县大石桥乡大石桥村公益服务站"
GIFTS = [
    # (channel, place, reference, yuan, days ago, donor, confirm)
    (OfflineChannel.CASH, STATION, "JH-DSQ-2026-0117", 3000, 2, "赵德明", True),
    (OfflineChannel.CASH, STATION, "JH-DSQ-2026-0118", 200, 1, "", False),
    (
        OfflineChannel.BANK_TRANSFER,
        "工商银行 江华支行 尾号4567",
        "DEMO-TT-20261130-01",
        3000,
        1,
        "刘建国",
        False,
    ),
]


class Command(BaseCommand):
    help = "Create demo offline gifts on the cataract campaign: one confirmed, two awaiting (idempotent)."

    def handle(self, *args, **options):
        campaign = Campaign.objects.filter(slug=CAMPAIGN_SLUG).first()
        if campaign is None:
            self.stdout.write("No cataract campaign: run demo_campaigns first.")
            return
        recorder, confirmer = _finance("finance"), _finance("finance2")
        made = 0
        for channel, place, reference, yuan, days_ago, donor, confirm in GIFTS:
            amount = Money.from_minor(yuan * 100, campaign.currency)
            received_on = site_today() - timedelta(days=days_ago)
            # Found by its receipt, whatever day the demo runs again.
            gift = (
                OfflineGift.objects.filter(channel=channel, place=place, reference=reference)
                .exclude(status=OfflineGiftStatus.REJECTED)
                .first()
            )
            if gift is None:
                try:
                    gift = offline_gift_record(
                        campaign=campaign, amount=amount, channel=channel, place=place, reference=reference,
                        received_on=received_on, donor_name=donor, anonymous=not donor, actor=recorder,
                        note="演示数据 / demo data",
                    )  # fmt: skip
                except OfflineGiftRefused as refused:  # the demo campaign stopped taking gifts
                    self.stdout.write(f"demo_offline: {reference} not recorded: {refused.messages[0]}")
                    continue
                made += 1
            if confirm and gift.status == OfflineGiftStatus.RECORDED:
                offline_gift_confirm(gift=gift, actor=confirmer)
        self.stdout.write(self.style.SUCCESS(f"demo_offline: {made} offline gifts recorded"))
