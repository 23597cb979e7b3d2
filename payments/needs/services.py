"""Paying for a need: the gift started under a hold, and the need funded when it is captured.

Rules (ADR 0307): only the holder of a live hold (its ``hold_token``, kept in their session) may
start a gift for the need; the gift is exactly the need's cost, one-off, to the beneficiary's
campaign and earmarked for the beneficiary (``donation_create``), so if the hold is lost the money
still goes to the same person first. A captured gift funds the need (``need_fund``).
"""

from __future__ import annotations

import uuid
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from campaigns.models import Need, NeedStatus
from campaigns.verification.needs import need_fund, need_unfund
from payments.donations.models import Donation, DonationStatus, Frequency
from payments.donations.services import DonationNotPossible, donation_create
from payments.needs.models import NeedGift


def need_gift_create(
    *,
    need: Need,
    hold_token: str,
    email: str,
    attempt: uuid.UUID,
    display_name: str = "",
    anonymous: bool = False,
    client_ip: str | None = None,
    language: str = "",
) -> Donation:
    """Write the gift that pays for ``need`` (its cost, one-off, earmarked for its beneficiary) and
    link it to the need. Raises ``DonationNotPossible`` if ``hold_token`` is not the need's live
    hold (lapsed, someone else's, funded) or the campaign does not take gifts; nothing is written."""
    now = timezone.now()
    if (
        need.status != NeedStatus.MATCHED
        or not hold_token
        or need.hold_token != hold_token
        or (need.held_until is None or need.held_until <= now)
    ):
        raise DonationNotPossible(_("Your hold on this need has ended. Claim it again from the needs board."))
    with transaction.atomic():
        donation = donation_create(
            campaign=need.beneficiary.campaign,
            amount=need.amount,
            email=email,
            attempt=attempt,
            frequency=Frequency.ONE_OFF,
            display_name=display_name,
            anonymous=anonymous,
            earmark_beneficiary_id=need.beneficiary_id,
            client_ip=client_ip,
            language=language,
        )
        NeedGift.objects.get_or_create(donation=donation, defaults={"need": need, "hold_token": hold_token})
    return donation


def need_gift_captured(*, donation_id: int) -> bool:
    """The gift reached escrow: fund its need if it is still this gift's to fund. Idempotent;
    ``False`` when the gift is not for a need or another donor funded it first."""
    link = NeedGift.objects.select_related("need").filter(donation_id=donation_id).first()
    if link is None:
        return False
    return need_fund(need=link.need, gift_id=donation_id, hold_token=link.hold_token)


def need_gift_lost(*, donation_id: int) -> bool:
    """The gift no longer fully backs its need (refunded in whole or part, charged back, moved):
    the need it funded goes back on the board (``need_unfund``); the money left, if any, stays
    earmarked for the same beneficiary. Idempotent; ``False`` when it funded no need."""
    link = NeedGift.objects.select_related("need").filter(donation_id=donation_id).first()
    if link is None:
        return False
    status = Donation.objects.filter(pk=donation_id).values_list("status", flat=True).first()
    return need_unfund(need=link.need, gift_id=donation_id, reason=f"its gift is {status}")


def captured_gifts_of_unfunded_needs(*, older_than_seconds: int = 60, limit: int = 500) -> list[int]:
    """Gifts for a need that reached escrow over ``older_than_seconds`` ago while their need is
    still unfunded (held or back on the board): their funding task was never queued (the broker
    was down: ADR 0007, review finding 5). Ids of the gifts, oldest capture first."""
    cutoff = timezone.now() - timedelta(seconds=older_than_seconds)
    return list(
        NeedGift.objects.filter(
            donation__status=DonationStatus.SUCCEEDED,
            donation__captured_at__lte=cutoff,
            need__funded_by_gift_id__isnull=True,
            need__status__in=(NeedStatus.MATCHED, NeedStatus.POSTED),
        )
        .order_by("donation__captured_at")
        .values_list("donation_id", flat=True)[:limit]
    )
