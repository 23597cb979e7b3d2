"""The admin's other ways to publish or unpublish a campaign page follow the review rules (ADR 0103):
publish buttons and bulk publishing are refused, superusers included; the page of a campaign that
takes gifts is not unpublished; a campaign page does not expire."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from campaigns.models import AuditEvent, CampaignStatus
from cms.models import CampaignPage
from tests.cms.test_admin_review_refusal import edit_form
from tests.cms.test_workflow import draft_page
from tests.cms_factories import CampaignPageFactory

pytestmark = pytest.mark.django_db

PUBLISH_REFUSED = "项目页面只能经审核发布：请提交审核，由核查员批准。"
UNPUBLISH_REFUSED = "正在接受捐赠的项目页面须保持发布；请先结束该项目。"
COPY_REFUSED = "项目页面的副本或别名不能直接上线：请复制为草稿，再提交审核。"


def test_a_superuser_cannot_publish_a_campaign_page_with_the_publish_button(
    client, index, editor, admin_user
):
    page = draft_page(index, editor)
    client.force_login(admin_user)

    response = client.post(
        f"/admin/pages/{page.pk}/edit/", edit_form(page, **{"action-publish": "true"}), follow=True
    )

    assert PUBLISH_REFUSED in response.content.decode()
    page = CampaignPage.objects.get(pk=page.pk)
    assert (page.live, page.live_revision_id, page.campaign.status) == (False, None, CampaignStatus.DRAFT)
    assert not AuditEvent.objects.filter(action="campaign.live").exists()


def test_a_superuser_cannot_bulk_publish_campaign_pages(client, index, editor, admin_user):
    page = draft_page(index, editor)
    client.force_login(admin_user)
    url = reverse("wagtail_bulk_action", args=("wagtailcore", "page", "publish")) + f"?id={page.pk}"

    response = client.post(url, follow=True)

    assert PUBLISH_REFUSED in response.content.decode()
    assert CampaignPage.objects.get(pk=page.pk).live is False


def test_the_page_of_a_live_campaign_is_not_unpublished_in_the_admin(client, index, admin_user):
    page = CampaignPageFactory(parent=index)
    client.force_login(admin_user)

    single = client.post(f"/admin/pages/{page.pk}/unpublish/", follow=True)
    bulk = client.post(
        reverse("wagtail_bulk_action", args=("wagtailcore", "page", "unpublish")) + f"?id={page.pk}",
        follow=True,
    )

    assert PUBLISH_REFUSED not in single.content.decode()
    assert UNPUBLISH_REFUSED in single.content.decode()
    assert UNPUBLISH_REFUSED in bulk.content.decode()
    assert CampaignPage.objects.get(pk=page.pk).live is True
    assert page.campaign.status == CampaignStatus.LIVE


def test_the_page_of_a_closed_campaign_may_be_unpublished(client, index, admin_user):
    page = CampaignPageFactory(parent=index, campaign__status=CampaignStatus.CLOSED)
    client.force_login(admin_user)

    client.post(f"/admin/pages/{page.pk}/unpublish/")

    assert CampaignPage.objects.get(pk=page.pk).live is False


def test_a_campaign_page_does_not_expire(index):
    page = CampaignPageFactory(parent=index)
    draft = page.get_latest_revision_as_object()
    draft.expire_at = timezone.now() + timedelta(days=30)

    with pytest.raises(ValidationError) as error:
        draft.full_clean()

    assert list(error.value.message_dict) == ["expire_at"]


def test_unpublishing_a_live_campaign_page_in_code_closes_its_campaign(index):
    # given the page of a live campaign, unpublished outside the admin (a shell, a script)
    page = CampaignPageFactory(parent=index)

    page.unpublish()

    # then the Campaign follows through its table: closed, by the system, with the reason
    campaign = page.campaign
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.CLOSED
    event = AuditEvent.objects.get(action="campaign.closed", subject_id=str(campaign.pk))
    assert (event.actor, event.data) == (None, {"from": "live", "to": "closed"})


def test_unpublishing_the_page_of_a_failed_campaign_in_code_leaves_it_failed(index):
    page = CampaignPageFactory(parent=index, campaign__status=CampaignStatus.FAILED)

    page.unpublish()

    page.campaign.refresh_from_db()
    assert page.campaign.status == CampaignStatus.FAILED
    assert not AuditEvent.objects.filter(action="campaign.closed").exists()


@pytest.mark.parametrize("way", ["publish_copies", "alias"])
def test_a_superuser_cannot_make_a_live_copy_or_alias_of_a_campaign_page(client, index, admin_user, way):
    # given a live campaign page (review finding 13: copying with "publish copies" or as an alias
    # made a live page without review)
    page = CampaignPageFactory(parent=index)
    client.force_login(admin_user)
    before = set(CampaignPage.objects.values_list("pk", flat=True))

    # when a superuser copies it, live
    response = client.post(
        f"/admin/pages/{page.pk}/copy/",
        {"new_title": "Copy", "new_slug": "copy-of-campaign", "new_parent_page": index.pk, way: "on"},
        follow=True,
    )

    # then it is refused saying why, and no new campaign page exists, live or not
    assert set(CampaignPage.objects.values_list("pk", flat=True)) == before
    assert COPY_REFUSED in response.content.decode()


def test_a_campaign_page_may_still_be_copied_as_a_draft(client, index, admin_user):
    page = CampaignPageFactory(parent=index)
    client.force_login(admin_user)

    client.post(
        f"/admin/pages/{page.pk}/copy/",
        {"new_title": "Copy", "new_slug": "copy-of-campaign", "new_parent_page": index.pk},
    )

    copy = CampaignPage.objects.get(slug="copy-of-campaign")
    assert copy.live is False
    assert copy.campaign.status == CampaignStatus.DRAFT


def test_deleting_a_live_campaign_page_in_code_closes_its_campaign_first(index):
    # given the page of a live campaign, deleted outside the admin (Wagtail unpublishes a live page
    # it deletes, so the unpublishing rule applies)
    page = CampaignPageFactory(parent=index)
    campaign = page.campaign

    page.delete()

    # then the campaign no longer takes gifts: closed by the system, with the reason
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.CLOSED
    assert AuditEvent.objects.filter(action="campaign.closed", subject_id=str(campaign.pk)).count() == 1


def test_the_admin_refuses_to_delete_the_page_of_a_campaign_taking_gifts(client, index, admin_user):
    page = CampaignPageFactory(parent=index)
    client.force_login(admin_user)

    response = client.post(reverse("wagtailadmin_pages:delete", args=[page.pk]), follow=True)

    assert CampaignPage.objects.filter(pk=page.pk).exists()
    assert "正在接受捐赠的项目页面须保持发布；请先结束该项目。" in response.content.decode()
    page.campaign.refresh_from_db()
    assert page.campaign.status == CampaignStatus.LIVE
