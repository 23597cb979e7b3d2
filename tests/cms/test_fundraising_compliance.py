"""Who may raise money, under which filing (issue 15, ADR 0413): shown on the campaign page, the
donate page, receipts and reports; a campaign cannot take gifts without them."""

import pytest
from django.core.exceptions import ValidationError
from wagtail.models import Site

from campaigns.compliance import compliance_gaps, uscc_is_valid, validate_uscc
from campaigns.models import Campaign, CampaignStatus, Partner, PartnerKind
from cms.models import CampaignPage, SiteSettings
from cms.models.workflow import ReviewRefused
from tests.cms.test_admin import campaign_form
from tests.cms.test_workflow import draft_page, submit
from tests.cms_factories import CampaignPageFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def school():
    return Partner.objects.create(name="丹寨县中等职业学校", kind=PartnerKind.SCHOOL, region="贵州省丹寨县")


@pytest.mark.parametrize(
    ("code", "valid"),
    [
        ("91350100M000100Y43", True),  # a published example of GB 32100-2015
        ("53430000MJ0000001F", True),
        ("53430000MJ0000001G", False),  # wrong check character
        ("53430000DEMO00000X", False),  # O is not in the alphabet
        ("5343000MJ0000001F", False),  # 17 characters
    ],
)
def test_the_unified_social_credit_code_is_checked_by_its_check_character(code, valid):
    assert uscc_is_valid(code) is valid
    if not valid:
        with pytest.raises(ValidationError):
            validate_uscc(code)


def test_the_campaign_page_and_the_donate_page_show_who_raises_and_under_which_filing(client, index):
    page = CampaignPageFactory(parent=index)
    campaign = page.campaign

    for url in (page.url, f"/payments/donate/{campaign.slug}/"):
        html = client.get(url).content.decode()
        notice = html.split('data-testid="fundraising-notice"', 1)[1].split("</aside>", 1)[0]
        assert "53430000MJ0000001F" in notice and "TEST-GM-2026-001" in notice
        assert campaign.fundraising_filing_number in notice and "示例公益平台" in notice

    english = client.get(f"/en/payments/donate/{campaign.slug}/").content.decode()
    assert "Example giving platform" in english and "Fundraising plan filed under no." in english


@pytest.mark.site_credentials
def test_the_credentials_come_from_the_site_settings_and_a_change_shows_at_once(client):
    page = CampaignPageFactory()
    settings = SiteSettings.for_site(Site.objects.get(is_default_site=True))
    settings.registration_number = "91350100M000100Y43"
    settings.fundraising_qualification = "闽民慈〔2026〕9 号"
    settings.save()

    html = client.get(f"/payments/donate/{page.campaign.slug}/").content.decode()
    assert "91350100M000100Y43" in html and "闽民慈〔2026〕9 号" in html

    settings.fundraising_qualification = "闽民慈〔2026〕10 号"
    settings.save()
    assert "闽民慈〔2026〕10 号" in client.get(f"/payments/donate/{page.campaign.slug}/").content.decode()


@pytest.mark.site_credentials
def test_empty_site_settings_block_approval_and_the_reviewer_is_told_what_is_missing(index, editor, verifier):
    page = draft_page(index, editor)
    submit(page, editor)
    task_state = CampaignPage.objects.get(pk=page.pk).current_workflow_task_state

    with pytest.raises(ReviewRefused) as refused:
        task_state.task.specific.on_action(task_state, verifier, "approve")

    message = str(refused.value)
    assert "统一社会信用代码" in message and "公开募捐资格" in message
    assert Campaign.objects.get(pk=page.campaign_id).status == CampaignStatus.IN_REVIEW
    assert not CampaignPage.objects.get(pk=page.pk).live


def test_a_campaign_without_its_filing_number_cannot_go_live(index, editor, verifier):
    page = draft_page(index, editor, fundraising_filing_number="", designated_platform="")
    submit(page, editor)
    task_state = CampaignPage.objects.get(pk=page.pk).current_workflow_task_state

    with pytest.raises(ReviewRefused) as refused:
        task_state.task.specific.on_action(task_state, verifier, "approve")

    assert "备案编号" in str(refused.value) and "指定平台" in str(refused.value)
    assert Campaign.objects.get(pk=page.campaign_id).status == CampaignStatus.IN_REVIEW


def test_the_editor_is_told_before_review_what_is_missing_and_a_draft_still_saves(
    client, index, editor, school
):
    client.force_login(editor)
    url = f"/admin/pages/add/cms/campaignpage/{index.pk}/"

    refused = client.post(url, campaign_form(school, fundraising_filing_number="", **{"action-submit": "1"}))

    assert refused.status_code == 200
    assert "本项目暂时不能提交审核" in refused.content.decode() and "备案编号" in refused.content.decode()
    assert not CampaignPage.objects.filter(slug="tuition-aid").exists()

    saved = client.post(url, campaign_form(school, fundraising_filing_number=""))
    assert saved.status_code == 302
    assert CampaignPage.objects.filter(slug="tuition-aid").exists()


def test_gaps_name_every_missing_fact():
    from campaigns.compliance import Credentials

    gaps = compliance_gaps(filing_number=" ", designated_platform="", credentials=Credentials())

    assert len(gaps) == 4


@pytest.mark.site_credentials
def test_english_pages_and_reports_read_the_qualification_in_english_or_mark_it_not_yet_translated(client):
    from django.utils import translation

    from reports.selectors.common import organisation

    # given a qualification issued in Chinese with no English reading yet
    page = CampaignPageFactory()
    settings = SiteSettings.for_site(Site.objects.get(is_default_site=True))
    settings.registration_number = "91350100M000100Y43"
    settings.fundraising_qualification = "湘民慈〔2025〕示例 001 号"
    settings.save()
    donate = f"/en/payments/donate/{page.campaign.slug}/"

    # when an English reader opens the donate page, then the Chinese number is marked
    notice = client.get(donate).content.decode().split('data-testid="fundraising-notice"', 1)[1]
    notice = notice.split("</aside>", 1)[0]
    assert (
        'Public-fundraising qualification: <span lang="zh-Hans" data-untranslated>湘民慈〔2025〕示例 001 号</span> '
        '<small class="untranslated">(not yet translated)</small>.'
    ) in notice
    with translation.override("en"):
        assert organisation().qualification == "湘民慈〔2025〕示例 001 号 (not yet translated)"

    # when the English reading is filled in, then English pages and reports show it, Chinese ones the original
    settings.fundraising_qualification_en = "Xiangminci [2025] Example No. 001"
    settings.save()
    notice = client.get(donate).content.decode().split('data-testid="fundraising-notice"', 1)[1]
    assert (
        "Public-fundraising qualification: Xiangminci [2025] Example No. 001." in notice.split("</aside>")[0]
    )
    assert "湘民慈" not in notice.split("</aside>")[0]
    with translation.override("en"):
        assert organisation().qualification == "Xiangminci [2025] Example No. 001"
    with translation.override("zh-hans"):
        assert organisation().qualification == "湘民慈〔2025〕示例 001 号"
    assert (
        "湘民慈〔2025〕示例 001 号" in client.get(f"/payments/donate/{page.campaign.slug}/").content.decode()
    )
