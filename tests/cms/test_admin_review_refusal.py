"""A refused approval in the admin tells the verifier why, and changes nothing (ADR 0100)."""

import json
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from wagtail.models import TaskState
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from campaigns.compliance import CAMPAIGN_FIELDS
from campaigns.models import AuditEvent, Campaign, CampaignStatus
from cms.models import CampaignPage
from tests.cms_factories import CampaignPageFactory, story

pytestmark = pytest.mark.django_db

REASON = "页面“白内障复明手术项目”仍在审核中：项目提交审核后不能再修改此项。"
GENERIC = "Sorry, you do not have permission"


@pytest.fixture
def locked_term_change(index, editor):
    """A live campaign page whose submitted draft changes the funding model, which the services
    refuse on a live campaign."""
    page = CampaignPageFactory(parent=index, title="白内障复明手术项目", owner=editor)
    draft = page.get_latest_revision_as_object()
    draft.funding_model = "all_or_nothing"
    draft.save_revision(user=editor, clean=False)
    page.get_workflow().start(page, editor)
    return CampaignPage.objects.get(pk=page.pk)


def snapshot(page):
    page = CampaignPage.objects.get(pk=page.pk)
    task_state = page.current_workflow_task_state
    return {
        "page": (page.live, page.funding_model, page.live_revision_id),
        "workflow": (page.current_workflow_state.pk, page.current_workflow_state.status),
        "task": (task_state.pk, task_state.status),
        "tasks": TaskState.objects.count(),
        "revisions": page.revisions.count(),
        "campaign": Campaign.objects.filter(pk=page.campaign_id).values().get(),
        "audit": AuditEvent.objects.count(),
    }


def approve_url(page):
    return f"/admin/pages/workflow/action/{page.pk}/approve/{page.current_workflow_task_state.pk}/"


def test_approving_from_the_dashboard_shows_the_reason(client, verifier, locked_term_change):
    page = locked_term_change
    before = snapshot(page)
    client.force_login(verifier)

    response = client.post(approve_url(page), {"next": "/admin/"}, follow=True)

    html = response.content.decode()
    assert response.redirect_chain == [("/admin/", 302)]
    assert REASON in html
    assert GENERIC not in html
    assert snapshot(page) == before
    assert approve_url(page) in html  # still on the dashboard, awaiting the verifier's review


def test_approving_from_the_dashboard_dialog_shows_the_reason(client, verifier, locked_term_change):
    page = locked_term_change
    before = snapshot(page)
    client.force_login(verifier)

    response = client.post(
        approve_url(page),
        {"next": "/admin/", "comment": "条款已核对"},
        headers={"x-requested-with": "XMLHttpRequest"},
    )

    # the dialog is told to go back to the dashboard, which shows the reason
    answer = json.loads(response.content)
    assert (answer["step"], answer["redirect"]) == ("success", "/admin/")
    assert REASON in client.get("/admin/").content.decode()
    assert snapshot(page) == before


@pytest.fixture
def own_campaign_resubmitted(index, editor, verifier):
    """A verifier who is also an editor submitted the campaign (its record says so) and another
    editor wrote the page and submitted it. The page's four-eyes check offers the verifier the
    review actions (they neither sent nor changed this page); the campaign services' check
    (``check_may_approve``) refuses them."""
    verifier.groups.add(Group.objects.get(name="Editors"))
    page = CampaignPageFactory(
        parent=index,
        title="白内障复明手术项目",
        owner=verifier,
        campaign__status=CampaignStatus.IN_REVIEW,
        campaign__submitted_by=verifier,
        live=False,
    )
    page.save_revision(user=editor)
    page.get_workflow().start(page, editor)
    return CampaignPage.objects.get(pk=page.pk)


def story_value(block):
    return rich_text(block.value.source) if block.block_type == "paragraph" else block.value


def edit_form(page, **extra):
    """The edit form as the page's latest revision fills it (a rich-text paragraph comes back with
    block keys, which Wagtail counts as a change)."""
    draft = page.get_latest_revision_as_object()
    data = nested_form_data(
        {
            "title": draft.title,
            "slug": draft.slug,
            "intro": draft.intro,
            "story": streamfield([(block.block_type, story_value(block)) for block in draft.story]),
            "kind": draft.kind,
            "region": draft.region,
            "currency": draft.currency,
            "goal": str(draft.goal),
            "unit_cost": str(draft.unit_cost),
            "unit_label": draft.unit_label,
            "deadline": draft.deadline.isoformat(),
            "funding_model": draft.funding_model,
            **{name: getattr(draft, name) for name in CAMPAIGN_FIELDS},
            "comments": inline_formset([]),
            **extra,
        }
    )
    data |= {f"story-{i}-id": block.id for i, block in enumerate(draft.story)}
    return data


def test_approving_from_the_edit_view_shows_the_reason(client, verifier, own_campaign_resubmitted):
    page = own_campaign_resubmitted
    before = snapshot(page)
    client.force_login(verifier)
    actions = page.current_workflow_task.specific.get_actions(page, verifier)
    assert "approve" in [name for name, _label, _modal in actions]

    # when they edit the summary and approve from the edit view
    response = client.post(
        f"/admin/pages/{page.pk}/edit/",
        edit_form(
            page,
            intro="核实员改过的摘要",
            **{"action-workflow-action": "true", "workflow-action-name": "approve"},
        ),
        follow=True,
    )

    # then they are told why, and nothing was written: not even the edit saved before the action

    html = response.content.decode()
    assert response.redirect_chain == [(f"/admin/pages/{page.pk}/edit/", 302)]
    # (the edit saved with the action makes them an author of what they would approve)
    assert "页面“白内障复明手术项目”仍在审核中：您在页面上次发布后修改过它，须由另一位核查员批准。" in html
    assert GENERIC not in html
    assert snapshot(page) == before
    assert Campaign.objects.get(pk=page.campaign_id).status == CampaignStatus.IN_REVIEW
    assert CampaignPage.objects.get(pk=page.pk).get_latest_revision_as_object().intro == page.intro


def test_approving_from_the_edit_view_still_publishes(client, index, editor, verifier):
    # given a goal change on a live campaign, submitted for review
    page = CampaignPageFactory(
        parent=index, campaign__goal_minor=60_000_000, owner=editor, story=story(heading="看不见的日子")
    )
    draft = page.get_latest_revision_as_object()
    draft.goal = Decimal("750000")
    draft.save_revision(user=editor)
    page.get_workflow().start(page, editor)
    client.force_login(verifier)

    # when the verifier approves it, unchanged, from the edit view (one transaction: cms.middleware)
    response = client.post(
        f"/admin/pages/{page.pk}/edit/",
        edit_form(page, **{"action-workflow-action": "true", "workflow-action-name": "approve"}),
    )

    # then the approval is kept: the page is published and the Campaign has the new goal
    assert response.status_code == 302
    page = CampaignPage.objects.get(pk=page.pk)
    assert (page.goal, page.current_workflow_state) == (Decimal("750000.00"), None)
    assert Campaign.objects.get(pk=page.campaign_id).goal_minor == 75_000_000
    assert AuditEvent.objects.get(action="campaign.terms_changed").actor == verifier
