"""Supporters' pages and gifts through them, made through the services, for tests (ADR 0234)."""

from __future__ import annotations

import itertools
import uuid

from campaigns.money import Money
from payments.donations.models import Donation, DonorProfile
from payments.donations.services import donation_charge, donation_create, donation_start_card
from payments.supporters.models import SupporterPage, SupporterPageStatus
from payments.supporters.services import gift_attribute, page_moderate, page_start
from tests.builders import CARD, card_gateway

_seq = itertools.count(1)


def donor(email: str = "") -> DonorProfile:
    return DonorProfile.objects.get_or_create(email=email or f"supporter{next(_seq)}@example.cn")[0]


def started_page(campaign, *, owner: DonorProfile | None = None, goal_minor: int = 500_000, team=None,
                 new_team_name: str = "") -> SupporterPage:  # fmt: skip
    """A page waiting for approval (the default site setting)."""
    return page_start(owner=owner or donor(), campaign=campaign, title="周敏为外婆筹款", words="三千元一台手术。",
                      goal=Money.from_minor(goal_minor, campaign.currency), language="zh-hans", team=team,
                      new_team_name=new_team_name)  # fmt: skip


def public_page(campaign, editor, **kwargs) -> SupporterPage:
    page = started_page(campaign, **kwargs)
    return page_moderate(page=page, to=SupporterPageStatus.APPROVED, actor=editor)


def give_via(page: SupporterPage, minor: int, capture, *, email: str = "li.hua@example.cn") -> Donation:
    """A gift of ``minor`` written through ``page`` (attributed in the same transaction) and
    captured with the in-memory gateway; after-commit work (the page's follow-up) runs."""
    with capture(execute=True), card_gateway() as gateway:
        donation = donation_create(campaign=page.campaign, amount=Money.from_minor(minor, page.currency),
                                   email=email, attempt=uuid.uuid4())  # fmt: skip
        gift_attribute(donation=donation, page=page)
        donation_start_card(donation=donation)
        donation.refresh_from_db()
        gateway.setup_intent_confirm(donation.provider_setup_intent_id, CARD)
        donation_charge(donation=donation)
    donation.refresh_from_db()
    assert donation.captured_at is not None, donation.failure_message
    return donation


def raised_minor(page: SupporterPage) -> int:
    return SupporterPage.objects.select_related("total").get(pk=page.pk).total.raised_minor
