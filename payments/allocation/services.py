"""Per-donation accounting of cents, in the words of ``docs/glossary.md``:
captured + to_recover = held + approved_unpaid + paid + refunded + disputed + lost_to_disputes
(``to_recover`` is zero unless the provider refunded cents already released to a partner).

Released cents (approved, then paid) are the ``Allocation`` rows written when a release is
approved; they are paid once the release's payout entry (``release:<id>:paid``) is in the ledger.
Refunded cents are the donation's ``refunded_minor`` (refunds are per donation); disputed cents
are its open disputes, lost ones are lost to disputes. Held is what remains.
``allocate_release`` chooses which donations a release consumes:
gifts earmarked for the milestone's beneficiary first, then unearmarked gifts first in, first out,
then matched cents from matching pools (``MatchAllocation``, ADR 0227).
Gifts earmarked for another beneficiary are never used for someone else.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db.models import (
    BigIntegerField,
    BooleanField,
    CharField,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Cast, Coalesce, Concat
from django.utils.translation import gettext as _

from campaigns.models import Campaign
from campaigns.money import Money
from payments.allocation.models import Allocation, AllocationCursor
from payments.donations.models import CAPTURED_STATES, Donation, DonationStatus
from payments.ledger.models import LedgerEntry

if TYPE_CHECKING:
    from payments.releases.models import Release


class NotEnoughHeld(ValidationError):
    """The campaign's gifts that may pay this beneficiary hold less than the release."""


@dataclass(frozen=True)
class Breakdown:
    """One gift's cents by state; the names and definitions are those of the campaign figures."""

    captured: Money
    held: Money
    approved_unpaid: Money
    paid: Money
    refunded: Money
    disputed: Money  # open disputes
    lost_to_disputes: Money
    # Refunded at the provider after its cents were released: the platform fronted it (ADR 0208).
    to_recover: Money

    @property
    def released(self) -> Money:
        """Left escrow for partners (approved, paid or not): what allocation may not spend again."""
        return self.approved_unpaid + self.paid

    @property
    def counted(self) -> Money:
        """What of this gift still counts towards the campaign's goal."""
        return self.captured - self.refunded - self.disputed - self.lost_to_disputes


def _sum_of(model, field: str = "donation", *conditions, **filters) -> Subquery:
    rows = model.objects.filter(*conditions, **{field: OuterRef("pk")}, **filters).order_by().values(field)
    return Coalesce(Subquery(rows.annotate(t=Sum("amount_minor")).values("t")), Value(0),
                    output_field=BigIntegerField())  # fmt: skip


def _release_paid() -> Exists:
    """For an allocation row: its release's payout entry is in the ledger."""
    key = Concat(Value("release:"), Cast(OuterRef("release_id"), CharField()), Value(":paid"))
    return Exists(LedgerEntry.objects.filter(key=key))


def with_breakdown(donations: QuerySet[Donation]) -> QuerySet[Donation]:
    """Annotate ``released_minor``, ``paid_minor``, ``disputed_minor`` (open or lost) and
    ``lost_minor`` on each donation."""
    # Disputes build on this accounting (they may hold only a gift's unreleased cents), so the
    # model is looked up by name rather than imported: no cycle between the two subpackages.
    dispute = apps.get_model("payments", "Dispute")
    return donations.annotate(
        released_minor=_sum_of(Allocation),
        paid_minor=_sum_of(Allocation, "donation", _release_paid()),
        disputed_minor=_sum_of(dispute, status__in=dispute.HOLDING_STATUSES),
        lost_minor=_sum_of(dispute, status="lost"),
    )


def breakdown_of(donation: Donation) -> Breakdown:
    """The donation's cents by state (``held`` never below zero by construction of the services)."""
    row = with_breakdown(Donation.objects.filter(pk=donation.pk)).get()
    return breakdown_annotated(row)


def breakdown_annotated(row: Donation) -> Breakdown:
    """Breakdown of a donation annotated by ``with_breakdown``."""
    cur = row.currency
    captured = row.amount_minor if (row.captured_at is not None and row.status in CAPTURED_STATES) else 0
    refunded = row.refunded_minor if captured else 0
    released = row.released_minor
    paid = min(row.paid_minor, released)
    # A dispute freezes its whole amount (what the donor has not had back): the held cents from
    # escrow, the released ones fronted by the platform (``to_recover``; payments.disputes.services).
    holding = max(0, min(row.disputed_minor, captured - refunded)) if captured else 0
    lost = min(row.lost_minor, holding)
    m = lambda minor: Money.from_minor(int(minor), cur)  # noqa: E731
    return Breakdown(
        captured=m(captured),
        held=m(max(0, captured - refunded - holding - released)),
        approved_unpaid=m(released - paid),
        paid=m(paid),
        refunded=m(refunded),
        disputed=m(holding - lost),
        lost_to_disputes=m(lost),
        to_recover=m(max(0, refunded + holding + released - captured)),
    )


def campaign_gifts(campaign: Campaign) -> QuerySet[Donation]:
    """Captured gifts whose money sits in ``campaign``'s escrow (including gifts moved into it)."""
    here = Q(campaign=campaign) & ~Q(status=DonationStatus.MOVED)
    moved_in = Q(moved_to=campaign, status=DonationStatus.MOVED)
    return Donation.objects.filter(here | moved_in, captured_at__isnull=False, status__in=CAPTURED_STATES)


# A gift's ``captured_at`` is stamped inside the capture's transaction, a few milliseconds before
# it commits; a capture that committed after a release read the campaign can therefore sort before
# that release's cursor. ``allocate_release`` rereads this much before the cursor (ADR 0213).
LATE_CAPTURE_MARGIN = timedelta(minutes=5)
ALLOCATION_BATCH = 200


def _fifo(gift: Donation) -> tuple:
    return (gift.captured_at, gift.pk)


def _regainable_ids(campaign: Campaign) -> set[int]:
    """Gifts whose held cents can come back after they held none: one with a refund (a refund
    the provider refused is taken back), one with a dispute (a won dispute frees its cents), and
    gifts moved in from another campaign. Read through those tables: as many as there are
    refunds, disputes and moves, not gifts."""
    refund = apps.get_model("payments", "Refund")
    dispute = apps.get_model("payments", "Dispute")
    ids = set(refund.objects.filter(donation__campaign=campaign).values_list("donation_id", flat=True))
    ids |= set(dispute.objects.filter(donation__campaign=campaign).values_list("donation_id", flat=True))
    ids |= set(
        Donation.objects.filter(moved_to=campaign, status=DonationStatus.MOVED).values_list("pk", flat=True)
    )
    return ids


def _unearmarked_after(campaign: Campaign, *, after: tuple | None, limit: int) -> list[tuple]:
    """Keys (captured_at, id) of the next ``limit`` unearmarked gifts captured into ``campaign``
    (not moved out), first in first, strictly after the key ``after``: an index range scan."""
    rows = Donation.objects.filter(
        campaign=campaign,
        captured_at__isnull=False,
        status__in=[s for s in CAPTURED_STATES if s != DonationStatus.MOVED],
        earmark_beneficiary_id__isnull=True,
    )
    if after is not None:
        after_key = RawSQL(
            '("payments_donation"."captured_at", "payments_donation"."id") > (%s, %s)',
            after,
            output_field=BooleanField(),
        )
        rows = rows.filter(after_key)
    return list(rows.order_by("captured_at", "pk").values_list("captured_at", "pk")[:limit])


def _locked_breakdowns(campaign: Campaign, ids: list[int]) -> list[Donation]:
    """Lock the gifts (id order), then read their breakdown in a statement that sees every
    change committed before the locks were granted; first in, first out."""
    gifts = campaign_gifts(campaign).filter(pk__in=ids)
    list(gifts.select_for_update().order_by("pk").values_list("pk"))
    return sorted(with_breakdown(gifts), key=_fifo)


def allocate_release(
    *, release: Release, beneficiary_id: int, first_gift_id: int | None = None
) -> list[Allocation]:
    """Write the allocation rows for an approved release. Call inside the approving transaction.

    Gifts earmarked for the beneficiary first (``first_gift_id``, the gift that funded a need
    this release pays for, before the others: ADR 0307), then unearmarked gifts first in, first out: the
    same rows as reading every gift of the campaign, at a cost that does not grow with them
    (ADR 0213). The unearmarked gifts are read from the campaign's ``AllocationCursor`` (less
    ``LATE_CAPTURE_MARGIN``) in batches, with the gifts whose held cents can come back; each
    gift is locked before its held cents are read, so a refund or a second approval cannot
    spend the same cents; the cursor row's lock serialises approvals of one campaign.
    Raises ``NotEnoughHeld`` (nothing written) if the eligible gifts hold less than the release.
    """
    campaign = release.campaign
    cursor, _created = AllocationCursor.objects.select_for_update().get_or_create(campaign=campaign)
    wanted = release.amount_minor
    rows: list[Allocation] = []

    def take(gifts: list[Donation]) -> Donation | None:
        """Allocate from ``gifts`` in order; the gift that completed the release, if one did."""
        nonlocal wanted
        for gift in gifts:
            held = breakdown_annotated(gift).held.to_minor()
            if held <= 0:
                continue
            amount = min(held, wanted)
            rows.append(
                Allocation(donation=gift, release=release, amount_minor=amount, currency=release.currency)
            )
            wanted -= amount
            if wanted == 0:
                return gift
        return None

    earmarked = list(
        campaign_gifts(campaign)
        .filter(earmark_beneficiary_id=beneficiary_id)
        .order_by("captured_at", "pk")
        .values_list("pk", flat=True)
    )
    ordered = lambda gifts: sorted(gifts, key=lambda g: (g.pk != first_gift_id, _fifo(g)))  # noqa: E731
    if not (earmarked and take(ordered(_locked_breakdowns(campaign, earmarked)))):
        regainable = _regainable_ids(campaign)
        # Gifts that may hold cents again, wherever they sort; the rest from the cursor on.
        extra = [
            g for g in _locked_breakdowns(campaign, sorted(regainable)) if g.earmark_beneficiary_id is None
        ]
        after = None
        if cursor.captured_at is not None:
            after = (cursor.captured_at - LATE_CAPTURE_MARGIN, 0)
        last_read = None
        while True:
            keys = _unearmarked_after(campaign, after=after, limit=ALLOCATION_BATCH)
            ids = [pk for _at, pk in keys if pk not in regainable]
            batch = _locked_breakdowns(campaign, ids) if ids else []
            last_batch = len(keys) < ALLOCATION_BATCH
            now = [g for g in extra if last_batch or _fifo(g) <= keys[-1]]
            extra = [g for g in extra if g not in now]
            group = sorted(batch + now, key=_fifo)
            stop = take(group)
            read = [g for g in group if g.pk not in regainable and (stop is None or _fifo(g) <= _fifo(stop))]
            if read:
                last_read = read[-1]
            if stop is not None or last_batch:
                break
            after = keys[-1]
        if last_read is not None:
            cursor.captured_at, cursor.donation_id = last_read.captured_at, last_read.pk
            cursor.save(update_fields=["captured_at", "donation_id"])
    if wanted:
        wanted = _take_matches(
            campaign=campaign, release=release, beneficiary_id=beneficiary_id, wanted=wanted
        )
    if wanted:
        raise NotEnoughHeld(
            _("Gifts that may pay this beneficiary hold %(short)s less than the release.")
            % {"short": Money.from_minor(wanted, release.currency)}
        )
    return Allocation.objects.bulk_create(rows)


def _take_matches(*, campaign: Campaign, release: Release, beneficiary_id: int, wanted: int) -> int:
    """After the gifts' own cents, matched cents (ADR 0227): matches that still hold cents, oldest
    first, of gifts not earmarked for someone else (a match follows its gift's earmark). Each match
    row is locked before its held cents are read; its ``released_minor`` is written with the
    ``MatchAllocation`` row, so a refund's give-back never takes released cents. Returns what is
    still wanted. Reads only matches that hold cents (partial index), in batches."""
    # Matching builds on gifts and disputes, which build on this accounting: looked up by name.
    pool_match = apps.get_model("payments", "PoolMatch")
    match_allocation = apps.get_model("payments", "MatchAllocation")
    holding = pool_match.objects.filter(
        campaign=campaign, amount_minor__gt=F("reduced_minor") + F("released_minor")
    ).filter(
        Q(donation__earmark_beneficiary_id__isnull=True) | Q(donation__earmark_beneficiary_id=beneficiary_id)
    )
    after = 0
    while wanted:
        batch = list(
            holding.filter(pk__gt=after).select_for_update(of=("self",)).order_by("pk")[:ALLOCATION_BATCH]
        )
        if not batch:
            break
        for match in batch:
            take = min(match.held_minor, wanted)
            if take <= 0:
                continue
            match_allocation.objects.create(
                match=match, release=release, amount_minor=take, currency=release.currency
            )
            match.released_minor += take
            match.save(update_fields=["released_minor"])
            wanted -= take
            if not wanted:
                break
        after = batch[-1].pk
    return wanted


def donation_unreleased(*, donation: Donation) -> Money:
    """What a refund of this gift may still take: its held cents (not released or disputed)."""
    return breakdown_of(donation).held
