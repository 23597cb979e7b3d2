"""A matcher with a 1:1 pool on the cataract campaign, half paid in and partly used (ADR 0227).

Through the services: the pay-in is recorded by the demo finance officer and confirmed by a
second one (four eyes), then the sweep matches the demo gifts already captured in the pool's
window. Idempotent: a second run finds the matcher, pool and pay-in and matches nothing again.
Run after ``demo_donations`` (``config.demo.DEMO_COMMANDS``).
"""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth.models import Group, User
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from campaigns.demo_staff import demo_staff_named
from campaigns.models import Campaign
from campaigns.money import Money
from campaigns.roles import FINANCE_OFFICERS
from payments.matching.models import Matcher, MatcherKind, MatchPool, PayInMethod, PoolPayIn
from payments.matching.selectors import pools_figures
from payments.matching.services import matches_sweep, pool_pay_in_confirm, pool_pay_in_record

DEMO_PASSWORD = "clearfund-demo"  # noqa: S105 - demo accounts only, as demo_campaigns
CAMPAIGN_SLUG = "cataract-surgery"
REFERENCE = "DEMO-ICBC-20261201-0001"


def _finance(username: str) -> User:
    user, created = User.objects.get_or_create(
        username=username, defaults={"is_staff": True, "email": f"{username}@clearfund.example"}
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    user.groups.add(Group.objects.get(name=FINANCE_OFFICERS))
    demo_staff_named(user)
    return User.objects.get(pk=user.pk)


class Command(BaseCommand):
    help = "Create a demo matcher with a 1:1 pool on the cataract campaign, half paid in (idempotent)."

    def handle(self, *args, **options):
        campaign = Campaign.objects.filter(slug=CAMPAIGN_SLUG).first()
        if campaign is None:
            self.stdout.write("No cataract campaign: run demo_campaigns first.")
            return
        with transaction.atomic():
            matcher, _created = Matcher.objects.get_or_create(
                slug="xiangjiang-building-materials",
                defaults={
                    "name": "湖南湘江建材有限公司",
                    "name_en": "Hunan Xiangjiang Building Materials Co.",
                    "kind": MatcherKind.COMPANY,
                    "about": "“万企帮万村”行动参与企业，为江华县白内障复明手术配捐。",
                    "about_en": "Part of the “10,000 enterprises help 10,000 villages” drive; matches gifts "
                    "to cataract surgery in Jianghua county.",
                },
            )
            now = timezone.now()
            pool, created = MatchPool.objects.get_or_create(
                matcher=matcher,
                title="复明行动 1:1 配捐",
                defaults={
                    "title_en": "Sight restored: 1:1 matching",
                    "currency": campaign.currency,
                    "ratio": 1,
                    "cap_minor": 2_000_000,  # ¥20,000 pledged
                    "per_donor_cap_minor": 200_000,  # ¥2,000 per donor
                    "starts_at": now - timedelta(days=1),
                    "ends_at": now + timedelta(days=30),
                },
            )
            if created:
                pool.campaigns.add(campaign)
        if not PoolPayIn.objects.filter(reference=REFERENCE).exists():
            recorded = pool_pay_in_record(
                pool=pool, amount=Money.from_minor(1_000_000, pool.currency), method=PayInMethod.BANK_TRANSFER,
                reference=REFERENCE, actor=_finance("finance"), note="首期配捐款 / first instalment",
            )  # fmt: skip
            pool_pay_in_confirm(pay_in=recorded, actor=_finance("finance2"))
        followed = matches_sweep()
        f = pools_figures([pool])[0]
        self.stdout.write(
            self.style.SUCCESS(
                f"demo_matching: pool {pool.pk} pledged {f.pledged}, paid in {f.paid_in}, matched {f.matched}, "
                f"left {f.left} ({followed} gifts followed)"
            )
        )
