"""A team of two supporters' pages on the cataract campaign, with a few gifts through them (ADR 0234).

Through the services and the real giving path (as ``demo_donations``): each page is started by its
owner and approved by the demo editor; each gift is written with a fixed attempt id, attributed to
its page in the same transaction, charged through the configured gateway (localstripe in the
demo), and the page figures followed. Idempotent: a second run finds the pages and gifts and
charges nothing. Run after ``demo_campaigns`` (``config.demo.DEMO_COMMANDS``).
"""

from __future__ import annotations

import uuid
from decimal import Decimal

from django.contrib.auth.models import Group, User
from django.core.management.base import BaseCommand
from django.db import transaction

from campaigns.models import Campaign
from campaigns.money import Money
from campaigns.roles import EDITORS
from payments.donations.models import DonorProfile
from payments.donations.services import (
    DonationNotPossible,
    donation_charge,
    donation_create,
    donation_start_card,
)
from payments.gateway.card import get_gateway
from payments.supporters.models import SupporterPage, SupporterPageStatus, Team
from payments.supporters.selectors import page_figures, team_figures
from payments.supporters.services import (
    OPEN_STATUSES,
    gift_attribute,
    page_moderate,
    page_start,
    supporter_gift_follow,
)

CAMPAIGN_SLUG = "cataract-surgery"
NAMESPACE = uuid.UUID("0b9a3f52-6d1e-4c7a-8e21-5f4b2d7c9e31")
TEAM_NAME = "江华一中校友复明队"
# (owner's email, title, words, goal in yuan)
PAGES = [
    ("zhou.min@example.cn", "周敏：为外婆那样的老人点亮光明",
     "我的外婆去年在县医院做了白内障手术，现在又能绣花了。我想帮更多江华的老人做上手术：三千元就是一台。", "9000"),
    ("tang.jun@example.cn", "唐军跑步筹款：十公里换一台手术",
     "我报名了永州马拉松的十公里。每一位支持我的朋友，都在帮一位老人重见光明。", "6000"),
]  # fmt: skip
# (page index, donor's email, name on the wall, amount in yuan)
GIFTS = [
    (0, "li.hua@example.cn", "李华", "500"),
    (0, "he.ping@example.cn", "何平", "1000"),
    (1, "xu.li@example.cn", "徐丽", "300"),
]


def _editor() -> User:
    user, _created = User.objects.get_or_create(
        username="editor", defaults={"is_staff": True, "email": "editor@clearfund.example"}
    )
    user.groups.add(Group.objects.get_or_create(name=EDITORS)[0])
    return User.objects.get(pk=user.pk)


class Command(BaseCommand):
    help = "Create a demo team with two supporters' pages and gifts through them (idempotent)."

    def handle(self, *args, **options):
        campaign = Campaign.objects.filter(slug=CAMPAIGN_SLUG).first()
        if campaign is None:
            self.stdout.write("No cataract campaign: run demo_campaigns first.")
            return
        editor = _editor()
        pages: list[SupporterPage] = []
        team: Team | None = None
        for i, (email, title, words, goal) in enumerate(PAGES):
            owner, _created = DonorProfile.objects.get_or_create(email=email)
            page = SupporterPage.objects.filter(
                owner=owner, campaign=campaign, status__in=OPEN_STATUSES
            ).first()
            if page is None:
                page = page_start(owner=owner, campaign=campaign, title=title, words=words, language="zh-hans",
                                  goal=Money(Decimal(goal), campaign.currency), team=team,
                                  new_team_name=TEAM_NAME if i == 0 else "")  # fmt: skip
            if page.status == SupporterPageStatus.PENDING:
                page = page_moderate(page=page, to=SupporterPageStatus.APPROVED, actor=editor)
            team = team or page.team
            pages.append(page)
        gateway = get_gateway()
        made = skipped = 0
        for i, (index, email, name, amount) in enumerate(GIFTS):
            page = pages[index]
            try:
                with transaction.atomic():
                    donation = donation_create(campaign=campaign, amount=Money(Decimal(amount), campaign.currency),
                                               email=email, attempt=uuid.uuid5(NAMESPACE, f"{page.slug}:{i}"),
                                               display_name=name, language="zh-hans")  # fmt: skip
                    gift_attribute(donation=donation, page=page)
            except DonationNotPossible as exc:
                self.stderr.write(" ".join(exc.messages))
                continue
            if donation.is_captured:
                skipped += 1
            else:
                donation_start_card(donation=donation)
                donation.refresh_from_db()
                gateway.setup_intent_confirm(donation.provider_setup_intent_id, "pm_card_visa")
                donation_charge(donation=donation)
                made += 1
            supporter_gift_follow(donation_id=donation.pk)
        raised = ", ".join(str(page_figures(SupporterPage.objects.select_related("total").get(pk=p.pk)).raised)
                           for p in pages)  # fmt: skip
        self.stdout.write(self.style.SUCCESS(
            f"demo_supporters: team {team.slug if team else '-'} ({team_figures(team).raised if team else '-'}), "
            f"pages raised {raised}; gifts {made} made, {skipped} already there"
        ))  # fmt: skip
