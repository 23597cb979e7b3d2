"""The editor's one flow in the Wagtail admin: create a campaign page, its record follows."""

import pytest
from wagtail.test.utils.form_data import inline_formset, nested_form_data, streamfield

from campaigns.models import AuditEvent, Campaign, CampaignStatus, Partner, PartnerKind
from cms.models import CampaignPage

pytestmark = pytest.mark.django_db


def campaign_form(partner, **extra):
    data = nested_form_data(
        {
            "title": "高中与中职助学金",
            "slug": "tuition-aid",
            "intro": "2,500 元支付一名学生一个学期的学费。",
            "story": streamfield([("heading", "不让任何一个孩子因贫辍学")]),
            "kind": "education",
            "region": "贵州省黔东南州丹寨县",
            "currency": "CNY",
            "goal": "250000",
            "unit_cost": "2500",
            "unit_label": "一个学期的学费",
            "deadline": "2027-06-30",
            "funding_model": "keep",
            "comments": inline_formset([]),
            **extra,
        }
    )
    data["partners"] = [str(partner.pk)]  # nested_form_data drops lists
    return data


@pytest.fixture
def school(db):
    return Partner.objects.create(name="丹寨县中等职业学校", kind=PartnerKind.SCHOOL, region="贵州省丹寨县")


def test_an_editor_creates_a_campaign_in_one_flow(client, index, editor, school):
    client.force_login(editor)

    response = client.post(f"/admin/pages/add/cms/campaignpage/{index.pk}/", campaign_form(school))

    assert response.status_code == 302, response.content.decode()[:2000]
    page = CampaignPage.objects.get(slug="tuition-aid")
    assert not page.live
    campaign = Campaign.objects.get(pk=page.campaign_id)
    assert (campaign.status, campaign.goal_minor, campaign.unit_cost_minor) == (
        CampaignStatus.DRAFT,
        25_000_000,
        250_000,
    )
    assert list(campaign.partners.all()) == [school]
    assert AuditEvent.objects.get(action="campaign.created").actor == editor
    # the revision an approver will publish carries the link too
    assert page.get_latest_revision_as_object().campaign_id == campaign.pk


def test_an_editor_can_submit_for_review_but_not_publish(client, index, editor, school):
    client.force_login(editor)

    response = client.post(
        f"/admin/pages/add/cms/campaignpage/{index.pk}/", campaign_form(school, **{"action-publish": "1"})
    )
    page = CampaignPage.objects.get(slug="tuition-aid")
    assert response.status_code == 302
    assert not page.live  # the publish action was not honoured for an editor

    edit = client.get(f"/admin/pages/{page.pk}/edit/").content.decode()
    assert 'name="action-publish"' not in edit
    assert 'name="action-submit"' in edit

    client.post(f"/admin/pages/{page.pk}/edit/", campaign_form(school, **{"action-submit": "1"}))
    assert Campaign.objects.get(pk=page.campaign_id).status == CampaignStatus.IN_REVIEW
    assert CampaignPage.objects.get(pk=page.pk).live is False
