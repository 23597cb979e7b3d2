"""Four eyes on what is published, and the Campaign record in step with its page's workflow
(ADR 0103): whatever path Wagtail takes, nobody approves content they sent or changed, and the
Campaign follows approve, reject, resubmit, cancel and scheduled go-live."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.utils import timezone
from wagtail.models import Revision, WorkflowState

from campaigns.models import AuditEvent, Campaign, CampaignStatus
from campaigns.services import CAMPAIGN_STATES
from cms.models import CampaignPage
from cms.models.workflow import ReviewRefused
from tests.cms.test_admin_review_refusal import edit_form
from tests.cms.test_workflow import draft_page, review, submit

pytestmark = pytest.mark.django_db


def campaign_of(page) -> Campaign:
    return Campaign.objects.get(pk=page.campaign_id)


def fresh(page) -> CampaignPage:
    return CampaignPage.objects.get(pk=page.pk)


def test_a_verifier_who_edits_the_goal_in_review_and_approves_is_refused(client, index, editor, verifier):
    # given an editor's page in review
    page = draft_page(index, editor)
    submit(page, editor)
    revisions = Revision.objects.count()
    client.force_login(verifier)

    # when the verifier changes the goal to ¥9,000,000 in the edit view and approves in the same post
    response = client.post(
        f"/admin/pages/{page.pk}/edit/",
        edit_form(
            page, goal="9000000", **{"action-workflow-action": "true", "workflow-action-name": "approve"}
        ),
        follow=True,
    )

    # then the approval is refused with the reason, and nothing is written: no revision, no publication,
    # the Campaign still in review with its old goal
    assert "您在页面上次发布后修改过它，须由另一位核查员批准。" in response.content.decode()
    page = fresh(page)
    assert (page.live, page.current_workflow_state.status) == (False, WorkflowState.STATUS_IN_PROGRESS)
    assert Revision.objects.count() == revisions
    assert (campaign_of(page).status, campaign_of(page).goal_minor) == (CampaignStatus.IN_REVIEW, 60_000_000)
    assert not AuditEvent.objects.filter(action__in=["campaign.live", "campaign.terms_changed"]).exists()


def test_an_edit_saved_in_review_needs_another_verifier_and_goes_live_only_as_approved(
    index, editor, verifier, second_verifier
):
    # given an editor's page in review, and a verifier who saves a goal of ¥9,000,000 on it
    page = draft_page(index, editor)
    submit(page, editor)
    edited = fresh(page).get_latest_revision_as_object()
    edited.goal = Decimal("9000000")
    edited.save_revision(user=verifier)

    # then that verifier may no longer approve it
    assert fresh(page).current_workflow_task.specific.get_actions(fresh(page), verifier) == []
    with pytest.raises(ReviewRefused, match="须由另一位核查员批准"):
        review(page, verifier)
    assert (fresh(page).live, campaign_of(page).status) == (False, CampaignStatus.IN_REVIEW)

    # when another verifier approves the review started on the editor's revision: Wagtail asks
    # again for the edited revision, and the Campaign does not move
    review(page, second_verifier)
    assert fresh(page).current_workflow_state is not None
    assert (fresh(page).live, campaign_of(page).status, campaign_of(page).goal_minor) == (
        False, CampaignStatus.IN_REVIEW, 60_000_000,
    )  # fmt: skip

    # and approves the edited revision
    review(page, second_verifier)

    # then the page and the Campaign go live together, with the goal that was approved, by them
    page = fresh(page)
    assert (page.live, page.goal) == (True, Decimal("9000000.00"))
    assert (campaign_of(page).status, campaign_of(page).goal_minor) == (CampaignStatus.LIVE, 900_000_000)
    assert AuditEvent.objects.get(action="campaign.live").actor == second_verifier
    assert AuditEvent.objects.get(action="campaign.terms_changed").actor == second_verifier


def test_a_verifier_who_is_also_an_editor_and_changed_the_draft_cannot_approve(
    index, editor, verifier, django_user_model
):
    # given a verifier with the editor role who edits a draft that another editor then submits
    verifier.groups.add(Group.objects.get(name="Editors"))
    verifier = django_user_model.objects.get(pk=verifier.pk)
    page = draft_page(index, editor)
    draft = page.get_latest_revision_as_object()
    draft.intro = "核实员改过的摘要"
    draft.save_revision(user=verifier)
    submit(page, editor)

    # then they are offered nothing and their approval is refused
    assert fresh(page).current_workflow_task.specific.get_actions(fresh(page), verifier) == []
    with pytest.raises(ReviewRefused):
        review(page, verifier)
    assert (fresh(page).live, campaign_of(page).status) == (False, CampaignStatus.IN_REVIEW)


def test_rejected_then_resubmitted_goes_back_to_review_and_needs_a_verifier(index, editor, verifier):
    # given a review in which the verifier asked for changes
    page = draft_page(index, editor)
    submit(page, editor)
    review(page, verifier, "reject", comment="请补充医院资质")
    assert campaign_of(page).status == CampaignStatus.DRAFT

    # when the editor resubmits
    fresh(page).current_workflow_state.resume(editor)

    # then the Campaign is in review again, sent by the editor, and the editor cannot approve it
    assert (campaign_of(page).status, campaign_of(page).submitted_by) == (CampaignStatus.IN_REVIEW, editor)
    with pytest.raises(PermissionDenied):
        review(page, editor)
    review(page, verifier)
    assert (fresh(page).live, campaign_of(page).status) == (True, CampaignStatus.LIVE)
    # and every status change on the way was a move of the declared table, audited
    moves = [
        (e.action, e.actor, e.data["from"], e.data["to"])
        for e in AuditEvent.objects.filter(subject_id=str(page.campaign_id)).order_by("id")
        if "from" in e.data
    ]
    assert moves == [
        ("campaign.in_review", editor, "draft", "in_review"),
        ("campaign.draft", verifier, "in_review", "draft"),
        ("campaign.in_review", editor, "draft", "in_review"),
        ("campaign.live", verifier, "in_review", "live"),
    ]
    assert all(CAMPAIGN_STATES.may(current=before, to=after) for _a, _u, before, after in moves)


def test_cancelling_a_review_takes_the_campaign_back_to_draft(index, editor):
    page = draft_page(index, editor)
    submit(page, editor)
    assert campaign_of(page).status == CampaignStatus.IN_REVIEW

    fresh(page).current_workflow_state.cancel(user=editor)

    assert campaign_of(page).status == CampaignStatus.DRAFT
    event = AuditEvent.objects.get(action="campaign.draft")
    assert (event.actor, event.reason, event.data) == (
        editor,
        "审核已取消",
        {"from": "in_review", "to": "draft"},
    )


def test_cancelling_a_review_from_the_edit_view_takes_the_campaign_back_to_draft(client, index, editor):
    page = draft_page(index, editor)
    submit(page, editor)
    client.force_login(editor)

    response = client.post(
        f"/admin/pages/{page.pk}/edit/", edit_form(page, **{"action-cancel-workflow": "true"})
    )

    assert response.status_code == 200  # the page was locked for the editor: Wagtail cancels and re-renders
    assert fresh(page).current_workflow_state is None
    assert campaign_of(page).status == CampaignStatus.DRAFT


def test_cancelling_a_review_of_a_change_keeps_a_live_campaign_live(index, editor):
    from tests.cms_factories import CampaignPageFactory

    page = CampaignPageFactory(parent=index, owner=editor, campaign__goal_minor=60_000_000)
    draft = page.get_latest_revision_as_object()
    draft.goal = Decimal("750000")
    draft.save_revision(user=editor)
    submit(page, editor)

    fresh(page).current_workflow_state.cancel(user=editor)

    assert (campaign_of(page).status, campaign_of(page).goal_minor) == (CampaignStatus.LIVE, 60_000_000)


def test_a_scheduled_page_and_its_campaign_go_live_together_at_go_live(index, editor, verifier):
    # given a page approved for a go-live date in the future
    page = draft_page(index, editor, go_live_at=timezone.now() + timedelta(days=2))
    submit(page, editor)
    review(page, verifier)

    # then neither is live yet
    assert (fresh(page).live, campaign_of(page).status) == (False, CampaignStatus.IN_REVIEW)
    call_command("publish_scheduled", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert (fresh(page).live, campaign_of(page).status) == (False, CampaignStatus.IN_REVIEW)

    # when the go-live time has come and the scheduler runs
    past = timezone.now() - timedelta(minutes=1)
    scheduled = Revision.objects.get(approved_go_live_at__isnull=False)
    scheduled.approved_go_live_at, scheduled.content["go_live_at"] = past, past.isoformat()
    scheduled.save()
    call_command("publish_scheduled", stdout=open("/dev/null", "w"))  # noqa: SIM115

    # then the page and the Campaign go live together, on the verifier's approval
    assert (fresh(page).live, campaign_of(page).status) == (True, CampaignStatus.LIVE)
    assert AuditEvent.objects.get(action="campaign.live").actor == verifier


def test_publishing_without_review_does_not_change_the_campaign(index, editor, admin_user):
    # given a draft campaign page, published directly by a superuser (no review)
    page = draft_page(index, editor)

    fresh(page).get_latest_revision().publish(user=admin_user)

    # then the page is live but the Campaign is still a draft, and not listed publicly
    assert fresh(page).live
    assert campaign_of(page).status == CampaignStatus.DRAFT


def test_a_scheduled_go_live_the_campaign_refuses_leaves_the_page_unpublished(index, editor, verifier):
    # given a page approved for a later go-live, whose approver is no longer a verifier by then
    page = draft_page(index, editor, go_live_at=timezone.now() + timedelta(days=2))
    submit(page, editor)
    review(page, verifier)
    verifier.groups.clear()
    past = timezone.now() - timedelta(minutes=1)
    scheduled = Revision.objects.get(approved_go_live_at__isnull=False)
    scheduled.approved_go_live_at, scheduled.content["go_live_at"] = past, past.isoformat()
    scheduled.save()

    # when the scheduler runs, the Campaign refuses
    with pytest.raises(PermissionDenied):
        call_command("publish_scheduled", stdout=open("/dev/null", "w"))  # noqa: SIM115

    # then neither went live
    assert (fresh(page).live, campaign_of(page).status) == (False, CampaignStatus.IN_REVIEW)
    assert not AuditEvent.objects.filter(action="campaign.live").exists()
