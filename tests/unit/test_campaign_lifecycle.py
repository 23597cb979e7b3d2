from datetime import date

import pytest
from django.core.exceptions import PermissionDenied

from campaigns.models import AuditEvent, CampaignStatus
from campaigns.money import Money
from campaigns.services import (
    TransitionNotAllowed,
    campaign_approve,
    campaign_finish,
    campaign_submit,
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
