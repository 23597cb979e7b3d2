"""Staged grants for entrepreneur leaders: a schedule of stages that add up to the grant, each
released on its own verified outcome, in order (issue 12, ADR 0310).

Rules, enforced here (and the first and last by the database too, migration
``campaigns.0013_staged_grants``):

1. **The stages add up to the grant**, exactly, in its currency (``grant_create``,
   ``grant_stage_amounts_change``: ``ValidationError`` naming both sums).
2. **In order**: stage *n* is released only once stages 1 … *n*-1 are verified
   (``stage_release_refusal``, asked by ``payments.releases.services.release_approve``; a stage may
   be *verified* early, since the outcome happened, but its money waits).
3. **A verified stage keeps its amount**: its release was requested for that amount, and money
   may already have left escrow (``grant_stage_amounts_change`` refuses; a trigger too).

Each stage is a ``Milestone`` of kind "training module completed" or "business plan approved",
paid to the training partner, reported and verified like any outcome (four eyes, ADR 0309).
Editors and verifiers draw up schedules; only a livelihood campaign's verified beneficiary gets one.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from campaigns.models import (
    Beneficiary,
    CampaignKind,
    Grant,
    Milestone,
    MilestoneKind,
    MilestoneStatus,
    Partner,
)
from campaigns.money import Money
from campaigns.roles import EDITORS, Actor, in_role
from campaigns.services import audit
from campaigns.verification.beneficiaries import check_fundable
from campaigns.verification.permissions import is_verifier

# What a stage of an entrepreneur's grant pays for.
STAGE_KINDS = (MilestoneKind.MODULE_COMPLETED, MilestoneKind.BUSINESS_PLAN_APPROVED)


@dataclass(frozen=True)
class StagePlan:
    """One stage of a schedule as drawn up: what it pays for, how much, evidence due by when."""

    kind: str
    amount: Money
    due_date: date
    title: str = ""


def _require_editor_or_verifier(actor: Actor) -> None:
    if not (is_verifier(actor) or in_role(actor, EDITORS)):
        raise PermissionDenied(_("Only an editor or a verifier may draw up a grant schedule."))


def _check_adds_up(*, total: Money, amounts: Sequence[Money]) -> None:
    if any(a.currency != total.currency for a in amounts):
        raise ValidationError(_("Every stage must be in the grant's currency."))
    staged = sum((a.amount for a in amounts), start=total.amount * 0)
    if staged != total.amount:
        raise ValidationError(
            _("The stages add up to %(staged)s, but the grant is %(total)s: they must add up exactly.")
            % {"staged": Money(staged, total.currency), "total": total}
        )


def grant_create(
    *,
    actor: Actor,
    beneficiary: Beneficiary,
    title: str,
    amount: Money,
    partner: Partner,
    stages: Sequence[StagePlan],
) -> Grant:
    """Draw up a staged grant for a verified beneficiary of a livelihood campaign: the grant and
    its stages (milestones 1 … n, in the order given, paid to ``partner``) in one transaction.

    Raises ``PermissionDenied`` (not an editor or verifier) or ``ValidationError`` (not a livelihood
    campaign, beneficiary not verified, no stage, a stage of another kind or not positive, the
    stages not adding up to the grant, a partner not on the campaign). Nothing is written then.
    """
    _require_editor_or_verifier(actor)
    check_fundable(beneficiary=beneficiary)
    campaign = beneficiary.campaign
    if campaign.kind != CampaignKind.LIVELIHOOD:
        raise ValidationError(_("Staged grants are for entrepreneur (livelihood) campaigns."))
    if not title.strip():
        raise ValidationError(_("Give the grant a title."))
    if amount.currency != campaign.currency or amount.amount <= 0:
        raise ValidationError(_("The amount must be positive and in the campaign's currency."))
    if not stages:
        raise ValidationError(_("A grant needs at least one stage."))
    if any(s.kind not in STAGE_KINDS for s in stages):
        raise ValidationError(_("A stage is a completed training module or an approved business plan."))
    if any(s.amount.amount <= 0 for s in stages):
        raise ValidationError(_("Every stage pays more than nothing."))
    _check_adds_up(total=amount, amounts=[s.amount for s in stages])
    if campaign.partners.exists() and not campaign.partners.filter(pk=partner.pk).exists():
        raise ValidationError(_("The partner does not work on this campaign."))
    with transaction.atomic():
        grant = Grant.objects.create(
            beneficiary=beneficiary,
            title=title.strip(),
            amount_minor=amount.to_minor(),
            currency=amount.currency,
            stage_count=len(stages),
            created_by=actor,
        )
        Milestone.objects.bulk_create(
            Milestone(beneficiary=beneficiary, kind=plan.kind, title=plan.title.strip(),
                      amount_minor=plan.amount.to_minor(), currency=plan.amount.currency, partner=partner,
                      due_date=plan.due_date, grant=grant, stage=number, stage_count=len(stages))
            for number, plan in enumerate(stages, start=1)
        )  # fmt: skip
        audit(actor=actor, action="grant.planned", subject=grant,
              data={"amount_minor": grant.amount_minor, "partner": partner.pk,
                    "stages": [s.amount.to_minor() for s in stages]})  # fmt: skip
    return grant


def grant_stage_amounts_change(
    *, actor: Actor, grant: Grant, amounts: Mapping[int, Money], reason: str
) -> Grant:
    """Reschedule: give stages (by number) new amounts; the stages must still add up to the grant.

    A verified stage keeps its amount (its release was requested for it, and may be paid):
    refused with ``ValidationError``, as is a schedule that no longer adds up or an unknown stage.
    Raises ``PermissionDenied`` for anyone but an editor or a verifier. Nothing changes on refusal.
    """
    _require_editor_or_verifier(actor)
    if not reason.strip():
        raise ValidationError(_("Say why the schedule changes."))
    with transaction.atomic():
        grant = Grant.objects.select_for_update().get(pk=grant.pk)
        stages = {
            m.stage: m for m in Milestone.objects.select_for_update().filter(grant=grant).order_by("stage")
        }
        if not set(amounts) <= set(stages):
            raise ValidationError(_("This grant has no such stage."))
        changed = {n: a for n, a in amounts.items() if a.to_minor() != stages[n].amount_minor}
        for number in changed:
            if stages[number].status == MilestoneStatus.VERIFIED:
                raise ValidationError(
                    _(
                        "Stage %(n)d is verified and its money requested or released; its amount cannot change."
                    )
                    % {"n": number}
                )
        if any(a.amount <= 0 for a in changed.values()):
            raise ValidationError(_("Every stage pays more than nothing."))
        new = {n: changed.get(n, m.amount) for n, m in stages.items()}
        _check_adds_up(total=grant.amount, amounts=list(new.values()))
        for number, amount in changed.items():
            Milestone.objects.filter(pk=stages[number].pk).update(amount_minor=amount.to_minor())
        audit(actor=actor, action="grant.rescheduled", subject=grant, reason=reason.strip(),
              data={"stages": {str(n): a.to_minor() for n, a in changed.items()}})  # fmt: skip
    return grant


def stage_release_refusal(*, milestone: Milestone) -> str | None:
    """Why this milestone's money may not be released yet because of its place in a grant's
    schedule (an earlier stage not verified), or ``None``. Outcomes outside a grant: ``None``.

    Asked by ``payments.releases.services.release_approve`` (rule 2 of ADR 0310)."""
    if milestone.grant_id is None or milestone.stage is None:
        return None
    waiting = list(
        Milestone.objects.filter(grant_id=milestone.grant_id, stage__lt=milestone.stage)
        .exclude(status=MilestoneStatus.VERIFIED)
        .order_by("stage")
        .values_list("stage", flat=True)
    )
    if not waiting:
        return None
    return _("Stage %(n)d of this grant is released only after stage %(earlier)s is verified.") % {
        "n": milestone.stage,
        "earlier": ", ".join(str(n) for n in waiting),
    }
