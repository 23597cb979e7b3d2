from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from campaigns.models import AuditEvent, CampaignStatus
from campaigns.money import Money
from campaigns.services import (
    TransitionNotAllowed,
    campaign_approve,
    campaign_finish,
    campaign_submit,
    campaign_update_details,
    campaign_update_terms,
)
from tests.factories import CampaignFactory

pytestmark = pytest.mark.django_db


def test_editor_submits_and_another_verifier_approves(editor, verifier):
    campaign = CampaignFactory()

    campaign_submit(campaign=campaign, actor=editor)
    campaign_approve(campaign=campaign, actor=verifier)

    assert campaign.status == CampaignStatus.LIVE
    actions = list(AuditEvent.objects.filter(subject_id=str(campaign.pk)).values_list("action", flat=True))
    assert actions == ["campaign.live", "campaign.in_review"]


def test_editor_cannot_approve(editor, second_editor):
    campaign = CampaignFactory()
    campaign_submit(campaign=campaign, actor=editor)

    with pytest.raises(PermissionDenied):
        campaign_approve(campaign=campaign, actor=second_editor)

    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.IN_REVIEW


def test_submitter_cannot_approve_own_submission(verifier, django_user_model):
    from django.contrib.auth.models import Group

    verifier.groups.add(Group.objects.get(name="Editors"))
    verifier = django_user_model.objects.get(pk=verifier.pk)  # drop the permission cache
    campaign = CampaignFactory()
    campaign_submit(campaign=campaign, actor=verifier)

    with pytest.raises(PermissionDenied):
        campaign_approve(campaign=campaign, actor=verifier)
    assert not AuditEvent.objects.filter(action="campaign.live").exists()


def test_a_draft_cannot_jump_to_live(verifier):
    campaign = CampaignFactory()

    with pytest.raises(TransitionNotAllowed):
        campaign_approve(campaign=campaign, actor=verifier)
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.DRAFT


def test_a_failed_campaign_cannot_become_funded():
    campaign = CampaignFactory(status=CampaignStatus.FAILED)

    with pytest.raises(TransitionNotAllowed):
        campaign_finish(campaign=campaign, actor=None, succeeded=True)


def test_changing_a_live_goal_needs_a_verifier_and_is_audited(editor, verifier):
    campaign = CampaignFactory(status=CampaignStatus.LIVE, goal_minor=100_000)

    with pytest.raises(PermissionDenied):
        campaign_update_terms(
            campaign=campaign, actor=editor, goal=Money.parse("2000", "CNY"), deadline=campaign.deadline
        )
    campaign_update_terms(
        campaign=campaign,
        actor=verifier,
        goal=Money.parse("2000", "CNY"),
        deadline=date(2027, 6, 30),
        reason="more patients",
    )

    campaign.refresh_from_db()
    assert campaign.goal_minor == 200_000
    event = AuditEvent.objects.get(action="campaign.terms_changed")
    assert event.data["before"]["goal_minor"] == 100_000
    assert event.data["after"] == {"goal_minor": 200_000, "deadline": "2027-06-30"}
    assert event.actor == verifier


def _details(campaign, **overrides):
    values = {
        "kind": campaign.kind,
        "region": campaign.region,
        "unit_cost": campaign.unit_cost,
        "unit_label": campaign.unit_label,
        "funding_model": campaign.funding_model,
        "currency": campaign.currency,
        "partner_ids": [],
    }
    return values | overrides


def test_details_change_is_audited_with_old_and_new_values(verifier):
    campaign = CampaignFactory(status=CampaignStatus.LIVE, region="湖南省永州市")

    campaign_update_details(campaign=campaign, actor=verifier, **_details(campaign, region="贵州省丹寨县"))

    campaign.refresh_from_db()
    assert campaign.region == "贵州省丹寨县"
    event = AuditEvent.objects.get(action="campaign.details_changed")
    assert event.data == {"before": {"region": "湖南省永州市"}, "after": {"region": "贵州省丹寨县"}}


def test_currency_cannot_change_once_donors_gave_under_it(verifier):
    campaign = CampaignFactory(status=CampaignStatus.LIVE)

    with pytest.raises(ValidationError):
        campaign_update_details(
            campaign=campaign, actor=verifier, **_details(campaign, currency="USD", unit_cost=None)
        )

    campaign.refresh_from_db()
    assert campaign.currency == "CNY"
    assert not AuditEvent.objects.filter(action="campaign.details_changed").exists()


def test_a_closed_campaign_keeps_its_details(verifier):
    campaign = CampaignFactory(status=CampaignStatus.CLOSED)

    with pytest.raises(TransitionNotAllowed):
        campaign_update_details(campaign=campaign, actor=verifier, **_details(campaign, unit_label="x"))
