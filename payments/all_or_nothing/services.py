"""All-or-nothing campaigns at their deadline.

We capture at once and refund on failure (ADR 0202): a saved card charged weeks later fails
often (expired, limits, 3-D Secure needs the donor), and "funded" would then be a promise the
ledger cannot show. So at the deadline a campaign that reached its goal is marked funded and
keeps its escrow; one that missed is marked failed and each captured gift either moves to a live
sibling campaign (same kind and currency, if the donor opted in) or is refunded in full.

``all_or_nothing_settle`` is resumable and idempotent: the campaign's status says whether the
decision was taken, each refund has the key ``aon:<donation>`` and each move the ledger key
``donation:<pk>:moved``, so a run interrupted half-way and run again touches each gift once.
"""

from __future__ import annotations

import logging
from datetime import date

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from campaigns.models import Campaign, CampaignStatus, FundingModel
from campaigns.services import audit, campaign_finish
from payments.donations.models import Donation, DonationStatus
from payments.donations.states import donation_transition
from payments.figures.selectors import campaign_totals_uncached
from payments.ledger.services import Leg, entry_post, escrow_account
from payments.refunds.models import Refund
from payments.refunds.services import refund_request

log = logging.getLogger(__name__)


def sibling_for(campaign: Campaign) -> Campaign | None:
    """The live campaign of the same kind and currency that a failed campaign's gifts may join."""
    return (
        Campaign.objects.filter(kind=campaign.kind, currency=campaign.currency, status=CampaignStatus.LIVE)
        .exclude(pk=campaign.pk)
        .order_by("deadline", "pk")
        .first()
    )


def donation_move(*, donation: Donation, to: Campaign) -> Donation:
    """Move a captured gift's escrow to another campaign (the donor opted in). Idempotent."""
    with transaction.atomic():
        donation = Donation.objects.select_for_update().select_related("campaign").get(pk=donation.pk)
        if donation.status == DonationStatus.MOVED:
            return donation
        amount = donation.refundable
        entry_post(
            key=f"donation:{donation.pk}:moved",
            kind="donation.moved",
            legs=[Leg(escrow_account(donation.campaign), -amount), Leg(escrow_account(to), amount)],
            memo=f"gift {donation.public_id} moved from {donation.campaign.slug} to {to.slug}",
        )
        donation.moved_to = to
        donation.save(update_fields=["moved_to", "updated_at"])
        donation_transition(donation, DonationStatus.MOVED, note=f"to campaign {to.pk}")
        audit(actor=None, action="donation.moved", subject=donation,
              reason="all-or-nothing campaign missed its goal", data={"to": to.pk})  # fmt: skip
    return donation


def settle_failed_campaign(*, campaign: Campaign) -> dict[str, int]:
    """Refund or move every captured gift of a failed campaign that has not been yet."""
    counts = {"refunded": 0, "moved": 0}
    sibling = sibling_for(campaign)
    gifts = Donation.objects.filter(
        campaign=campaign, captured_at__isnull=False, refunded_minor__lt=F("amount_minor")
    ).exclude(status__in=[DonationStatus.MOVED, DonationStatus.DISPUTED, DonationStatus.CHARGED_BACK])
    for donation in gifts.order_by("pk"):
        if donation.sibling_opt_in and sibling is not None and donation.refunded_minor == 0:
            donation_move(donation=donation, to=sibling)
            counts["moved"] += 1
            continue
        key = f"aon:{donation.pk}"
        if Refund.objects.filter(key=key).exists() or donation.refundable.amount <= 0:
            continue
        refund_request(donation=donation, amount=donation.refundable, actor=None, key=key,
                       reason="all-or-nothing campaign missed its goal")  # fmt: skip
        counts["refunded"] += 1
    return counts


def all_or_nothing_settle(*, today: date | None = None) -> dict[str, int]:
    """Decide every all-or-nothing campaign past its deadline, then settle the failed ones."""
    today = today or timezone.localdate()
    totals = {"funded": 0, "failed": 0, "refunded": 0, "moved": 0}
    due = Campaign.objects.filter(
        funding_model=FundingModel.ALL_OR_NOTHING, status=CampaignStatus.LIVE, deadline__lt=today
    )
    for campaign in due:
        # The money that still counts (raised less refunded and disputed, docs/glossary.md), not
        # the gross raised: a gift refunded before the deadline must not fund the campaign.
        succeeded = campaign_totals_uncached(campaign=campaign).goal_met
        campaign_finish(campaign=campaign, actor=None, succeeded=succeeded,
                        reason="deadline passed: goal met" if succeeded else "deadline passed: goal missed")  # fmt: skip
        totals["funded" if succeeded else "failed"] += 1
    failed = Campaign.objects.filter(funding_model=FundingModel.ALL_OR_NOTHING, status=CampaignStatus.FAILED)
    for campaign in failed:
        counts = settle_failed_campaign(campaign=campaign)
        totals["refunded"] += counts["refunded"]
        totals["moved"] += counts["moved"]
    return totals
