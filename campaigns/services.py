"""Writes to campaigns: creation and the status lifecycle.

draft → in_review → live → funded / failed → closed, and in_review → draft when a reviewer
sends it back. Each transition checks who may make it and appends an ``AuditEvent``.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from campaigns.compliance import CAMPAIGN_FIELDS, check_may_take_gifts
from campaigns.models import AuditEvent, Campaign, CampaignStatus
from campaigns.money import Money
from campaigns.roles import VERIFIERS, Actor, in_role
from campaigns.signals import campaign_status_changed, campaign_stopped_giving
from campaigns.state_tables import StateTable, TransitionNotAllowed, table

S = CampaignStatus
CAMPAIGN_STATES = table(
    gettext_lazy("campaign"),
    CampaignStatus,
    {
        S.DRAFT: {S.IN_REVIEW},
        S.IN_REVIEW: {S.LIVE, S.DRAFT},
        S.LIVE: {S.FUNDED, S.FAILED, S.CLOSED},
        S.FUNDED: {S.CLOSED},
        S.FAILED: {S.CLOSED},
        S.CLOSED: set(),
    },
)


# Statuses after which a campaign never takes gifts again: a move into one of them sends
# ``campaigns.signals.campaign_stopped_giving`` in its transaction.
STOPS_GIVING = (S.CLOSED, S.FAILED)


def audit(
    *, actor: Actor, action: str, subject: Any, reason: str = "", data: dict | None = None
) -> AuditEvent:
    """Append one audit event for ``subject`` (any model instance)."""
    return AuditEvent.objects.create(
        actor=actor if actor is not None and actor.is_authenticated else None,
        action=action,
        subject_type=subject._meta.label,
        subject_id=str(subject.pk),
        reason=reason,
        data=data or {},
    )


def _validate_terms(*, goal: Money, unit_cost: Money | None, deadline: date, currency: str) -> None:
    if goal.currency != currency or (unit_cost is not None and unit_cost.currency != currency):
        raise ValidationError(_("Goal and unit cost must be in the campaign's currency."))
    if goal.amount <= 0:
        raise ValidationError(_("The goal must be more than zero."))
    if unit_cost is not None and unit_cost.amount <= 0:
        raise ValidationError(_("The unit cost must be more than zero."))


def campaign_create(
    *,
    actor: Actor,
    title: str,
    slug: str,
    kind: str,
    goal: Money,
    deadline: date,
    funding_model: str,
    region: str = "",
    unit_cost: Money | None = None,
    unit_label: str = "",
    min_donation: Money | None = None,
    compliance: dict[str, str] | None = None,
) -> Campaign:
    """Create a draft campaign. ``compliance``: its public-fundraising facts (the fields of
    ``campaigns.compliance.CAMPAIGN_FIELDS``; ADR 0413). Raises ``ValidationError`` on inconsistent
    terms."""
    _validate_terms(goal=goal, unit_cost=unit_cost, deadline=deadline, currency=goal.currency)
    with transaction.atomic():
        campaign = Campaign.objects.create(
            title=title,
            slug=slug,
            kind=kind,
            region=region,
            currency=goal.currency,
            goal_minor=goal.to_minor(),
            unit_cost_minor=unit_cost.to_minor() if unit_cost else None,
            unit_label=unit_label,
            min_donation_minor=(min_donation or Money.from_minor(1000, goal.currency)).to_minor(),
            deadline=deadline,
            funding_model=funding_model,
            **{name: (compliance or {}).get(name, "").strip() for name in CAMPAIGN_FIELDS},
        )
        audit(
            actor=actor, action="campaign.created", subject=campaign, data={"goal_minor": campaign.goal_minor}
        )
    return campaign


def status_transition(
    *,
    subject: Any,
    states: StateTable,
    to: str,
    action: str,
    actor: Actor = None,
    reason: str = "",
    fields: tuple[str, ...] = (),
    data: dict | None = None,
) -> bool:
    """Move ``subject.status`` to ``to`` if ``states`` allows it, save the status (and ``fields`` the
    caller changed with it) and append the audit event ``<action>.<to>`` with both statuses.

    The one way a payments object (refund, dispute, release, payout, monthly plan) changes status;
    call with the row locked. Staying in the same status saves ``fields`` but is not audited.
    Returns whether the status changed. Raises ``TransitionNotAllowed``; nothing is written then.
    """
    previous = subject.status
    states.check(current=previous, to=to)
    subject.status = to
    subject.save(update_fields=["status", *fields])
    if previous == to:
        return False
    audit(actor=actor, action=f"{action}.{to}", subject=subject, reason=reason,
          data={"from": previous, "to": to, **(data or {})})  # fmt: skip
    return True


def _transition(*, campaign: Campaign, to: str, actor: Actor, reason: str = "") -> Campaign:
    with transaction.atomic():
        locked = Campaign.objects.select_for_update().get(pk=campaign.pk)
        if to == locked.status:
            raise TransitionNotAllowed(
                _("The campaign is already %(status)s.") % {"status": locked.get_status_display()}
            )
        CAMPAIGN_STATES.check(current=locked.status, to=to)
        previous = locked.status
        locked.status = to
        locked.save(update_fields=["status", "submitted_by", "updated_at"])
        audit(
            actor=actor,
            action=f"campaign.{to}",
            subject=locked,
            reason=reason,
            data={"from": previous, "to": to},
        )
        if to in STOPS_GIVING:
            campaign_stopped_giving.send(sender=Campaign, campaign_id=locked.pk, previous=previous, status=to)
        campaign_id = locked.pk
        transaction.on_commit(lambda: campaign_status_changed.send(
            sender=Campaign, campaign_id=campaign_id, previous=previous, status=to))  # fmt: skip
    campaign.refresh_from_db()
    return campaign


def campaign_submit(*, campaign: Campaign, actor: Actor) -> Campaign:
    """Send a draft for review. Needs ``campaigns.submit_campaign``."""
    if actor is None or not actor.has_perm("campaigns.submit_campaign"):
        raise PermissionDenied(_("You may not submit campaigns for review."))
    Campaign.objects.filter(pk=campaign.pk).update(submitted_by=actor)
    campaign.submitted_by = actor
    return _transition(campaign=campaign, to=S.IN_REVIEW, actor=actor)


def check_may_approve(*, campaign: Campaign, actor: Actor) -> None:
    """Four eyes on publication: a verifier who is not the submitter. Raises ``PermissionDenied``."""
    if not in_role(actor, VERIFIERS) or not actor.has_perm("campaigns.approve_campaign"):
        raise PermissionDenied(_("Only a verifier may approve a campaign."))
    if campaign.submitted_by_id is not None and campaign.submitted_by_id == actor.pk:
        raise PermissionDenied(_("You cannot approve a campaign you submitted."))


def campaign_approve(*, campaign: Campaign, actor: Actor) -> Campaign:
    """Put a campaign in review live (it then takes gifts). Raises ``PermissionDenied``,
    ``TransitionNotAllowed``, or ``ValidationError`` naming what the public must be shown first:
    the charity's registration and fundraising qualification, the plan's filing number and the
    designated platform (``campaigns.compliance``, ADR 0413)."""
    check_may_approve(campaign=campaign, actor=actor)
    check_may_take_gifts(Campaign.objects.get(pk=campaign.pk))
    return _transition(campaign=campaign, to=S.LIVE, actor=actor)


def campaign_reject(*, campaign: Campaign, actor: Actor, reason: str) -> Campaign:
    """Send a campaign in review back to draft, with the reviewer's reason."""
    check_may_approve(campaign=campaign, actor=actor)
    return _transition(campaign=campaign, to=S.DRAFT, actor=actor, reason=reason)


def campaign_withdraw(*, campaign: Campaign, actor: Actor, reason: str) -> Campaign:
    """Take a campaign in review back to draft because its review was cancelled (the page's
    workflow, by the person who sent it or an editor). Needs ``campaigns.submit_campaign``.
    Raises ``PermissionDenied`` or ``TransitionNotAllowed``; nothing is written then."""
    if actor is None or not actor.has_perm("campaigns.submit_campaign"):
        raise PermissionDenied(_("You may not withdraw campaigns from review."))
    return _transition(campaign=campaign, to=S.DRAFT, actor=actor, reason=reason)


def campaign_update_terms(
    *, campaign: Campaign, actor: Actor, goal: Money, deadline: date, reason: str = ""
) -> Campaign:
    """Change goal or deadline. On a live campaign only an approved review may do this (the
    caller is the publication workflow, acting for the approving verifier); every change is
    audited with the old and new values."""
    _validate_terms(goal=goal, unit_cost=campaign.unit_cost, deadline=deadline, currency=campaign.currency)
    if campaign.status not in (S.DRAFT, S.IN_REVIEW, S.LIVE):
        raise TransitionNotAllowed(_("The terms of a finished campaign cannot change."))
    if campaign.status == S.LIVE:
        check_may_approve(campaign=campaign, actor=actor)
    with transaction.atomic():
        locked = Campaign.objects.select_for_update().get(pk=campaign.pk)
        before = {"goal_minor": locked.goal_minor, "deadline": locked.deadline.isoformat()}
        locked.goal_minor = goal.to_minor()
        locked.deadline = deadline
        after = {"goal_minor": locked.goal_minor, "deadline": locked.deadline.isoformat()}
        if before == after:
            return locked
        locked.save(update_fields=["goal_minor", "deadline", "updated_at"])
        audit(actor=actor, action="campaign.terms_changed", subject=locked, reason=reason,
              data={"before": before, "after": after})  # fmt: skip
    campaign.refresh_from_db()
    return campaign


DETAIL_FIELDS = ("kind", "region", "unit_cost_minor", "unit_label", "funding_model", "currency",
                 "fundraising_filing_number", "designated_platform", "designated_platform_en",
                 "designated_platform_url")  # fmt: skip


def campaign_update_details(
    *,
    campaign: Campaign,
    actor: Actor,
    kind: str,
    region: str,
    unit_cost: Money | None,
    unit_label: str,
    funding_model: str,
    currency: str,
    partner_ids: list[int],
    reason: str = "",
    fundraising_filing_number: str | None = None,
    designated_platform: str | None = None,
    designated_platform_en: str | None = None,
    designated_platform_url: str | None = None,
) -> Campaign:
    """Change what a campaign funds and with whom (everything but goal and deadline), and the
    public-fundraising facts (ADR 0413; None keeps the stored value).

    Only while the campaign is not finished; currency and funding model only before it goes live
    (donors gave under them). Each change is audited (``campaign.details_changed``,
    ``campaign.partners_changed``) with the old and new values. Raises ``ValidationError`` and then
    changes nothing."""
    if unit_cost is not None and unit_cost.currency != currency:
        raise ValidationError(_("Goal and unit cost must be in the campaign's currency."))
    wanted = {
        "kind": kind,
        "region": region,
        "unit_cost_minor": unit_cost.to_minor() if unit_cost else None,
        "unit_label": unit_label,
        "funding_model": funding_model,
        "currency": currency,
    }
    with transaction.atomic():
        locked = Campaign.objects.select_for_update().get(pk=campaign.pk)
        before = {name: getattr(locked, name) for name in DETAIL_FIELDS}
        compliance = {"fundraising_filing_number": fundraising_filing_number,
                      "designated_platform": designated_platform, "designated_platform_en": designated_platform_en,
                      "designated_platform_url": designated_platform_url}  # fmt: skip
        wanted.update(
            {name: before[name] if value is None else value.strip() for name, value in compliance.items()}
        )
        changed = sorted(name for name in DETAIL_FIELDS if before[name] != wanted[name])
        old_partner_ids = sorted(locked.partners.values_list("pk", flat=True))
        new_partner_ids = sorted(partner_ids)
        if not changed and new_partner_ids == old_partner_ids:
            return campaign
        if locked.status not in (S.DRAFT, S.IN_REVIEW, S.LIVE):
            raise TransitionNotAllowed(_("The terms of a finished campaign cannot change."))
        if {"currency", "funding_model"} & set(changed) and locked.status == S.LIVE:
            raise ValidationError(_("Currency and funding model cannot change on a live campaign."))
        if changed:
            for name in changed:
                setattr(locked, name, wanted[name])
            locked.save(update_fields=[*changed, "updated_at"])
            audit(actor=actor, action="campaign.details_changed", subject=locked, reason=reason,
                  data={"before": {n: before[n] for n in changed}, "after": {n: wanted[n] for n in changed}})  # fmt: skip
        if new_partner_ids != old_partner_ids:
            locked.partners.set(new_partner_ids)
            audit(actor=actor, action="campaign.partners_changed", subject=locked, reason=reason,
                  data={"before": old_partner_ids, "after": new_partner_ids})  # fmt: skip
    campaign.refresh_from_db()
    return campaign


def campaign_set_english_texts(
    *, campaign: Campaign, actor: Actor, title: str, unit_label: str, region: str
) -> Campaign:
    """Record the campaign's English public title, unit label and region (``<field>_en``),
    read by pages outside the CMS, mails and PDFs for English readers (ADR 0403). Texts, not
    terms: allowed in any status; audited as ``campaign.translation_changed``; idempotent."""
    return english_texts_set(
        actor=actor, record=campaign, texts={"title": title, "unit_label": unit_label, "region": region}
    )


# The texts that records outside the CMS show to readers, each with an English twin
# ``<field>_en`` (ADR 0403). Nothing else may be written through ``english_texts_set``.
ENGLISH_TWINS = {
    "campaigns.Campaign": ("title", "unit_label", "region"),
    "campaigns.Partner": ("name", "region", "description"),
    "campaigns.Beneficiary": ("pseudonym", "county", "story"),
    "campaigns.Evidence": ("summary",),
    "campaigns.Grant": ("title",),
    "campaigns.Milestone": ("title",),
    "campaigns.Need": ("title", "county", "description"),
}


def english_texts_set(*, actor: Actor, record: Any, texts: dict[str, str]) -> Any:
    """Write English twins of a record's public texts, e.g. ``texts={"name": "Dafang County No. 1
    High School"}`` sets ``name_en``. Only the fields in ``ENGLISH_TWINS`` (else ``ValueError``);
    texts must stay free of restricted data as the originals are. Audited as
    ``<model>.translation_changed`` when something changed; idempotent."""
    allowed = ENGLISH_TWINS.get(record._meta.label, ())
    unknown = sorted(set(texts) - set(allowed))
    if unknown:
        raise ValueError(f"no English twin for {record._meta.label}.{', '.join(unknown)}")
    wanted = {f"{name}_en": value.strip() for name, value in texts.items()}
    with transaction.atomic():
        locked = type(record).objects.select_for_update().get(pk=record.pk)
        before = {name: getattr(locked, name) for name in wanted}
        if before == wanted:
            return record
        type(record).objects.filter(pk=record.pk).update(**wanted)
        audit(actor=actor, action=f"{record._meta.model_name}.translation_changed", subject=locked,
              data={"before": before, "after": wanted})  # fmt: skip
    for name, value in wanted.items():
        setattr(record, name, value)
    return record


def campaign_finish(*, campaign: Campaign, actor: Actor, succeeded: bool, reason: str = "") -> Campaign:
    """Mark a live campaign funded or failed (the deadline job, or a finance officer)."""
    return _transition(campaign=campaign, to=S.FUNDED if succeeded else S.FAILED, actor=actor, reason=reason)


def campaign_close(*, campaign: Campaign, actor: Actor, reason: str) -> Campaign:
    """Close a campaign for good. Needs ``campaigns.close_campaign``."""
    if actor is not None and not actor.has_perm("campaigns.close_campaign"):
        raise PermissionDenied(_("You may not close campaigns."))
    return _transition(campaign=campaign, to=S.CLOSED, actor=actor, reason=reason)
