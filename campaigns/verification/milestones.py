"""Milestone services: plan an outcome, report its evidence, verify or reject it.

Rules: milestones belong to verified beneficiaries, are in the campaign's currency, and are paid
to one of the campaign's partners; a verifier signs off only after evidence is reported, and never
evidence they reported or uploaded themselves (four eyes, ADR 0309). The
verifying transaction sends ``milestone_verified`` (payments creates the release request); once it
commits, ``outcome_verified`` (reports regenerate the campaign's report).
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from campaigns.models import Beneficiary, Milestone, MilestoneKind, MilestoneStatus, Partner
from campaigns.money import Money
from campaigns.roles import Actor
from campaigns.services import audit
from campaigns.verification.beneficiaries import check_fundable
from campaigns.verification.permissions import is_verifier, require_partner, require_verifier
from campaigns.verification.signals import milestone_verified, outcome_verified


def milestone_create(
    *,
    actor: Actor,
    beneficiary: Beneficiary,
    kind: str,
    amount: Money,
    partner: Partner,
    due_date: date,
    title: str = "",
) -> Milestone:
    """Plan an outcome for a verified beneficiary. Raises ``PermissionDenied``/``ValidationError``."""
    require_verifier(actor)
    if kind == MilestoneKind.NEED_DELIVERED:
        # Written by ``need_verify`` for the need it pays (ADR 0307), never planned by hand.
        raise ValidationError(_("A need's delivery is recorded on the needs board, not planned here."))
    check_fundable(beneficiary=beneficiary)
    campaign = beneficiary.campaign
    if amount.currency != campaign.currency or amount.amount <= 0:
        raise ValidationError(_("The amount must be positive and in the campaign's currency."))
    if campaign.partners.exists() and not campaign.partners.filter(pk=partner.pk).exists():
        raise ValidationError(_("The partner does not work on this campaign."))
    with transaction.atomic():
        milestone = Milestone.objects.create(
            beneficiary=beneficiary,
            kind=kind,
            title=title,
            amount_minor=amount.to_minor(),
            currency=amount.currency,
            partner=partner,
            due_date=due_date,
        )
        audit(
            actor=actor,
            action="milestone.planned",
            subject=milestone,
            data={"amount_minor": milestone.amount_minor, "partner": partner.pk, "due": due_date.isoformat()},
        )
    return milestone


def milestone_report(*, actor: Actor, milestone: Milestone) -> Milestone:
    """Record that evidence for the outcome has been reported (at least one ``Evidence`` row).

    This is what stops a milestone counting as overdue. A verifier, or a member of the partner
    the outcome is paid to, reports it; whoever reports it may not verify it (four eyes).
    """
    if not is_verifier(actor):
        require_partner(actor, milestone.partner)
    with transaction.atomic():
        locked = Milestone.objects.select_for_update().get(pk=milestone.pk)
        if locked.status not in (MilestoneStatus.PLANNED, MilestoneStatus.REPORTED):
            raise ValidationError(_("This outcome is already closed."))
        if not locked.evidence.exists():
            raise ValidationError(_("Add evidence of the outcome first."))
        locked.status = MilestoneStatus.REPORTED
        locked.reported_at = timezone.now()
        locked.reported_by = actor
        locked.save(update_fields=["status", "reported_at", "reported_by"])
        audit(actor=actor, action="milestone.reported", subject=locked)
    milestone.refresh_from_db()
    return milestone


def milestone_verify(*, actor: Actor, milestone: Milestone, note: str) -> Milestone:
    """Sign off a reported outcome. Verifier only; needs evidence and a note.

    Four eyes: refused (``PermissionDenied``) to whoever reported the outcome or uploaded any of
    its evidence. Sends ``milestone_verified`` in the same transaction, so a release request
    exists exactly when the milestone is verified, and ``outcome_verified`` after it commits.
    Raises ``PermissionDenied`` or ``ValidationError``; nothing changes on refusal.
    """
    require_verifier(actor)
    if not note.strip():
        raise ValidationError(_("Write a note saying what you checked."))
    with transaction.atomic():
        locked = Milestone.objects.select_for_update().select_related("beneficiary").get(pk=milestone.pk)
        if locked.status != MilestoneStatus.REPORTED:
            raise ValidationError(_("Only an outcome with reported evidence can be verified."))
        # Four eyes on evidence (ADR 0309): who reported the outcome or uploaded its evidence is
        # not who signs it off.
        if locked.reported_by_id == actor.pk or locked.evidence.filter(uploaded_by=actor).exists():
            raise PermissionDenied(
                _("You reported this outcome or uploaded its evidence; another verifier must verify it.")
            )
        check_fundable(beneficiary=locked.beneficiary)
        locked.status = MilestoneStatus.VERIFIED
        locked.verified_by = actor
        locked.verified_at = timezone.now()
        locked.verification_note = note.strip()
        locked.save(update_fields=["status", "verified_by", "verified_at", "verification_note"])
        audit(actor=actor, action="milestone.verified", subject=locked, reason=note.strip())
        milestone_verified.send(sender=Milestone, milestone=locked, actor=actor)
        milestone_id, campaign_id = locked.pk, locked.beneficiary.campaign_id
        transaction.on_commit(
            lambda: outcome_verified.send(
                sender=Milestone, milestone_id=milestone_id, campaign_id=campaign_id
            )
        )
    milestone.refresh_from_db()
    return milestone


def milestone_reject(*, actor: Actor, milestone: Milestone, reason: str) -> Milestone:
    """Reject a reported outcome (evidence insufficient); it goes back to planned."""
    require_verifier(actor)
    with transaction.atomic():
        locked = Milestone.objects.select_for_update().get(pk=milestone.pk)
        if locked.status != MilestoneStatus.REPORTED:
            raise ValidationError(_("Only reported evidence can be rejected."))
        locked.status = MilestoneStatus.PLANNED
        locked.reported_at = None
        locked.save(update_fields=["status", "reported_at"])
        audit(actor=actor, action="milestone.evidence_rejected", subject=locked, reason=reason)
    milestone.refresh_from_db()
    return milestone
