"""Needs board services: proposed → (vetted) posted → matched (held) → funded → delivered → verified.

Rules (ADR 0307, ADR 0308):
- a field officer or a verifier proposes a need; a verifier who is not its poster vets it, and only
  then is it public (``need_vet``);
- a donor's claim holds the need for ``NEEDS_HOLD_MINUTES`` while they pay; one client holds at
  most ``NEEDS_HOLDS_PER_CLIENT`` needs at once; an unpaid hold lapses (checked when read and when
  claimed, and put back on the board by the beat task ``payments.needs_holds_release``);
- the captured gift funds it (``need_fund``, called by ``payments.needs``), which is its ledger link;
- delivery is confirmed by the need's partner, a field officer or a verifier; the delivery is then
  verified with evidence by a verifier who neither confirmed the delivery nor uploaded its evidence;
- a verified delivery with a partner is an outcome payable to it: its release is requested at
  once and follows every release rule (notice, objections, four eyes) (``need_verify``).
Every move is checked against ``NEED_STATES`` and audited.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from campaigns.models import (
    Beneficiary,
    BeneficiaryStatus,
    Milestone,
    MilestoneKind,
    MilestoneStatus,
    Need,
    NeedStatus,
    Partner,
)
from campaigns.money import Money
from campaigns.roles import Actor
from campaigns.services import audit
from campaigns.state_tables import table
from campaigns.verification.permissions import is_field_officer, is_verifier, partner_of, require_verifier
from campaigns.verification.signals import milestone_verified, outcome_verified

N = NeedStatus
NEED_STATES = table(
    gettext_lazy("need"),
    NeedStatus,
    {
        N.PROPOSED: {N.POSTED, N.REJECTED},
        N.REJECTED: set(),
        N.POSTED: {N.MATCHED},
        # A hold that lapses unpaid puts the need back on the board.
        N.MATCHED: {N.POSTED, N.FUNDED},
        # The funding gift was refunded, lost to a chargeback or moved: back on the board.
        N.FUNDED: {N.DELIVERED, N.POSTED},
        N.DELIVERED: {N.VERIFIED},
        N.VERIFIED: set(),
    },
)


class NeedNotOpen(ValidationError):
    """The need is not on the board for a donor to claim (held by someone else, funded, not vetted)."""


class TooManyHolds(ValidationError):
    """This client already holds as many needs as one client may."""


def _move(*, need: Need, actor: Actor, to: str, action: str, reason: str = "", **fields) -> Need:
    """Move a locked need to ``to`` (checked against ``NEED_STATES``), set ``fields``, audit."""
    NEED_STATES.check(current=need.status, to=to)
    need.status = to
    for name, value in fields.items():
        setattr(need, name, value)
    need.save()
    user = actor if actor is not None and actor.is_authenticated else None
    audit(actor=user, action=action, subject=need, reason=reason)
    return need


def _locked(need: Need) -> Need:
    return Need.objects.select_for_update().select_related("beneficiary").get(pk=need.pk)


def _check_one_gift_pays(*, campaign, cost: Money) -> None:
    """One donor's gift pays for a need, so its cost is within the campaign's bounds for one gift
    (``campaigns.gift_bounds``, the gift form's rule): else it could be claimed but never paid
    (review finding 12). Raises ``ValidationError``."""
    from campaigns.gift_bounds import gift_maximum

    if cost.currency != campaign.currency:
        raise ValidationError(
            _("A need costs an amount in %(c)s, its campaign's currency.") % {"c": campaign.currency}
        )
    if cost < campaign.min_donation:
        raise ValidationError(
            _("A need costs at least %(min)s, the smallest gift to this campaign.")
            % {"min": campaign.min_donation}
        )
    if cost > gift_maximum(campaign.currency):
        raise ValidationError(
            _("A need costs at most %(max)s, the largest single gift.")
            % {"max": gift_maximum(campaign.currency)}
        )


def need_post(
    *,
    actor: Actor,
    beneficiary: Beneficiary,
    title: str,
    kind: str,
    amount: Money,
    description: str = "",
    partner: Partner | None = None,
) -> Need:
    """A field officer or a verifier proposes a small need of a registered household's member.

    The beneficiary must be matched to the registry (a field officer's proposal) or verified, and
    the cost within the campaign's bounds for one gift. The need is not public until another
    verifier vets it (``need_vet``, which checks the bounds again). Raises ``PermissionDenied``
    or ``ValidationError``.
    """
    if not (is_verifier(actor) or is_field_officer(actor)):
        raise PermissionDenied(_("Only a field officer or a verifier may post a need."))
    if beneficiary.registry_person_id is None or beneficiary.status not in (
        BeneficiaryStatus.MATCHED,
        BeneficiaryStatus.VERIFIED,
    ):
        raise ValidationError(_("Find the household in the registry before posting its need."))
    if amount.amount <= 0:
        raise ValidationError(_("A need costs more than nothing."))
    _check_one_gift_pays(campaign=beneficiary.campaign, cost=amount)
    if not title.strip():
        raise ValidationError(_("Say what is needed."))
    household = beneficiary.registry_person.household
    with transaction.atomic():
        need = Need.objects.create(
            beneficiary=beneficiary,
            title=title.strip(),
            description=description.strip(),
            kind=kind,
            amount_minor=amount.to_minor(),
            currency=amount.currency,
            province=household.province,
            county=household.county,
            partner=partner,
            status=NeedStatus.PROPOSED,
            posted_by=actor,
        )
        audit(actor=actor, action="need.proposed", subject=need, data={"amount_minor": need.amount_minor})
    return need


def need_vet(*, actor: Actor, need: Need, note: str) -> Need:
    """A verifier who is not the poster publishes a proposed need, verifying its beneficiary first
    if the poster only matched them (``beneficiary_verify``: registry match, evidence, note).

    Raises ``PermissionDenied`` (not a verifier, or the poster) or ``ValidationError``.
    """
    from campaigns.verification.beneficiaries import beneficiary_verify

    require_verifier(actor)
    if need.posted_by_id == actor.pk:
        raise PermissionDenied(_("You posted this need; another verifier must vet it."))
    if not note.strip():
        raise ValidationError(_("Write a note saying what you checked."))
    with transaction.atomic():
        locked = _locked(need)
        _check_one_gift_pays(campaign=locked.beneficiary.campaign, cost=locked.amount)
        if locked.beneficiary.status == BeneficiaryStatus.MATCHED:
            if not locked.beneficiary.evidence.exists():
                # The need's own evidence (a photo of what is needed) does not show who the
                # beneficiary is: say where the missing evidence goes (issue 13).
                raise ValidationError(
                    _(
                        "The beneficiary has no evidence of their own yet: add it on their "
                        "verification screen, then vet this need."
                    )
                )
            beneficiary_verify(actor=actor, beneficiary=locked.beneficiary, note=note)
            locked.beneficiary.refresh_from_db()
        if locked.beneficiary.status != BeneficiaryStatus.VERIFIED:
            raise ValidationError(_("This beneficiary is not verified yet and cannot be funded."))
        _move(need=locked, actor=actor, to=N.POSTED, action="need.vetted", reason=note.strip(),
              vetted_by=actor, vetted_at=timezone.now(), vetting_note=note.strip())  # fmt: skip
    need.refresh_from_db()
    return need


def need_reject(*, actor: Actor, need: Need, reason: str) -> Need:
    """A verifier who is not the poster refuses a proposed need; it is never public."""
    require_verifier(actor)
    if need.posted_by_id == actor.pk:
        raise PermissionDenied(_("You posted this need; another verifier must vet it."))
    if not reason.strip():
        raise ValidationError(_("Say why the need is not published."))
    with transaction.atomic():
        _move(need=_locked(need), actor=actor, to=N.REJECTED, action="need.rejected", reason=reason.strip(),
              vetted_by=actor, vetted_at=timezone.now(), vetting_note=reason.strip())  # fmt: skip
    need.refresh_from_db()
    return need


def active_holds(*, client: str, now: datetime | None = None) -> int:
    """How many needs ``client`` (a digest, see ``need_hold``) holds unpaid right now."""
    now = now or timezone.now()
    return Need.objects.filter(status=N.MATCHED, held_for=client, held_until__gt=now).count()


def need_hold(
    *, need: Need, client: str, actor: Actor = None, donor_alias: str = "", now: datetime | None = None
) -> Need:
    """A donor claims an open need: it is held for them for ``NEEDS_HOLD_MINUTES`` while they pay.

    ``client`` is a digest naming the claiming client (never its address). Returns the need with
    a fresh ``hold_token``, which the payment carries. Raises ``NeedNotOpen`` (someone else holds
    it, or it is funded or not vetted) or ``TooManyHolds`` (``NEEDS_HOLDS_PER_CLIENT``); nothing
    changes then.
    """
    now = now or timezone.now()
    if not client:
        raise ValidationError(_("We could not tell where this claim came from."))
    with transaction.atomic():
        locked = _locked(need)
        if not locked.is_open(now=now):
            raise NeedNotOpen(_("Someone else is funding this need."))
        if active_holds(client=client, now=now) >= settings.NEEDS_HOLDS_PER_CLIENT:
            raise TooManyHolds(
                _(
                    "You are already funding %(n)d needs. Finish paying for them, or wait until their hold ends."
                )
                % {"n": settings.NEEDS_HOLDS_PER_CLIENT}
            )
        if locked.status == N.MATCHED:  # a lapsed hold the beat task has not put back yet
            _move(need=locked, actor=None, to=N.POSTED, action="need.hold_lapsed", **_NO_HOLD)
        user = actor if actor is not None and actor.is_authenticated else None
        _move(need=locked, actor=actor, to=N.MATCHED, action="need.held", matched_by=user,
              donor_alias=donor_alias.strip()[:100], matched_at=now, held_for=client,
              held_until=now + timedelta(minutes=settings.NEEDS_HOLD_MINUTES),
              hold_token=secrets.token_urlsafe(24))  # fmt: skip
    need.refresh_from_db()
    return need


_NO_HOLD = {"held_until": None, "held_for": "", "hold_token": "", "matched_by": None, "donor_alias": "",
            "matched_at": None}  # fmt: skip


def need_holds_release(*, now: datetime | None = None) -> int:
    """Put every need whose hold lapsed unpaid back on the board; returns how many. Idempotent."""
    now = now or timezone.now()
    released = 0
    ids = list(Need.objects.filter(status=N.MATCHED, held_until__lte=now).values_list("pk", flat=True))
    for pk in ids:
        with transaction.atomic():
            locked = Need.objects.select_for_update(skip_locked=True).filter(pk=pk).first()
            if locked is None or locked.status != N.MATCHED or locked.held_until > now:
                continue
            _move(need=locked, actor=None, to=N.POSTED, action="need.hold_lapsed", **_NO_HOLD)
            released += 1
    return released


def need_fund(*, need: Need, gift_id: int, hold_token: str, now: datetime | None = None) -> bool:
    """The gift ``gift_id`` (started under ``hold_token``) reached escrow: it funds the need.

    Funds it if the hold is still this gift's (even if it lapsed while the card was charged) or if
    the need is open again; returns ``False`` and changes nothing if another donor holds or funded
    it (the gift then stays earmarked for the same beneficiary). Idempotent per gift.
    """
    now = now or timezone.now()
    with transaction.atomic():
        locked = _locked(need)
        if locked.funded_by_gift_id == gift_id:
            return True
        own_hold = locked.status == N.MATCHED and hold_token and locked.hold_token == hold_token
        if not own_hold:
            if not locked.is_open(now=now):
                return False
            if locked.status == N.MATCHED:
                _move(need=locked, actor=None, to=N.POSTED, action="need.hold_lapsed", **_NO_HOLD)
            _move(need=locked, actor=None, to=N.MATCHED, action="need.held", matched_at=now,
                  held_until=now, hold_token=hold_token)  # fmt: skip
        _move(need=locked, actor=None, to=N.FUNDED, action="need.funded", funded_at=now,
              funded_by_gift_id=gift_id, held_until=locked.held_until or now)  # fmt: skip
    need.refresh_from_db()
    return True


def need_unfund(*, need: Need, gift_id: int, reason: str) -> bool:
    """The gift ``gift_id`` that funded ``need`` no longer counts (refunded, lost to a chargeback,
    moved: review finding 4): a funded need goes back on the board, its ledger link cleared, and
    is audited ``need.funding_lost``, so its status never contradicts the ledger. Returns ``False``
    and changes nothing if the need is not funded by that gift; a need already delivered keeps its
    status and is only audited ``need.funding_lost_after_delivery`` for finance. Idempotent."""
    with transaction.atomic():
        locked = _locked(need)
        if locked.funded_by_gift_id != gift_id:
            return False
        if locked.status != N.FUNDED:
            audit(actor=None, action="need.funding_lost_after_delivery", subject=locked, reason=reason,
                  data={"gift_id": gift_id})  # fmt: skip
            return False
        _move(need=locked, actor=None, to=N.POSTED, action="need.funding_lost", reason=reason,
              funded_by_gift_id=None, funded_at=None, **_NO_HOLD)  # fmt: skip
    need.refresh_from_db()
    return True


def need_mark_delivered(*, need: Need, actor: Actor) -> Need:
    """The item reached the household: confirmed by the need's partner, a field officer or a
    verifier. Raises ``PermissionDenied`` (anyone else, or another partner) or ``ValidationError``."""
    partner = partner_of(actor)
    own_partner = partner is not None and need.partner_id == partner.pk
    if not (own_partner or is_field_officer(actor) or is_verifier(actor)):
        raise PermissionDenied(_("Only the partner, a field officer or a verifier may confirm the delivery."))
    with transaction.atomic():
        _move(need=_locked(need), actor=actor, to=N.DELIVERED, action="need.delivered",
              delivered_at=timezone.now(), delivered_by=actor)  # fmt: skip
    need.refresh_from_db()
    return need


def need_verify(*, need: Need, actor: Actor, note: str) -> Need:
    """A verifier confirms the delivery, with evidence of the delivery: attached to the need
    since it was confirmed delivered (the photo from when it was posted proves nothing about the
    delivery, review finding 3). Four eyes: not the person who confirmed the delivery or uploaded
    any of that evidence (``PermissionDenied``).

    A need with a partner is then payable to it: in the same transaction its verified delivery
    becomes an outcome whose release is requested (``_delivery_outcome``), so the supplier is paid
    from escrow after notice and a second person's approval. Raises ``PermissionDenied``,
    ``ValidationError`` or ``TransitionNotAllowed``; nothing changes on refusal."""
    require_verifier(actor)
    if not note.strip():
        raise ValidationError(_("Write a note saying what you checked."))
    with transaction.atomic():
        locked = _locked(need)
        if locked.delivered_at is None:
            raise ValidationError(_("Add evidence of the delivery first."))
        delivery_evidence = locked.evidence.filter(uploaded_at__gte=locked.delivered_at)
        if not delivery_evidence.exists():
            raise ValidationError(_("Add evidence of the delivery first."))
        if locked.delivered_by_id == actor.pk or delivery_evidence.filter(uploaded_by=actor).exists():
            raise PermissionDenied(
                _("You reported this delivery or its evidence; another verifier must check it.")
            )
        _move(need=locked, actor=actor, to=N.VERIFIED, action="need.verified", reason=note.strip(),
              verified_at=timezone.now(), verified_by=actor)  # fmt: skip
        if locked.partner_id is not None:
            _delivery_outcome(need=locked, actor=actor, note=note.strip())
    need.refresh_from_db()
    return need


def _delivery_outcome(*, need: Need, actor: Actor, note: str) -> Milestone:
    """The verified delivery of a funded need as an outcome payable to its partner: a verified
    ``Milestone`` of kind "need delivered" for the need's cost, reported by who confirmed the
    delivery and verified by who checked it. ``milestone_verified`` (in this transaction) makes
    payments request its release, which then follows every rule of a release (ADR 0301, 0104):
    public notice, objections, a finance officer who neither confirmed nor verified the delivery;
    its allocation takes the gift that funded the need first (ADR 0307). ``outcome_verified``
    follows the commit."""
    milestone = Milestone.objects.create(
        beneficiary=need.beneficiary, kind=MilestoneKind.NEED_DELIVERED, title=need.title, title_en=need.title_en,
        amount_minor=need.amount_minor, currency=need.currency, partner_id=need.partner_id,
        due_date=timezone.localdate(need.delivered_at or timezone.now()), status=MilestoneStatus.VERIFIED,
        reported_at=need.delivered_at, reported_by_id=need.delivered_by_id, verified_by=actor,
        verified_at=need.verified_at, verification_note=note, need=need,
    )  # fmt: skip
    audit(actor=actor, action="milestone.verified", subject=milestone, reason=note,
          data={"need": need.pk, "amount_minor": milestone.amount_minor, "partner": need.partner_id})  # fmt: skip
    milestone_verified.send(sender=Milestone, milestone=milestone, actor=actor)
    milestone_id, campaign_id = milestone.pk, need.beneficiary.campaign_id
    transaction.on_commit(
        lambda: outcome_verified.send(sender=Milestone, milestone_id=milestone_id, campaign_id=campaign_id)
    )
    return milestone
