"""Matching pools: pledges paid in (four eyes), each eligible gift matched once, matches given back.

Rules (ADR 0227):

- **Only money paid in is matched.** A pool's pledge (``cap``) is a promise; a finance officer
  records each pay-in and another confirms it (``pool_pay_in_confirm``), which posts
  ``pledge.paid_in`` (matcher funds → the pool's account). A match spends from that account, which
  may never go below zero, so a gift that arrives while the pledge is unpaid is matched only up to
  what is there (possibly nothing). Donors are never shown money that does not exist.
- **A gift is matched once per pool**: by ``gift_matches_follow``, run in a Celery task after the
  capture commits (``payments.matching.receivers``), keyed ``match:<pool>:<gift>`` in the ledger
  and unique on (pool, gift) in ``PoolMatch``. Eligible: the gift was captured in the pool's window
  (checked at the capture's moment, ``captured_at``), to one of its campaigns, in its currency,
  while the pool is open. Amount: ``ratio`` × the gift, at most the donor's remaining per-donor cap
  and what the pool holds. The pool row is locked while deciding, so concurrent gifts never
  overspend it or a donor's cap; the ledger's non-negative check is the second line.
- **A refund or lost dispute gives back** the same share of the match as the gift lost
  (``match.reduced``, escrow → the pool, keyed by what is left, so each step posts once). Open
  disputes do not (a won dispute returns the gift's money); a refund the provider later refuses
  does not bring the match back. A gift moved to a sibling campaign (all-or-nothing) gives its
  match back in full: the match was for the campaign the donor chose.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from decimal import ROUND_DOWN, Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from campaigns.money import Money
from campaigns.roles import FINANCE_OFFICERS, Actor, in_role
from campaigns.services import audit
from payments.disputes.models import Dispute
from payments.donations.models import CAPTURED_STATES, Donation, DonationStatus
from payments.ledger.models import AccountKind, LedgerAccount
from payments.ledger.services import Leg, account_for, balance_of, entry_post, escrow_account
from payments.matching.models import MatchPool, PayInMethod, PayInStatus, PoolMatch, PoolPayIn, PoolStatus
from payments.matching.states import pay_in_transition, pool_transition

log = logging.getLogger(__name__)


class PayInNotAllowed(ValidationError):
    """A pay-in that cannot be recorded, confirmed or rejected (the message says why)."""


def pool_account(pool: MatchPool) -> LedgerAccount:
    """The pool's ledger account (paid in, less matched, plus given back), created on first use."""
    account, _created = LedgerAccount.objects.get_or_create(
        code=pool.account_code, defaults={"kind": AccountKind.MATCH_POOL, "currency": pool.currency}
    )
    return account


def _finance_only(actor: Actor) -> None:
    if not in_role(actor, FINANCE_OFFICERS):
        raise PermissionDenied(_("Only a finance officer may record or confirm a matcher's payment."))


def pool_pay_in_record(
    *, pool: MatchPool, amount: Money, method: str, reference: str, actor: Actor, note: str = ""
) -> PoolPayIn:
    """Record a payment a matcher made towards ``pool`` (not yet in the ledger: a second finance
    officer confirms it). Raises ``PermissionDenied`` (not finance), ``PayInNotAllowed`` (amount
    not positive or in another currency, no reference, the reference already recorded, or more
    than the pledge left unpaid, counting pay-ins awaiting confirmation)."""
    _finance_only(actor)
    reference = reference.strip()
    if amount.currency != pool.currency or amount.amount <= 0:
        raise PayInNotAllowed(_("The payment must be a positive amount in the pool's currency."))
    if not reference:
        raise PayInNotAllowed(_("Give the bank reference, payment id or receipt number."))
    if method not in PayInMethod.values:
        raise PayInNotAllowed(_("Say how the matcher paid."))
    with transaction.atomic():
        pool = MatchPool.objects.select_for_update().get(pk=pool.pk)
        if PoolPayIn.objects.filter(method=method, reference=reference).exists():
            raise PayInNotAllowed(_("This payment has already been recorded."))
        promised = PoolPayIn.objects.filter(pool=pool).exclude(status=PayInStatus.REJECTED)
        so_far = promised.aggregate(t=Sum("amount_minor"))["t"] or 0
        left = pool.cap_minor - so_far
        if amount.to_minor() > left:
            raise PayInNotAllowed(
                _("Only %(left)s of the pledge is still unpaid.")
                % {"left": Money.from_minor(max(0, left), pool.currency)}
            )
        pay_in = PoolPayIn.objects.create(pool=pool, amount_minor=amount.to_minor(), currency=amount.currency,
                                          method=method, reference=reference, recorded_by=actor, note=note[:300])  # fmt: skip
        audit(actor=actor, action="pool_pay_in.recorded", subject=pay_in,
              data={"pool": pool.pk, "amount_minor": pay_in.amount_minor, "method": method})  # fmt: skip
    return pay_in


def pool_pay_in_confirm(*, pay_in: PoolPayIn, actor: Actor) -> PoolPayIn:
    """A second finance officer confirms a recorded pay-in: ``pledge.paid_in`` (matcher funds →
    the pool, key ``pledge:<id>:paid_in``) is posted and the money can match gifts. Confirming
    twice changes nothing. Raises ``PermissionDenied`` (not finance, or the officer who recorded
    it), ``PayInNotAllowed`` (a card pay-in the matcher has not paid yet, ``payments.matching.card``),
    ``TransitionNotAllowed`` (already rejected)."""
    _finance_only(actor)
    with transaction.atomic():
        pay_in = PoolPayIn.objects.select_for_update().select_related("pool").get(pk=pay_in.pk)
        if pay_in.status == PayInStatus.CONFIRMED:
            return pay_in
        if pay_in.recorded_by_id == actor.pk:
            raise PermissionDenied(_("Another finance officer must confirm a payment you recorded."))
        if pay_in.status == PayInStatus.RECORDED and pay_in.is_card_checkout and pay_in.card_paid_at is None:
            # Paid on the matcher's card page: only once the provider said so (ADR 0238).
            raise PayInNotAllowed(_("The matcher has not paid this by card yet."))
        pay_in.decided_by, pay_in.decided_at = actor, timezone.now()
        pay_in_transition(pay_in, PayInStatus.CONFIRMED, actor=actor, fields=("decided_by", "decided_at"))
        funds = account_for(kind=AccountKind.MATCHER_FUNDS, currency=pay_in.currency)
        entry_post(key=pay_in.entry_key, kind="pledge.paid_in",
                   legs=[Leg(funds, -pay_in.amount), Leg(pool_account(pay_in.pool), pay_in.amount)],
                   memo=f"pledge pay-in {pay_in.reference} for pool {pay_in.pool_id}")  # fmt: skip
    return pay_in


def pool_pay_in_reject(*, pay_in: PoolPayIn, actor: Actor, reason: str) -> PoolPayIn:
    """A second finance officer rejects a recorded pay-in (the money did not arrive); nothing is
    posted. Raises ``PermissionDenied``, ``PayInNotAllowed`` (no reason), ``TransitionNotAllowed``."""
    _finance_only(actor)
    if not reason.strip():
        raise PayInNotAllowed(_("Say why the payment is rejected."))
    with transaction.atomic():
        pay_in = PoolPayIn.objects.select_for_update().get(pk=pay_in.pk)
        if pay_in.recorded_by_id == actor.pk and pay_in.status == PayInStatus.RECORDED:
            raise PermissionDenied(_("Another finance officer must decide on a payment you recorded."))
        pay_in.decided_by, pay_in.decided_at = actor, timezone.now()
        pay_in_transition(pay_in, PayInStatus.REJECTED, actor=actor, reason=reason.strip(),
                          fields=("decided_by", "decided_at"))  # fmt: skip
    return pay_in


def pool_close(*, pool: MatchPool, actor: Actor, reason: str) -> MatchPool:
    """Close a pool early: no gift is matched by it from now on. Raises ``PermissionDenied``,
    ``TransitionNotAllowed``."""
    _finance_only(actor)
    with transaction.atomic():
        pool = MatchPool.objects.select_for_update().get(pk=pool.pk)
        pool_transition(pool, PoolStatus.CLOSED, actor=actor, reason=reason)
    return pool


def _still_counts_minor(donation: Donation) -> int:
    """The gift's amount less refunds (net of failed ones) and lost disputes, in minor units; zero
    for a gift moved to another campaign (its match stays behind, so it goes back to the pool)."""
    if donation.status == DonationStatus.MOVED:
        return 0
    lost = Dispute.objects.filter(donation=donation, status__in=Dispute.LOST_STATUSES).aggregate(
        t=Sum("amount_minor")
    )["t"]
    return max(0, donation.amount_minor - donation.refunded_minor - int(lost or 0))


def eligible_pools(donation: Donation) -> list[MatchPool]:
    """Open pools of the gift's campaign and currency whose window holds its capture moment."""
    if donation.captured_at is None:
        return []
    return list(
        MatchPool.objects.filter(campaigns=donation.campaign_id, currency=donation.currency, status=PoolStatus.OPEN,
                                 starts_at__lte=donation.captured_at, ends_at__gt=donation.captured_at)
        .order_by("pk")
    )  # fmt: skip


def gift_matches_follow(*, donation_id: int) -> list[PoolMatch]:
    """Match a captured gift by every eligible pool that has not matched it yet, and give back
    the share of each match the gift has lost to refunds and lost disputes. Idempotent: run it
    any number of times, in any order with refunds; returns the gift's matches. Raises nothing
    for a gift that is not captured (nothing to do)."""
    with transaction.atomic():
        donation = Donation.objects.select_for_update(of=("self",)).get(pk=donation_id)
        matches = {m.pool_id: m for m in PoolMatch.objects.select_for_update().filter(donation=donation)}
        if donation.captured_at is None or donation.status not in CAPTURED_STATES:
            return list(matches.values())
        counts = _still_counts_minor(donation)
        for match in matches.values():
            _give_back(match=match, donation=donation, counts_minor=counts)
        if counts == donation.amount_minor:  # a gift that has lost money is not matched any more
            for pool in eligible_pools(donation):
                if pool.pk not in matches:
                    made = _match(pool=pool, donation=donation)
                    if made is not None:
                        matches[pool.pk] = made
    return list(matches.values())


def _match(*, pool: MatchPool, donation: Donation) -> PoolMatch | None:
    # The pool row lock serialises the matches of one pool: the donor's cap and the pool's
    # balance read after it are exact (every other spender of this pool waits on it).
    pool = MatchPool.objects.select_for_update().get(pk=pool.pk)
    if pool.status != PoolStatus.OPEN:
        return None
    wanted = int((Decimal(donation.amount_minor) * pool.ratio).to_integral_value(rounding=ROUND_DOWN))
    if pool.per_donor_cap_minor is not None:
        used = PoolMatch.objects.filter(pool=pool, donor_id=donation.donor_id).aggregate(
            t=Sum(F("amount_minor") - F("reduced_minor"))
        )["t"]
        wanted = min(wanted, pool.per_donor_cap_minor - int(used or 0))
    account = pool_account(pool)
    amount = min(wanted, balance_of(account).to_minor())
    if amount <= 0:
        return None
    money = Money.from_minor(amount, pool.currency)
    match = PoolMatch(pool=pool, donation=donation, donor_id=donation.donor_id, campaign_id=donation.campaign_id,
                      amount_minor=amount, currency=pool.currency)  # fmt: skip
    entry_post(key=match.entry_key, kind="match.gift",
               legs=[Leg(account, -money), Leg(escrow_account(donation.campaign), money)],
               memo=f"match of gift {donation.public_id} by pool {pool.pk}")  # fmt: skip
    match.save()
    audit(actor=None, action="match.made", subject=match,
          data={"pool": pool.pk, "donation": donation.pk, "amount_minor": amount})  # fmt: skip
    return match


def _give_back(*, match: PoolMatch, donation: Donation, counts_minor: int) -> None:
    """Reduce ``match`` to the share of it the gift still earns: amount × what still counts ÷ gift."""
    keep = match.amount_minor * counts_minor // donation.amount_minor
    # Cents a release already took paid for an outcome: only what the match still holds goes back.
    back = min(match.amount_minor - match.reduced_minor - keep, match.held_minor)
    if back <= 0:
        return
    keep = match.amount_minor - match.reduced_minor - back
    money = Money.from_minor(back, match.currency)
    entry_post(key=f"{match.entry_key}:down-to:{keep}", kind="match.reduced",
               legs=[Leg(escrow_account(donation.campaign), -money), Leg(pool_account(match.pool), money)],
               memo=f"match of gift {donation.public_id} given back to pool {match.pool_id}")  # fmt: skip
    match.reduced_minor += back
    match.save(update_fields=["reduced_minor"])
    audit(actor=None, action="match.reduced", subject=match,
          data={"pool": match.pool_id, "donation": donation.pk, "back_minor": back, "kept_minor": keep})  # fmt: skip


# How long after a pool's window closes the sweep still looks at its gifts (late captures,
# refunds and disputes of matched gifts still give back after that: their events queue the task).
SWEEP_AFTER_WINDOW = timedelta(days=2)


def matches_sweep() -> int:
    """Run ``gift_matches_follow`` for gifts whose queued task was lost (broker down): gifts captured
    in the window of a pool that still holds money and did not match them, and matched gifts that
    lost money and have not given back yet. Its cost grows with those gifts only. Returns how
    many gifts it followed."""
    now = timezone.now()
    pools = MatchPool.objects.filter(
        status=PoolStatus.OPEN, starts_at__lte=now, ends_at__gt=now - SWEEP_AFTER_WINDOW
    )
    due: set[int] = set()
    for pool in pools:
        if balance_of(pool_account(pool)).amount > 0:
            unmatched = (
                Donation.objects.filter(campaign__in=pool.campaigns.all(), currency=pool.currency,
                                        status=DonationStatus.SUCCEEDED, refunded_minor=0,
                                        captured_at__gte=pool.starts_at, captured_at__lt=pool.ends_at)
                .exclude(matches__pool=pool)
                .values_list("pk", flat=True)
            )  # fmt: skip
            due.update(unmatched)
    lost_money = Q(donation__refunded_minor__gt=0) | Q(
        donation__status__in=(DonationStatus.CHARGED_BACK, DonationStatus.MOVED)
    )
    due.update(
        PoolMatch.objects.filter(lost_money, reduced_minor__lt=F("amount_minor")).values_list(
            "donation_id", flat=True
        )
    )
    for donation_id in sorted(due):
        gift_matches_follow(donation_id=donation_id)
    return len(due)
