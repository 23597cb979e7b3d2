"""After approving or saving a page in review, a verifier lands on a page they may see, told what
happened or why they are refused; never Wagtail's bare "no permission" (issue 12)."""

from decimal import Decimal

import pytest
from wagtail.models import Page

from cms.models import CampaignPage
from tests.cms.test_admin_review_refusal import edit_form
from tests.cms_factories import CampaignPageFactory, story

pytestmark = pytest.mark.django_db

GENERIC = "你没有权限访问"
ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}


@pytest.fixture
def goal_change_in_review(index, editor):
    page = CampaignPageFactory(
        parent=index, title="高中与中职助学金", campaign__goal_minor=60_000_000, owner=editor,
        story=story(heading="看不见的日子"),
    )  # fmt: skip
    draft = page.get_latest_revision_as_object()
    draft.goal = Decimal("750000")
    draft.save_revision(user=editor)
    page.get_workflow().start(page, editor)
    return CampaignPage.objects.get(pk=page.pk)


def test_approving_from_the_edit_view_lands_on_the_dashboard_with_a_success_message(
    client, verifier, goal_change_in_review
):
    page = goal_change_in_review
    client.force_login(verifier)

    response = client.post(
        f"/admin/pages/{page.pk}/edit/",
        edit_form(page, **{"action-workflow-action": "true", "workflow-action-name": "approve"}),
        follow=True,
        **ZH,
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert response.redirect_chain == [("/admin/", 302)]
    assert GENERIC not in html
    assert "页面“高中与中职助学金”已批准并发布。" in html
    assert CampaignPage.objects.get(pk=page.pk).goal == Decimal("750000.00")


def test_a_verifier_who_saves_a_draft_in_review_is_told_why_they_may_no_longer_edit(
    client, verifier, goal_change_in_review
):
    page = goal_change_in_review
    client.force_login(verifier)

    response = client.post(
        f"/admin/pages/{page.pk}/edit/", edit_form(page, intro="核实员改过的摘要"), follow=True, **ZH
    )

    html = response.content.decode()
    assert response.redirect_chain == [("/admin/", 302)]
    assert GENERIC not in html
    reason = "您在页面上次发布后修改过它，须由另一位核查员批准。"
    assert reason in html

    # opening the edit view again says the same, instead of a bare "no permission"
    response = client.get(f"/admin/pages/{page.pk}/edit/", follow=True, **ZH)
    html = response.content.decode()
    assert response.redirect_chain == [("/admin/", 302)]
    assert GENERIC not in html
    assert reason in html


@pytest.fixture
def about_page_in_review(home, editor):
    from tests.cms_factories import StandardPageFactory

    page = StandardPageFactory(parent=home, title="关于我们", owner=editor, live=False)
    page.save_revision(user=editor)
    page.get_workflow().start(page, editor)
    return page


def test_approving_from_the_dashboard_says_the_page_is_approved_and_published(
    client, verifier, about_page_in_review
):
    """Issue 13: the dashboard's 批准 (Wagtail's workflow action view) published the page and sent
    the verifier back to the dashboard without a word."""
    page = about_page_in_review
    task_state = page.current_workflow_task_state
    client.force_login(verifier)

    # when the verifier presses 批准 in the dashboard's dialog
    response = client.post(
        f"/admin/pages/workflow/action/{page.pk}/approve/{task_state.pk}/",
        {"next": "/admin/"},
        HTTP_X_REQUESTED_WITH="XMLHttpRequest",
        **ZH,
    )
    assert response.status_code == 200
    assert '"redirect": "/admin/"' in response.content.decode()

    # then the page is live and the dashboard they land on says so, naming the page
    html = client.get("/admin/", **ZH).content.decode()
    assert Page.objects.get(pk=page.pk).live
    assert "页面“关于我们”已批准并发布。" in html
    assert GENERIC not in html


def test_a_dashboard_approval_that_publishes_nothing_says_only_approved(
    client, verifier, about_page_in_review
):
    """The same button without a workflow in progress: Wagtail refuses, and no approval is claimed."""
    page = about_page_in_review
    task_state = page.current_workflow_task_state
    page.current_workflow_state.cancel(user=page.owner)
    client.force_login(verifier)

    client.post(f"/admin/pages/workflow/action/{page.pk}/approve/{task_state.pk}/", {"next": "/admin/"}, **ZH)

    html = client.get("/admin/", **ZH).content.decode()
    assert "已批准" not in html
    assert not Page.objects.get(pk=page.pk).live
