"""What integrators receive for each domain event: public fields only (ADR 0420).

The payload schema is stable and versioned (``SCHEMA_VERSION``)::

    {"id": "evt_…", "type": "release.paid", "created": "<ISO 8601, UTC>", "schema": 1,
     "data": {…}}

``data`` carries ids, amounts (``amount`` a decimal string in the currency's unit and
``amount_minor`` an integer in minor units, with ``currency``), public names (campaign slug,
partner name, beneficiary pseudonym) and times. Never a donor's email or name, a beneficiary's
restricted registry data, free-text reasons, bank references or proofs (``tests/integrations``
checks it).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from campaigns.models import Campaign, Milestone
from campaigns.money import Money
from integrations.models import EventType
from payments.models import Donation
from payments.refunds.models import Refund
from payments.releases.models import Release

SCHEMA_VERSION = 1


def _when(moment: datetime | None) -> str | None:
    return moment.isoformat().replace("+00:00", "Z") if moment is not None else None


def _money(money: Money) -> dict[str, Any]:
    return {"amount": str(money.amount), "amount_minor": money.to_minor(), "currency": money.currency}


def _campaign(campaign: Campaign) -> dict[str, Any]:
    return {"id": campaign.pk, "slug": campaign.slug}


def gift_received(donation_id: int) -> tuple[str, dict[str, Any]]:
    donation = Donation.objects.select_related("campaign").get(pk=donation_id)
    return f"gift:{donation.pk}:received", {
        "gift": {"id": str(donation.public_id), **_money(donation.amount), "frequency": donation.frequency,
                 "received_at": _when(donation.captured_at)},
        "campaign": _campaign(donation.campaign),
    }  # fmt: skip


def refund_made(refund_id: int) -> tuple[str, dict[str, Any]]:
    refund = Refund.objects.select_related("donation__campaign").get(pk=refund_id)
    return f"refund:{refund.pk}:made", {
        "refund": {"id": refund.pk, "gift_id": str(refund.donation.public_id), **_money(refund.amount),
                   "refunded_at": _when(refund.completed_at)},
        "campaign": _campaign(refund.donation.campaign),
    }  # fmt: skip


def _release(release: Release) -> dict[str, Any]:
    return {
        "release": {"id": release.pk, **_money(release.amount), "status": release.status,
                    "approved_at": _when(release.approved_at), "paid_at": _when(release.paid_at)},
        "partner": {"id": release.partner_id, "name": release.partner.name, "name_en": release.partner.name_en},
        "outcome": {"id": release.milestone_id},
        "campaign": _campaign(release.campaign),
    }  # fmt: skip


def release_approved(release_id: int) -> tuple[str, dict[str, Any]]:
    release = Release.objects.select_related("partner", "campaign").get(pk=release_id)
    return f"release:{release.pk}:approved", _release(release)


def release_paid(release_id: int) -> tuple[str, dict[str, Any]]:
    release = Release.objects.select_related("partner", "campaign").get(pk=release_id)
    return f"release:{release.pk}:paid", _release(release)


def outcome_verified(milestone_id: int) -> tuple[str, dict[str, Any]]:
    milestone = Milestone.objects.select_related("beneficiary__campaign").get(pk=milestone_id)
    beneficiary = milestone.beneficiary
    return f"milestone:{milestone.pk}:verified", {
        "outcome": {"id": milestone.pk, "kind": milestone.kind, "title": milestone.title,
                    "title_en": milestone.title_en,
                    **_money(Money.from_minor(milestone.amount_minor, milestone.currency)),
                    "verified_at": _when(milestone.verified_at)},
        "beneficiary": {"id": beneficiary.pk, "pseudonym": beneficiary.pseudonym,
                        "pseudonym_en": beneficiary.pseudonym_en},
        "campaign": _campaign(beneficiary.campaign),
    }  # fmt: skip


def campaign_moved(campaign_id: int, status: str) -> tuple[str, dict[str, Any]]:
    campaign = Campaign.objects.get(pk=campaign_id)
    return f"campaign:{campaign.pk}:{status}", {
        "campaign": {**_campaign(campaign), "status": status, "title_en": campaign.title_en,
                     "kind": campaign.kind, "deadline": campaign.deadline.isoformat(),
                     "goal": _money(Money.from_minor(campaign.goal_minor, campaign.currency))},
    }  # fmt: skip


# Campaign statuses integrators hear about, and as which event.
CAMPAIGN_EVENTS = {"live": EventType.CAMPAIGN_PUBLISHED, "closed": EventType.CAMPAIGN_CLOSED}
