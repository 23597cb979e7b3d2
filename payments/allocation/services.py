"""Per-donation accounting of cents, in the words of ``docs/glossary.md``:
captured + to_recover = held + approved_unpaid + paid + refunded + disputed + lost_to_disputes
(``to_recover`` is zero unless the provider refunded cents already released to a partner).

Released cents (approved, then paid) are the ``Allocation`` rows written when a release is
approved; they are paid once the release's payout entry (``release:<id>:paid``) is in the ledger.
Refunded cents are the donation's ``refunded_minor`` (refunds are per donation); disputed cents
are its open disputes, lost ones are lost to disputes. Held is what remains.
``allocate_release`` chooses which donations a release consumes:
gifts earmarked for the milestone's beneficiary first, then unearmarked gifts first in, first out.
Gifts earmarked for another beneficiary are never used for someone else.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db.models import BigIntegerField, CharField, Exists, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Cast, Coalesce, Concat
from django.utils.translation import gettext as _

from campaigns.models import Campaign
from campaigns.money import Money
from payments.allocation.models import Allocation
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


def allocate_release(*, release: Release, beneficiary_id: int) -> list[Allocation]:
    """Write the allocation rows for an approved release. Call inside the approving transaction.

    Locks the campaign's captured gifts (id order) so two approvals cannot spend the same cents.
    Raises ``NotEnoughHeld`` (nothing written) if the eligible gifts hold less than the release.
    """
    gifts = campaign_gifts(release.campaign)
    list(gifts.select_for_update().order_by("pk").values_list("pk"))
    eligible = with_breakdown(
        gifts.filter(Q(earmark_beneficiary_id__isnull=True) | Q(earmark_beneficiary_id=beneficiary_id))
    )
    ordered = sorted(
        eligible,
        key=lambda d: (d.earmark_beneficiary_id != beneficiary_id, d.captured_at, d.pk),
    )
    wanted = release.amount_minor
    rows: list[Allocation] = []
    for gift in ordered:
        if wanted == 0:
            break
        held = breakdown_annotated(gift).held.to_minor()
        if held <= 0:
            continue
        take = min(held, wanted)
        rows.append(Allocation(donation=gift, release=release, amount_minor=take, currency=release.currency))
        wanted -= take
    if wanted:
        raise NotEnoughHeld(
            _("Gifts that may pay this beneficiary hold %(short)s less than the release.")
            % {"short": Money.from_minor(wanted, release.currency)}
        )
    return Allocation.objects.bulk_create(rows)


def donation_unreleased(*, donation: Donation) -> Money:
    """What a refund of this gift may still take: its held cents (not released or disputed)."""
    return breakdown_of(donation).held
