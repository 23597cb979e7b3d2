"""Needs board services: posted → matched → funded → delivered → verified, forward only."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from campaigns.models import NEED_FUNNEL, Beneficiary, Need, NeedStatus
from campaigns.money import Money
from campaigns.roles import Actor
from campaigns.services import audit
from campaigns.verification.beneficiaries import check_fundable
from campaigns.verification.permissions import require_verifier


def need_post(*, actor: Actor, beneficiary: Beneficiary, title: str, kind: str, amount: Money) -> Need:
    """A verifier posts a small need of a verified household. Raises ``PermissionDenied``,
    ``NotFundable`` or ``ValidationError``."""
    require_verifier(actor)
    check_fundable(beneficiary=beneficiary)
    if amount.amount <= 0:
        raise ValidationError(_("A need costs more than nothing."))
    household = beneficiary.registry_person.household
    with transaction.atomic():
        need = Need.objects.create(
            beneficiary=beneficiary,
            title=title,
            kind=kind,
            amount_minor=amount.to_minor(),
            currency=amount.currency,
            province=household.province,
            county=household.county,
            posted_by=actor,
        )
        audit(actor=actor, action="need.posted", subject=need, data={"amount_minor": need.amount_minor})
    return need


def _advance(*, need: Need, actor: Actor, to: str, reason: str = "", **fields) -> Need:
    with transaction.atomic():
        locked = Need.objects.select_for_update().get(pk=need.pk)
        if NEED_FUNNEL.index(to) != NEED_FUNNEL.index(locked.status) + 1:
            raise ValidationError(
                _("A need cannot go from %(from)s to %(to)s.") % {"from": locked.status, "to": to}
            )
        locked.status = to
        setattr(locked, f"{to}_at", timezone.now())
        for name, value in fields.items():
            setattr(locked, name, value)
        locked.save()
        audit(actor=actor, action=f"need.{to}", subject=locked, reason=reason)
    need.refresh_from_db()
    return need


def need_match(*, need: Need, actor: Actor, donor_alias: str = "") -> Need:
    """A donor (or staff on a donor's behalf) claims a posted need."""
    user = actor if actor is not None and actor.is_authenticated else None
    return _advance(
        need=need, actor=actor, to=NeedStatus.MATCHED, matched_by=user, donor_alias=donor_alias[:100]
    )


def need_mark_funded(*, need: Need, actor: Actor = None) -> Need:
    """The money for a matched need has arrived (called by payments, or a finance officer)."""
    return _advance(need=need, actor=actor, to=NeedStatus.FUNDED)


def need_mark_delivered(*, need: Need, actor: Actor) -> Need:
    """The item reached the household (verifier or partner staff)."""
    require_verifier(actor)
    return _advance(need=need, actor=actor, to=NeedStatus.DELIVERED)


def need_verify(*, need: Need, actor: Actor, note: str) -> Need:
    """A verifier confirms the delivery, with evidence attached to the need."""
    require_verifier(actor)
    if not need.evidence.exists():
        raise ValidationError(_("Add evidence of the delivery first."))
    return _advance(need=need, actor=actor, to=NeedStatus.VERIFIED, reason=note, verified_by=actor)
