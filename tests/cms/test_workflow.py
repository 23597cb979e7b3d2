"""Publication workflow: editors cannot publish, the submitter cannot approve, a verifier can, and
only an approved review changes the Campaign (ADR 0100)."""

from datetime import date
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import ProtectedError
from wagtail.actions.publish_page_revision import PublishPagePermissionError

from campaigns.models import AuditEvent, Campaign, CampaignStatus
from cms.models import CampaignPage
from cms.models.workflow import ReviewRefused
from cms.services import campaign_page_ensure_record
from tests.cms_factories import CampaignPageFactory

pytestmark = pytest.mark.django_db


def draft_page(index, editor, **terms) -> CampaignPage:
    """What the admin's create view does: add the page as a draft, then the after_create_page hook."""
    fields = {
        "title": "白内障复明手术项目", "slug": "cataract", "intro": "3,000 元让一位老人重见光明。",
        "kind": "medical", "region": "湖南省永州市", "currency": "CNY", "goal": Decimal("600000"),
        "unit_cost": Decimal("3000"), "unit_label": "一例白内障手术", "deadline": date(2027, 3, 31),
        "funding_model": "keep", "live": False, "owner": editor,
        "fundraising_filing_number": "53430000MJ0000001F26001", "designated_platform": "示例公益平台",
        "designated_platform_en": "Example giving platform",
    } | terms  # fmt: skip
    page = CampaignPage(**fields)
    index.add_child(instance=page)
    page.save_revision(user=editor)
    campaign_page_ensure_record(page=page, actor=editor)
    return CampaignPage.objects.get(pk=page.pk)


def submit(page, user):
    page.get_workflow().start(page, user)


def review(page, user, action="approve", **kwargs):
    page = CampaignPage.objects.get(pk=page.pk)
    task_state = page.current_workflow_task_state
    task_state.task.specific.on_action(task_state, user, action, **kwargs)


def test_creating_a_page_creates_a_draft_campaign_with_its_terms(index, editor):
    page = draft_page(index, editor)

    campaign = page.campaign
    assert campaign.status == CampaignStatus.DRAFT
    assert (campaign.goal_minor, campaign.unit_cost_minor, campaign.deadline) == (
        60_000_000,
        300_000,
        date(2027, 3, 31),
    )
    assert campaign.slug == "cataract"
    assert list(AuditEvent.objects.filter(subject_id=str(campaign.pk)).values_list("action", "actor")) == [
        ("campaign.created", editor.pk)
    ]


def test_an_editor_cannot_publish(index, editor):
    page = draft_page(index, editor)

    assert not page.permissions_for_user(editor).can_publish()
    with pytest.raises(PublishPagePermissionError):
        page.get_latest_revision().publish(user=editor)
    page.refresh_from_db()
    assert not page.live
    assert page.campaign.status == CampaignStatus.DRAFT


def test_submitting_puts_the_campaign_in_review(index, editor):
    page = draft_page(index, editor)

    submit(page, editor)

    campaign = Campaign.objects.get(pk=page.campaign_id)
    assert campaign.status == CampaignStatus.IN_REVIEW
    assert campaign.submitted_by == editor


def test_the_submitter_cannot_approve_their_own_submission(index, verifier, django_user_model):
    # given a verifier who is also an editor and submits a page
    verifier.groups.add(Group.objects.get(name="Editors"))
    verifier = django_user_model.objects.get(pk=verifier.pk)
    page = draft_page(index, verifier)
    submit(page, verifier)
    task = page.current_workflow_task.specific

    # then Wagtail offers them no review action, and approving anyway is refused
    assert task.get_actions(page, verifier) == []
    with pytest.raises(ReviewRefused, match="您不能批准自己提交的页面"):
        review(page, verifier)
    page.refresh_from_db()
    assert not page.live
    assert page.campaign.status == CampaignStatus.IN_REVIEW
    assert not AuditEvent.objects.filter(action="campaign.live").exists()


def test_another_editor_cannot_approve(index, editor, second_editor):
    page = draft_page(index, editor)
    submit(page, editor)

    assert page.current_workflow_task.specific.get_actions(page, second_editor) == []
    with pytest.raises(PermissionDenied):
        review(page, second_editor)
    assert Campaign.objects.get(pk=page.campaign_id).status == CampaignStatus.IN_REVIEW


def test_a_verifier_approves_and_the_campaign_goes_live(index, editor, verifier):
    page = draft_page(index, editor)
    submit(page, editor)

    review(page, verifier)

    page.refresh_from_db()
    campaign = Campaign.objects.get(pk=page.campaign_id)
    assert page.live
    assert campaign.status == CampaignStatus.LIVE
    actions = AuditEvent.objects.filter(subject_id=str(campaign.pk)).order_by("id")
    assert list(actions.values_list("action", "actor")) == [
        ("campaign.created", editor.pk),
        ("campaign.in_review", editor.pk),
        ("campaign.live", verifier.pk),
    ]


def test_a_rejected_review_sends_the_campaign_back_to_draft(index, editor, verifier):
    page = draft_page(index, editor)
    submit(page, editor)

    review(page, verifier, "reject", comment="请补充医院资质")

    page.refresh_from_db()
    assert not page.live
    campaign = Campaign.objects.get(pk=page.campaign_id)
    assert campaign.status == CampaignStatus.DRAFT
    assert AuditEvent.objects.get(action="campaign.draft").reason == "请补充医院资质"


def test_a_draft_edit_does_not_change_the_campaign(index, editor):
    # given a live campaign page
    page = CampaignPageFactory(parent=index, campaign__goal_minor=60_000_000)
    before = Campaign.objects.filter(pk=page.campaign_id).values().get()

    # when an editor saves a draft with a new goal, deadline and funding model
    draft = page.get_latest_revision_as_object()
    draft.goal, draft.deadline, draft.unit_label = Decimal("900000"), date(2028, 1, 1), "另一个单位"
    draft.save_revision(user=editor)

    # then the Campaign row is untouched and the public page still shows the approved goal
    assert Campaign.objects.filter(pk=page.campaign_id).values().get() == before
    assert not AuditEvent.objects.exists()


def test_a_goal_change_on_a_live_campaign_goes_through_review_and_is_audited(index, editor, verifier):
    page = CampaignPageFactory(parent=index, campaign__goal_minor=60_000_000, owner=editor)
    old_deadline = page.campaign.deadline
    draft = page.get_latest_revision_as_object()
    draft.goal = Decimal("750000")
    draft.save_revision(user=editor)
    submit(page, editor)
    assert Campaign.objects.get(pk=page.campaign_id).goal_minor == 60_000_000  # in review: unchanged

    review(page, verifier)

    campaign = Campaign.objects.get(pk=page.campaign_id)
    assert campaign.goal_minor == 75_000_000
    assert campaign.status == CampaignStatus.LIVE
    event = AuditEvent.objects.get(action="campaign.terms_changed")
    assert event.actor == verifier
    assert event.data == {
        "before": {"goal_minor": 60_000_000, "deadline": old_deadline.isoformat()},
        "after": {"goal_minor": 75_000_000, "deadline": old_deadline.isoformat()},
    }


def test_changing_the_funding_model_of_a_live_campaign_is_refused_at_approval(index, editor, verifier):
    page = CampaignPageFactory(parent=index, owner=editor)
    draft = page.get_latest_revision_as_object()
    draft.funding_model = "all_or_nothing"
    draft.save_revision(user=editor, clean=False)
    submit(page, editor)

    with pytest.raises(ReviewRefused, match="项目提交审核后不能再修改此项") as refusal:
        review(page, verifier)

    assert refusal.value.page_id == page.pk

    campaign = Campaign.objects.get(pk=page.campaign_id)
    assert campaign.funding_model == "keep"
    assert CampaignPage.objects.get(pk=page.pk).funding_model == "keep"  # the change was not published
    assert not AuditEvent.objects.filter(subject_id=str(campaign.pk)).exists()


def test_unpublishing_a_page_in_code_closes_the_campaign_and_deleting_it_keeps_the_record(index):
    # (issue 12: the Campaign follows page.unpublish() through its table, ADR 0103)
    page = CampaignPageFactory(parent=index)
    campaign_id = page.campaign_id

    page.unpublish()
    assert Campaign.objects.get(pk=campaign_id).status == CampaignStatus.CLOSED
    page.delete()

    assert Campaign.objects.get(pk=campaign_id).status == CampaignStatus.CLOSED


def test_a_campaign_with_a_page_cannot_be_deleted(index):
    page = CampaignPageFactory(parent=index)

    with pytest.raises(ProtectedError):
        page.campaign.delete()
    assert Campaign.objects.filter(pk=page.campaign_id).exists()


def test_a_translation_shares_the_campaign_and_its_terms_are_ignored(index, english, editor, verifier):
    # given a live zh-hans campaign page and its English translation with a different goal
    page = CampaignPageFactory(parent=index, campaign__goal_minor=60_000_000)
    index.copy_for_translation(english, copy_parents=True)
    translation = page.copy_for_translation(english)
    translation.title, translation.goal, translation.unit_label = (
        "Cataract surgery",
        Decimal("1"),
        "one surgery",
    )
    translation.save_revision(user=editor)

    # when the translation is reviewed and approved
    submit(translation, editor)
    review(translation, verifier)

    # then it points at the same Campaign, whose goal is unchanged
    translation.refresh_from_db()
    assert translation.live
    assert translation.campaign_id == page.campaign_id
    assert Campaign.objects.get(pk=page.campaign_id).goal_minor == 60_000_000
    assert not AuditEvent.objects.filter(action="campaign.terms_changed").exists()


def test_an_old_revision_cannot_repoint_the_page_at_another_campaign(index, editor):
    page = CampaignPageFactory(parent=index)
    other = CampaignPageFactory(parent=index).campaign
    revision = page.save_revision(user=editor)
    revision.content["campaign"] = other.pk
    revision.save()

    assert revision.as_object().campaign_id == page.campaign_id


def test_a_translation_is_linked_to_the_original_campaign_when_created(index, english):
    page = CampaignPageFactory(parent=index)
    index.copy_for_translation(english, copy_parents=True)

    translation = page.copy_for_translation(english)
    translation.save()  # a stale in-memory instance cannot drop the link

    assert CampaignPage.objects.get(pk=translation.pk).campaign_id == page.campaign_id


def test_the_terms_of_a_finished_campaign_cannot_be_edited(index, editor):
    page = CampaignPageFactory(parent=index, campaign__status=CampaignStatus.FUNDED)
    draft = page.get_latest_revision_as_object()
    draft.goal = Decimal("1")

    with pytest.raises(ValidationError) as error:
        draft.full_clean()

    assert "goal" in error.value.message_dict
    draft.goal = page.campaign.goal.amount
    draft.intro = "项目已筹满，感谢每一位捐赠人。"
    draft.full_clean()  # presentation may still change
