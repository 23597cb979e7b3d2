"""Releases from escrow to partners: request, objections, four-eyes approval, bank payout.

Rules enforced here (not only in the admin):
- a release exists only for a verified milestone (created by the ``milestone_verified`` signal);
- only a finance officer approves, and never one who reported or verified that milestone;
- approval waits for the public notice period and for every objection to be resolved, and a
  stage of a staged grant for every earlier stage to be verified (ADR 0310);
- approval moves escrow → partner payable (``release.approved``) and allocates the amount to
  donations in one transaction; payment moves partner payable → paid (``payout.*``).
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from campaigns.models import Milestone, MilestoneStatus
from campaigns.roles import FINANCE_OFFICERS, Actor, in_role
from campaigns.services import audit
from campaigns.site_time import site_datetime_text
from campaigns.verification.grants import stage_release_refusal
from payments.allocation.services import allocate_release
from payments.ledger.models import AccountKind
from payments.ledger.services import Leg, account_drifted, account_for, entry_post, escrow_account
from payments.releases.exceptions import ReleaseNotAllowed
from payments.releases.models import Objection, ObjectionResolution, PayoutMethod, Release, ReleaseStatus
from payments.releases.signals import release_approved
from payments.releases.states import release_transition


def release_request(*, milestone: Milestone, actor: Actor = None, now: datetime | None = None) -> Release:
    """Create the release request for a verified milestone (idempotent: one per milestone)."""
    if milestone.status != MilestoneStatus.VERIFIED:
        raise ReleaseNotAllowed(_("Only a verified outcome can be paid."))
    now = now or timezone.now()
    campaign = milestone.beneficiary.campaign
    release, created = Release.objects.get_or_create(
        milestone=milestone,
        defaults={
            "campaign": campaign,
            "partner": milestone.partner,
            "amount_minor": milestone.amount_minor,
            "currency": milestone.currency,
            "notice_ends_at": now + settings.RELEASE_NOTICE_PERIOD,
        },
    )
    if created:
        audit(actor=actor, action="release.requested", subject=release,
              data={"milestone": milestone.pk, "amount_minor": release.amount_minor,
                    "notice_ends_at": release.notice_ends_at.isoformat()})  # fmt: skip
    return release


def check_may_approve(*, release: Release, actor: Actor) -> None:
    """Four eyes: a finance officer who neither reported nor verified the milestone.

    Raises ``PermissionDenied``."""
    if not in_role(actor, FINANCE_OFFICERS) or not actor.has_perm("payments.approve_release"):
        raise PermissionDenied(_("Only a finance officer may approve a release."))
    milestone = release.milestone
    if actor.pk in (milestone.verified_by_id, milestone.reported_by_id):
        raise PermissionDenied(
            _("You verified this outcome; another finance officer must approve its release.")
        )


def release_approve(*, release: Release, actor: Actor, now: datetime | None = None) -> Release:
    """Approve a requested release: escrow → partner payable, allocated to donations.

    Raises ``PermissionDenied`` (not a finance officer, or the milestone's own verifier),
    ``ReleaseNotAllowed`` (wrong state, an earlier stage of its staged grant not verified: ADR
    0310, notice period running, objection open, the campaign's
    escrow under a balance drift alert: ADR 0211), ``NotEnoughHeld``
    or ``InsufficientFunds`` (escrow too small). Nothing is written when it raises.
    """
    now = now or timezone.now()
    with transaction.atomic():
        locked = (
            Release.objects.select_for_update()
            .select_related("milestone", "campaign", "partner")
            .get(pk=release.pk)
        )
        check_may_approve(release=locked, actor=actor)
        if locked.status != ReleaseStatus.REQUESTED:
            raise ReleaseNotAllowed(_("Only a requested release can be approved."))
        # A stage of a staged grant waits for every earlier stage to be verified (ADR 0310).
        refusal = stage_release_refusal(milestone=locked.milestone)
        if refusal:
            raise ReleaseNotAllowed(refusal)
        if locked.objections.filter(resolution="").exists():
            raise ReleaseNotAllowed(_("An objection is open; resolve it first."))
        if now < locked.notice_ends_at:
            raise ReleaseNotAllowed(
                _("The public notice period ends %(when)s; the release can be approved after that.")
                % {"when": site_datetime_text(locked.notice_ends_at)}
            )
        if account_drifted(escrow_account(locked.campaign)):
            raise ReleaseNotAllowed(
                _("A balance check found this campaign's escrow out of step with its ledger; "
                  "releases wait until finance resolves the alert.")
            )  # fmt: skip
        # A delivered need is paid from the gift that funded it first (ADR 0307).
        need = locked.milestone.need
        allocate_release(release=locked, beneficiary_id=locked.milestone.beneficiary_id,
                         first_gift_id=need.funded_by_gift_id if need is not None else None)  # fmt: skip
        amount = locked.amount
        entry_post(
            key=f"release:{locked.pk}:approved",
            kind="release.approved",
            legs=[
                Leg(escrow_account(locked.campaign), -amount),
                Leg(
                    account_for(
                        kind=AccountKind.PARTNER_PAYABLE, currency=amount.currency, partner=locked.partner
                    ),
                    amount,
                ),
            ],
            memo=f"release {locked.pk} for milestone {locked.milestone_id}",
        )
        locked.approved_by = actor
        locked.approved_at = now
        locked.payout_method = PayoutMethod.CONNECT if locked.partner.stripe_account_id else PayoutMethod.BANK
        release_transition(locked, ReleaseStatus.APPROVED, actor=actor,
                           fields=("approved_by", "approved_at", "payout_method"),
                           data={"amount_minor": locked.amount_minor, "payout": locked.payout_method})  # fmt: skip
        if locked.payout_method == PayoutMethod.CONNECT:
            from payments.releases.payouts import transfer_enqueue

            transfer_enqueue(release=locked)
        release_id, campaign_id = locked.pk, locked.campaign_id
        transaction.on_commit(
            lambda: release_approved.send(sender=Release, release_id=release_id, campaign_id=campaign_id)
        )
    release.refresh_from_db()
    return release


def objection_file(
    *, release: Release, name: str, reason: str, contact: str = "", actor: Actor = None
) -> Objection:
    """Anyone may object while a release awaits approval; the release pauses.

    Raises ``ReleaseNotAllowed`` once the release is approved, paid or cancelled."""
    if not name.strip() or not reason.strip():
        raise ValidationError(_("Give your name and say what is wrong."))
    with transaction.atomic():
        locked = Release.objects.select_for_update().get(pk=release.pk)
        if locked.status not in (ReleaseStatus.REQUESTED, ReleaseStatus.OBJECTED):
            raise ReleaseNotAllowed(_("This release can no longer be objected to."))
        objection = Objection.objects.create(
            release=locked,
            name=name.strip()[:100],
            contact=contact.strip()[:200],
            reason=reason.strip(),
            filed_by=actor if actor is not None and actor.is_authenticated else None,
        )
        release_transition(locked, ReleaseStatus.OBJECTED, actor=actor, reason=objection.reason,
                           data={"objection": objection.pk})  # fmt: skip
    release.refresh_from_db()
    return objection


def objection_resolve(*, objection: Objection, actor: Actor, uphold: bool, note: str) -> Objection:
    """A finance officer answers an objection. Upheld cancels the release; when the last open
    objection is dismissed the release is requested again. Raises ``PermissionDenied`` or
    ``ValidationError``."""
    if not in_role(actor, FINANCE_OFFICERS):
        raise PermissionDenied(_("Only a finance officer may resolve objections."))
    if not note.strip():
        raise ValidationError(_("Answer the objection."))
    with transaction.atomic():
        release = Release.objects.select_for_update().get(pk=objection.release_id)
        objection = Objection.objects.select_for_update().get(pk=objection.pk)
        if not objection.is_open:
            raise ValidationError(_("This objection is already resolved."))
        objection.resolution = ObjectionResolution.UPHELD if uphold else ObjectionResolution.DISMISSED
        objection.resolution_note = note.strip()
        objection.resolved_by = actor
        objection.resolved_at = timezone.now()
        objection.save()
        if uphold:
            release_transition(release, ReleaseStatus.CANCELLED, actor=actor, reason=note.strip())
        elif not release.objections.filter(resolution="").exists():
            release_transition(release, ReleaseStatus.REQUESTED, actor=actor, reason=note.strip())
        audit(actor=actor, action=f"objection.{objection.resolution}", subject=release, reason=note.strip(),
              data={"objection": objection.pk, "release_status": release.status})  # fmt: skip
    return objection
