"""Offline refunds: money of a confirmed offline gift paid back outside the payment provider.

Rules (ADR 0237, amending ADR 0230's "not offered"):

- **Four eyes, like the gift.** ``offline_refund_record`` (a finance officer: the money was handed
  back in cash against a signed receipt, or transferred back) writes nothing to the ledger.
  ``offline_refund_confirm`` by another finance officer (never the recorder) posts it through
  ``payments.refunds.services.refund_reserve``, the posting every refund goes through (campaign
  escrow → refunds, under the key ``offline-refund:<id>``, kind ``refund.issued_offline``), and
  moves the ``Refund`` straight to ``succeeded``: there is no provider call, no outbox command,
  nothing is ever sent to Stripe. The succeeded refund is a credit note like a card refund's
  (``CN-<year>-<refund id>``, ``payments.refunds.credit_notes``) and sends ``refund_made``, which
  gives back the gift's match, if any (ADR 0227), and tells the donor.
- **Never more than is left.** Recording and confirming lock the gift's ``Donation`` row, the lock
  card refunds, disputes and matching take: what is recorded and not yet decided counts against
  what is left refundable when another is recorded, and each confirmation checks again what is
  left (refundable and still held, not released) at its own moment. Two confirmations at once
  queue on the lock, so together they never exceed the gift.
- **Once.** The key (gift, method, reference, NFKC-folded) refuses the same repayment typed twice
  while an entry under it is not rejected; confirming twice posts once (row lock, keyed entry).
"""

from __future__ import annotations

import hashlib

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from campaigns.money import Money
from campaigns.roles import FINANCE_OFFICERS, Actor, in_role
from campaigns.services import audit
from payments.donations.models import Donation
from payments.offline.models import (
    OfflineGift,
    OfflineGiftStatus,
    OfflineRefund,
    OfflineRefundMethod,
    OfflineRefundStatus,
)
from payments.offline.services import OfflineGiftRefused, normalise
from payments.offline.states import offline_refund_transition
from payments.refunds.models import RefundStatus
from payments.refunds.services import RefundNotAllowed, refund_reserve
from payments.refunds.states import refund_transition

R = OfflineRefundStatus
OFFLINE_REFUND_KIND = "refund.issued_offline"


class OfflineRefundRefused(OfflineGiftRefused):
    """An offline refund that cannot be recorded, confirmed or rejected (the message says why)."""


def offline_refund_key(*, gift: OfflineGift, method: str, reference: str) -> str:
    """``offline-refund:<gift>:<method>:<digest of the reference>`` (NFKC, case and spaces folded)."""
    digest = hashlib.sha256(normalise(reference).encode()).hexdigest()[:24]
    return f"offline-refund:{gift.pk}:{method}:{digest}"


def _finance_only(actor: Actor) -> None:
    if not in_role(actor, FINANCE_OFFICERS):
        raise PermissionDenied(_("Only a finance officer may record or confirm an offline refund."))


def _pending_minor(gift: OfflineGift) -> int:
    pending = OfflineRefund.objects.filter(gift=gift, status=R.RECORDED)
    return int(pending.aggregate(t=Sum("amount_minor"))["t"] or 0)


def offline_refund_record(
    *, gift: OfflineGift, amount: Money, method: str, reference: str, reason: str, actor: Actor
) -> OfflineRefund:
    """Record money of a confirmed offline gift paid back to its donor outside the provider (not yet
    in the ledger: a second finance officer confirms it). ``amount`` in the gift's currency.
    Raises ``PermissionDenied`` (not finance) and ``OfflineRefundRefused``: the gift not
    confirmed, no reason or reference, an amount not positive, in another currency or above what
    is left refundable once the refunds awaiting confirmation are counted, or the same repayment
    (gift, method, reference) already recorded."""
    _finance_only(actor)
    reference, reason = reference.strip(), reason.strip()
    if method not in OfflineRefundMethod.values:
        raise OfflineRefundRefused(_("Say how the money was paid back."))
    if not reference:
        raise OfflineRefundRefused(
            _("Give the number of the receipt the donor signed, or the bank reference.")
        )
    if not reason:
        raise OfflineRefundRefused(_("Say why the gift is refunded."))
    if gift.status != OfflineGiftStatus.CONFIRMED or gift.donation_id is None:
        raise OfflineRefundRefused(_("Only a confirmed offline gift can be refunded."))
    if amount.currency != gift.currency or amount.amount <= 0:
        raise OfflineRefundRefused(_("The refund must be a positive amount in the gift's currency."))
    key = offline_refund_key(gift=gift, method=method, reference=reference)
    duplicate = _("This repayment is already recorded: same gift, method and reference.")
    try:
        with transaction.atomic():
            donation = Donation.objects.select_for_update().get(pk=gift.donation_id)
            if OfflineRefund.objects.filter(key=key).exclude(status=R.REJECTED).exists():
                raise OfflineRefundRefused(duplicate)
            left = donation.refundable - Money.from_minor(_pending_minor(gift), gift.currency)
            if amount > left:
                raise OfflineRefundRefused(
                    _(
                        "At most %(left)s of this gift can still be refunded, counting refunds awaiting confirmation."
                    )
                    % {"left": max(left, Money.zero(gift.currency))}
                )
            refund = OfflineRefund.objects.create(
                key=key, gift=gift, amount_minor=amount.to_minor(), currency=amount.currency, method=method,
                reference=reference[:120], reason=reason[:300], recorded_by=actor,
            )  # fmt: skip
            audit(actor=actor, action="offline_refund.recorded", subject=refund, reason=reason,
                  data={"gift": gift.pk, "amount_minor": refund.amount_minor, "method": method})  # fmt: skip
    except IntegrityError as exc:  # the same repayment recorded at the same moment by someone else
        raise OfflineRefundRefused(duplicate) from exc
    return refund


def offline_refund_confirm(*, refund: OfflineRefund, actor: Actor) -> OfflineRefund:
    """A second finance officer confirms: a ``Refund`` (key ``offline-refund:<id>``) is posted by
    ``refund_reserve`` with kind ``refund.issued_offline`` (escrow → refunds) and succeeds at
    once (its credit note is numbered like a card refund's); ``refund_made`` follows after
    commit (the match is given back, the donor told). Confirming twice changes nothing. Raises
    ``PermissionDenied`` (not finance, or its recorder), ``OfflineRefundRefused`` (more than is
    left refundable or still held now), ``TransitionNotAllowed`` (already rejected)."""
    _finance_only(actor)
    with transaction.atomic():
        gift_donation = (
            OfflineRefund.objects.filter(pk=refund.pk).values_list("gift__donation_id", flat=True).get()
        )
        donation = Donation.objects.select_for_update().select_related("campaign").get(pk=gift_donation)
        refund = OfflineRefund.objects.select_for_update().get(pk=refund.pk)
        if refund.status == R.CONFIRMED:
            return refund
        if refund.recorded_by_id == actor.pk:
            raise PermissionDenied(_("Another finance officer must confirm a refund you recorded."))
        if refund.status != R.RECORDED:
            offline_refund_transition(refund, R.CONFIRMED, actor=actor)  # raises TransitionNotAllowed
        try:
            made = refund_reserve(donation=donation, amount=refund.amount, reason=refund.reason, actor=actor,
                                  key=f"offline-refund:{refund.pk}", kind=OFFLINE_REFUND_KIND)  # fmt: skip
        except RefundNotAllowed as exc:
            raise OfflineRefundRefused(exc.messages) from exc
        made.completed_at = timezone.now()
        refund_transition(made, RefundStatus.SUCCEEDED, actor=actor, fields=("completed_at",),
                          data={"offline_refund": refund.pk, "method": refund.method})  # fmt: skip
        refund.refund, refund.decided_by, refund.decided_at = made, actor, timezone.now()
        offline_refund_transition(
            refund, R.CONFIRMED, actor=actor, fields=("refund", "decided_by", "decided_at")
        )
    return refund


def offline_refund_reject(*, refund: OfflineRefund, actor: Actor, reason: str) -> OfflineRefund:
    """A second finance officer rejects a recorded refund (typed wrong, money not paid back):
    nothing is posted, ever, and its amount no longer counts against the gift. Raises
    ``PermissionDenied`` (not finance, or its recorder), ``OfflineRefundRefused`` (no reason),
    ``TransitionNotAllowed`` (already confirmed)."""
    _finance_only(actor)
    if not reason.strip():
        raise OfflineRefundRefused(_("Say why the refund is rejected."))
    with transaction.atomic():
        refund = OfflineRefund.objects.select_for_update().get(pk=refund.pk)
        if refund.recorded_by_id == actor.pk and refund.status == R.RECORDED:
            raise PermissionDenied(_("Another finance officer must decide on a refund you recorded."))
        refund.decided_by, refund.decided_at = actor, timezone.now()
        offline_refund_transition(
            refund, R.REJECTED, actor=actor, reason=reason.strip(), fields=("decided_by", "decided_at")
        )
    return refund
