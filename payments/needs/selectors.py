"""Reads of the needs board for public pages: each need's stages, with their ledger link.

Public output names roles, partners, pseudonyms and the donor's chosen public name only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from campaigns.models import Need, NeedStatus
from campaigns.site_time import site_moment_text
from payments.donations.models import Donation
from payments.donations.services import capture_entry_key
from payments.ledger.models import LedgerEntry
from payments.releases.models import Release, ReleaseStatus


@dataclass(frozen=True)
class NeedStage:
    status: str
    label: str
    reached: bool
    at: datetime | None
    rule: str  # who moves it here, in words
    ledger_entry: LedgerEntry | None = None
    note: str = ""
    # For the last stage, paid to the partner: the ledger entry of the payout.
    payout_entry: LedgerEntry | None = None


def funding_entries(*, needs: list[Need]) -> dict[int, LedgerEntry]:
    """Need id → the ledger entry that put its funding gift into escrow. Two queries for any
    number of needs."""
    funded = {n.funded_by_gift_id: n.pk for n in needs if n.funded_by_gift_id}
    if not funded:
        return {}
    # The capture entry's key, from the one function that makes it (an unsaved row: no query).
    keys = {capture_entry_key(Donation(pk=gift_id)): need_id for gift_id, need_id in funded.items()}
    return {keys[e.key]: e for e in LedgerEntry.objects.filter(key__in=keys)}


def need_stages(*, need: Need, now: datetime | None = None) -> list[NeedStage]:
    """The five stages of a vetted need (posted → matched → funded → delivered → verified), each
    with when it was reached, the rule that moves it there, and for funding its ledger entry; for
    a need with a partner a sixth, paid to the partner, with the payout's ledger entry."""
    now = now or timezone.now()
    order = [
        NeedStatus.POSTED,
        NeedStatus.MATCHED,
        NeedStatus.FUNDED,
        NeedStatus.DELIVERED,
        NeedStatus.VERIFIED,
    ]
    # A claim held while its donor pays is not a match yet (issue 12): the need is shown posted,
    # with the hold as a note on the stage it waits for, and without the claimer's name.
    held = ""
    if need.status == NeedStatus.MATCHED and not need.is_open(now=now) and need.held_until:
        # In the site's zone and naming it, as the payment page does (ADR 0004; issue 12).
        held = _("Held for payment until %(t)s.") % {"t": site_moment_text(need.held_until)}
    status = NeedStatus.POSTED if need.status == NeedStatus.MATCHED else need.status
    reached = order.index(status) if status in order else -1
    entry = funding_entries(needs=[need]).get(need.pk)
    rules = {
        NeedStatus.POSTED: _("Vetted by a verifier who did not post it."),
        NeedStatus.MATCHED: _(
            "A donor claimed it and paid; an unpaid claim is back on the board after %(m)d minutes."
        )
        % {"m": _hold_minutes()},
        NeedStatus.FUNDED: _("The donor's gift reached escrow."),
        NeedStatus.DELIVERED: _("The partner or the field officer confirmed the delivery."),
        NeedStatus.VERIFIED: _("A verifier who did not report the delivery checked its evidence."),
    }
    dates = {
        NeedStatus.POSTED: need.vetted_at,
        NeedStatus.MATCHED: need.matched_at if reached >= 1 else None,
        NeedStatus.FUNDED: need.funded_at,
        NeedStatus.DELIVERED: need.delivered_at,
        NeedStatus.VERIFIED: need.verified_at,
    }
    stages = [
        NeedStage(
            status=stage.value,
            label=str(stage.label),
            reached=i <= reached,
            at=dates[stage] if i <= reached else None,
            rule=str(rules[stage]),
            ledger_entry=entry if stage == NeedStatus.FUNDED else None,
            note=held if stage == NeedStatus.MATCHED else "",
        )
        for i, stage in enumerate(order)
    ]
    if need.partner_id is not None:
        stages.append(_paid_stage(need=need))
    return stages


def _paid_stage(*, need: Need) -> NeedStage:
    """After verification, a need with a partner is paid to it by a release (ADR 0307): released
    from escrow after public notice, approved by a finance officer who did not verify it, paid."""
    release = Release.objects.filter(milestone__need=need).first()
    paid = release is not None and release.status == ReleaseStatus.PAID
    note = ""
    if release is not None and not paid:
        note = str(release.get_status_display())
    payout = LedgerEntry.objects.filter(key=f"release:{release.pk}:paid").first() if paid else None
    return NeedStage(
        status="paid",
        label=_("Paid to the partner"),
        reached=paid,
        at=release.paid_at if paid else None,
        rule=_(
            "Released from escrow after public notice, approved by a finance officer who did not "
            "verify the delivery, and paid to the partner."
        ),
        note=note,
        payout_entry=payout,
    )


def _hold_minutes() -> int:
    return settings.NEEDS_HOLD_MINUTES
