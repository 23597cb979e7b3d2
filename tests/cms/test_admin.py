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
            "fundraising_filing_number": "53430000MJ0000001F26002",
            "designated_platform": "示例公益平台",
            "designated_platform_en": "Example giving platform",
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


def test_the_editor_types_the_goal_as_people_write_amounts(client, index, editor, school):
    client.force_login(editor)

    response = client.post(
        f"/admin/pages/add/cms/campaignpage/{index.pk}/",
        campaign_form(school, goal="２５０，０００元", unit_cost="¥2,500"),
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    campaign = Campaign.objects.get(pk=CampaignPage.objects.get(slug="tuition-aid").campaign_id)
    assert (campaign.goal_minor, campaign.unit_cost_minor) == (25_000_000, 250_000)


def test_an_ambiguous_goal_is_refused_saying_why_and_nothing_is_created(client, index, editor, school):
    client.force_login(editor)

    response = client.post(
        f"/admin/pages/add/cms/campaignpage/{index.pk}/",
        campaign_form(school, goal="2500,00"),
    )

    assert response.status_code == 200  # the form again, with the error
    assert "2500,00" in response.content.decode()
    assert not CampaignPage.objects.filter(slug="tuition-aid").exists()
    assert not Campaign.objects.exists()


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


def test_copying_a_campaign_page_in_the_admin_makes_a_new_draft_campaign(client, index, editor):
    from tests.cms_factories import CampaignPageFactory

    original = CampaignPageFactory(parent=index)
    client.force_login(editor)

    response = client.post(
        f"/admin/pages/{original.pk}/copy/",
        {
            "new_title": "白内障复明手术项目（第二期）",
            "new_slug": "cataract-phase-2",
            "new_parent_page": str(index.pk),
        },
    )

    assert response.status_code == 302
    copy = CampaignPage.objects.get(slug="cataract-phase-2")
    assert copy.campaign_id not in (None, original.campaign_id)
    assert copy.campaign.status == CampaignStatus.DRAFT
    assert Campaign.objects.get(pk=original.campaign_id).status == CampaignStatus.LIVE


def test_campaign_records_are_view_only_in_the_admin(client, index, django_user_model):
    from tests.cms_factories import CampaignPageFactory

    campaign = CampaignPageFactory(parent=index).campaign
    admin = django_user_model.objects.create_superuser("root", "root@example.com", "pw")
    client.force_login(admin)

    listing = client.get("/admin/campaign_records/")
    inspect = client.get(f"/admin/campaign_records/inspect/{campaign.pk}/")
    edit = client.post(f"/admin/campaign_records/edit/{campaign.pk}/", {"title": "changed"})
    delete = client.post(f"/admin/campaign_records/delete/{campaign.pk}/")

    assert (listing.status_code, inspect.status_code) == (200, 200)
    assert campaign.title in listing.content.decode()
    assert edit.status_code in (302, 403) and delete.status_code in (302, 403)
    assert Campaign.objects.get(pk=campaign.pk).title == campaign.title


def test_staff_groups_can_reach_the_admin(client, editor, verifier, finance_officer):
    for user in (editor, verifier, finance_officer):
        client.force_login(user)
        assert client.get("/admin/").status_code == 200, user.username


def test_a_verifier_approves_in_the_admin_and_the_page_is_published(client, index, editor, verifier, school):
    # given an editor's campaign page submitted for review in the admin
    client.force_login(editor)
    client.post(
        f"/admin/pages/add/cms/campaignpage/{index.pk}/", campaign_form(school, **{"action-submit": "1"})
    )
    page = CampaignPage.objects.get(slug="tuition-aid")
    task_state = page.current_workflow_task_state
    approve_url = f"/admin/pages/workflow/action/{page.pk}/approve/{task_state.pk}/"

    # the editor cannot approve it (Wagtail answers a refusal with a redirect to the dashboard)
    client.post(approve_url)
    assert not CampaignPage.objects.get(pk=page.pk).live
    assert Campaign.objects.get(pk=page.campaign_id).status == CampaignStatus.IN_REVIEW

    # when the verifier opens the dashboard and approves
    client.force_login(verifier)
    assert page.title in client.get("/admin/").content.decode()
    assert client.get(f"/admin/pages/{page.pk}/edit/").status_code == 200
    response = client.post(approve_url)

    # then the page is live and so is the campaign
    assert response.status_code in (200, 302)
    page.refresh_from_db()
    assert page.live
    assert Campaign.objects.get(pk=page.campaign_id).status == CampaignStatus.LIVE
    assert AuditEvent.objects.get(action="campaign.live").actor == verifier


def test_the_edit_form_shows_the_binding_terms_next_to_the_proposed_ones(client, index, editor):
    from tests.cms_factories import CampaignPageFactory

    page = CampaignPageFactory(parent=index, campaign__goal_minor=60_000_000)
    client.force_login(editor)

    html = client.get(f"/admin/pages/{page.pk}/edit/").content.decode()

    assert "已批准的条款（具有约束力）" in html
    assert "¥600,000" in html
