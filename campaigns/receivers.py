"""Signal receivers of the campaigns area, connected in ``CampaignsConfig.ready``: records shown
in a campaign page's cached panels start a new panel version when they change."""

from __future__ import annotations

from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from campaigns.models import Beneficiary, Campaign, Evidence, Milestone, Partner
from campaigns.public_cache import bump_campaign_panels


@receiver(post_save, sender=Beneficiary, dispatch_uid="campaigns.panels_on_beneficiary")
@receiver(post_delete, sender=Beneficiary, dispatch_uid="campaigns.panels_on_beneficiary_delete")
def _beneficiary_changed(sender, instance: Beneficiary, **kwargs) -> None:
    bump_campaign_panels(campaign_id=instance.campaign_id)


@receiver(post_save, sender=Milestone, dispatch_uid="campaigns.panels_on_milestone")
@receiver(post_delete, sender=Milestone, dispatch_uid="campaigns.panels_on_milestone_delete")
def _milestone_changed(sender, instance: Milestone, **kwargs) -> None:
    campaign_id = Beneficiary.objects.filter(pk=instance.beneficiary_id).values_list("campaign_id", flat=True)
    bump_campaign_panels(campaign_id=campaign_id.first())


@receiver(post_save, sender=Evidence, dispatch_uid="campaigns.panels_on_evidence")
@receiver(post_delete, sender=Evidence, dispatch_uid="campaigns.panels_on_evidence_delete")
def _evidence_changed(sender, instance: Evidence, **kwargs) -> None:
    beneficiaries = (
        Beneficiary.objects.filter(pk=instance.beneficiary_id) if instance.beneficiary_id else None
    )
    if beneficiaries is None and instance.milestone_id:
        beneficiaries = Beneficiary.objects.filter(milestones__pk=instance.milestone_id)
    if beneficiaries is None and instance.need_id:
        beneficiaries = Beneficiary.objects.filter(needs__pk=instance.need_id)
    if beneficiaries is not None:
        bump_campaign_panels(campaign_id=beneficiaries.values_list("campaign_id", flat=True).first())


@receiver(m2m_changed, sender=Campaign.partners.through, dispatch_uid="campaigns.panels_on_partners")
def _partners_changed(sender, instance, action: str, reverse: bool, pk_set, **kwargs) -> None:
    if not action.startswith("post_"):
        return
    if not reverse:
        bump_campaign_panels(campaign_id=instance.pk)
        return
    for campaign_id in pk_set or instance.campaign_set.values_list("pk", flat=True):
        bump_campaign_panels(campaign_id=campaign_id)


@receiver(post_save, sender=Partner, dispatch_uid="campaigns.panels_on_partner")
def _partner_changed(sender, instance: Partner, **kwargs) -> None:
    for campaign_id in instance.campaign_set.values_list("pk", flat=True):
        bump_campaign_panels(campaign_id=campaign_id)


@receiver(post_save, sender=Campaign, dispatch_uid="campaigns.panels_on_campaign")
@receiver(post_delete, sender=Campaign, dispatch_uid="campaigns.panels_on_campaign_delete")
def _campaign_changed(sender, instance: Campaign, **kwargs) -> None:
    # Its status, deadline, goal and texts are on every page of it (kept whole: ADR 0241).
    bump_campaign_panels(campaign_id=instance.pk)
