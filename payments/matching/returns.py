"""A closed pool's leftover returned to its matcher (ADR 0238).

Rules:

- **What is returned**: the pool account's balance, i.e. money paid in (``pledge.*``) that no gift
  kept (matched less given back, ``match.*``) and not returned yet (``pool_return.*``). Read from
  the kept ledger balance under the pool's row lock.
- **When**: once no gift can be matched from the pool any more: the pool is closed, or its
  window ended more than ``SWEEP_AFTER_WINDOW`` ago (the matching sweep's grace for late
  captures, ``payments.matching.services``). Before that it is refused with the moment it
  becomes possible. Confirming the return of a pool still open closes it, in the same
  transaction, so no late match can spend what is being returned.
- **Four eyes**, as for all money leaving (releases, ADR 0301; pay-ins, ADR 0227): one finance
  officer records the return (the amount is fixed then), another confirms it; one return per
  pool awaits confirmation at a time (DB constraint).
- **Once**: confirming posts ``pool_return.to_matcher`` (the pool's account → ``matcher_returned``,
  external, like refunds to donors) under the key ``pool:<pool>:returned:<return id>``; confirming
  twice posts nothing more, and the pool account may never go below zero (ledger check). A match
  given back after the return (a later refund of a matched gift) brings money into the pool
  again: it is returned by a further return, never by posting the first one again.
"""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from campaigns.roles import FINANCE_OFFICERS, Actor, in_role
from campaigns.services import audit
from payments.ledger.models import AccountKind
from payments.ledger.services import InsufficientFunds, Leg, account_for, balance_of, entry_post
from payments.matching.models import MatchPool, PoolReturn, PoolStatus, ReturnStatus
from payments.matching.services import SWEEP_AFTER_WINDOW, pool_account
from payments.matching.states import pool_return_transition, pool_transition

RETURN_KIND = "pool_return.to_matcher"


class ReturnNotAllowed(ValidationError):
    """A return that cannot be recorded, confirmed or rejected (the message says why)."""


def _finance_only(actor: Actor) -> None:
    if not in_role(actor, FINANCE_OFFICERS):
        raise PermissionDenied(_("Only a finance officer may return a pool's leftover to its matcher."))


def pool_returnable_from(pool: MatchPool) -> datetime | None:
    """The moment from which the pool's leftover may be returned: ``None`` if now (the pool is
    closed), else the end of its window plus the sweep's grace for late captures."""
    if pool.status == PoolStatus.CLOSED:
        return None
    return pool.ends_at + SWEEP_AFTER_WINDOW


def _refuse_while_matching(pool: MatchPool) -> None:
    when = pool_returnable_from(pool)
    if when is not None and timezone.now() < when:
        raise ReturnNotAllowed(
            _(
                "Gifts in this pool's window may still be matched until %(when)s: return the leftover "
                "after that, or close the pool first."
            )
            % {"when": formats.date_format(timezone.localtime(when), "DATETIME_FORMAT")}
        )


def pool_return_record(*, pool: MatchPool, actor: Actor, reference: str = "") -> PoolReturn:
    """Record the return of what the pool holds now to its matcher (nothing is posted: a second
    finance officer confirms). Raises ``PermissionDenied`` (not finance), ``ReturnNotAllowed``
    (gifts may still be matched, a return already awaits confirmation, or nothing is left)."""
    _finance_only(actor)
    try:
        with transaction.atomic():
            pool = MatchPool.objects.select_for_update().get(pk=pool.pk)
            _refuse_while_matching(pool)
            if PoolReturn.objects.filter(pool=pool, status=ReturnStatus.RECORDED).exists():
                raise ReturnNotAllowed(_("A return of this pool's leftover already awaits confirmation."))
            left = balance_of(pool_account(pool))
            if left.amount <= 0:
                raise ReturnNotAllowed(_("Nothing is left in this pool to return."))
            made = PoolReturn.objects.create(pool=pool, amount_minor=left.to_minor(), currency=pool.currency,
                                             reference=reference.strip()[:120], recorded_by=actor)  # fmt: skip
            audit(actor=actor, action="pool_return.recorded", subject=made,
                  data={"pool": pool.pk, "amount_minor": made.amount_minor})  # fmt: skip
    except IntegrityError as exc:  # recorded at the same moment by someone else
        raise ReturnNotAllowed(_("A return of this pool's leftover already awaits confirmation.")) from exc
    return made


def pool_return_confirm(*, pool_return: PoolReturn, actor: Actor) -> PoolReturn:
    """A second finance officer confirms: the pool is closed if it was still open, and
    ``pool_return.to_matcher`` moves the recorded amount from the pool's account to
    ``matcher_returned`` (key ``pool:<pool>:returned:<id>``). Confirming twice changes nothing.
    Raises ``PermissionDenied`` (not finance, or its recorder), ``ReturnNotAllowed`` (gifts may
    still be matched, or the pool no longer holds the amount), ``TransitionNotAllowed``."""
    _finance_only(actor)
    with transaction.atomic():
        pool = MatchPool.objects.select_for_update().get(pk=pool_return.pool_id)
        pool_return = PoolReturn.objects.select_for_update().get(pk=pool_return.pk)
        if pool_return.status == ReturnStatus.CONFIRMED:
            return pool_return
        if pool_return.recorded_by_id == actor.pk:
            raise PermissionDenied(_("Another finance officer must confirm a return you recorded."))
        if pool_return.status != ReturnStatus.RECORDED:
            pool_return_transition(pool_return, ReturnStatus.CONFIRMED, actor=actor)  # raises
        _refuse_while_matching(pool)
        if pool.status == PoolStatus.OPEN:
            pool_transition(pool, PoolStatus.CLOSED, actor=actor, reason="leftover returned to the matcher")
        money = pool_return.amount
        try:
            with transaction.atomic():
                entry_post(key=pool_return.entry_key, kind=RETURN_KIND,
                           legs=[Leg(pool_account(pool), -money),
                                 Leg(account_for(kind=AccountKind.MATCHER_RETURNED, currency=money.currency), money)],
                           memo=f"leftover of pool {pool.pk} returned to matcher {pool.matcher_id}")  # fmt: skip
        except InsufficientFunds as exc:
            raise ReturnNotAllowed(
                _("The pool holds only %(left)s now: reject this return and record it again.")
                % {"left": exc.balance}
            ) from exc
        pool_return.decided_by, pool_return.decided_at = actor, timezone.now()
        pool_return_transition(pool_return, ReturnStatus.CONFIRMED, actor=actor,
                               fields=("decided_by", "decided_at"))  # fmt: skip
    return pool_return


def pool_return_reject(*, pool_return: PoolReturn, actor: Actor, reason: str) -> PoolReturn:
    """A second finance officer rejects a recorded return; nothing is posted. Raises
    ``PermissionDenied``, ``ReturnNotAllowed`` (no reason), ``TransitionNotAllowed``."""
    _finance_only(actor)
    if not reason.strip():
        raise ReturnNotAllowed(_("Say why the return is rejected."))
    with transaction.atomic():
        pool_return = PoolReturn.objects.select_for_update().get(pk=pool_return.pk)
        if pool_return.recorded_by_id == actor.pk and pool_return.status == ReturnStatus.RECORDED:
            raise PermissionDenied(_("Another finance officer must decide on a return you recorded."))
        pool_return.decided_by, pool_return.decided_at = actor, timezone.now()
        pool_return_transition(pool_return, ReturnStatus.REJECTED, actor=actor, reason=reason.strip(),
                               fields=("decided_by", "decided_at"))  # fmt: skip
    return pool_return
