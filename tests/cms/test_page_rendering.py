"""Every page type renders with its key content; money figures come from the Campaign, not the page."""

import pytest

from campaigns.models import Partner, PartnerKind
from tests.cms_factories import (
    CampaignPageFactory,
    CampaignUpdatePageFactory,
    RoleModelStoryPageFactory,
    ShowcasePageFactory,
    StandardPageFactory,
)

pytestmark = pytest.mark.django_db


def test_home_page_shows_featured_campaigns_and_platform_figures(client, index):
    # given a live campaign
    CampaignPageFactory(parent=index, title="白内障复明手术项目")

    # when
    response = client.get("/")

    # then
    html = response.content.decode()
    assert response.status_code == 200
    assert "让每一分善款都看得见去向" in html
    assert "白内障复明手术项目" in html
    assert "筹款中" in html  # status badge
    assert "¥0" in html  # platform figures from the (empty) ledger


def test_campaign_page_shows_terms_from_the_campaign_record(client, index):
    # given a page whose (unapproved) proposed goal differs from the approved one
    page = CampaignPageFactory(parent=index, campaign__goal_minor=60_000_000)
    page.campaign.partners.add(
        Partner.objects.create(name="江华县人民医院眼科", kind=PartnerKind.HOSPITAL, region="湖南省")
    )
    page.goal = 999_999
    page.save()

    # when
    response = client.get(page.url)

    # then
    html = response.content.decode()
    assert response.status_code == 200
    assert page.title in html
    assert "¥600,000" in html
    assert "999,999" not in html
    assert "一例白内障手术 = ¥3,000" in html
    assert '<progress max="100" value="0"' in html
    assert 'id="donate"' in html
    assert "江华县人民医院眼科" in html
    assert "看不见的日子" in html


def test_campaign_page_lists_its_updates_and_the_update_page_renders(client, index):
    page = CampaignPageFactory(parent=index)
    update = CampaignUpdatePageFactory(parent=page)

    campaign_html = client.get(page.url).content.decode()
    response = client.get(update.url)

    assert update.title in campaign_html
    assert response.status_code == 200
    assert "复查视力全部达到 0.5 以上。" in response.content.decode()
    assert page.title in response.content.decode()  # link back to the campaign


def test_campaign_index_page_renders_its_campaigns(client, index):
    CampaignPageFactory(parent=index, title="高中与中职助学金")

    response = client.get(index.url)

    assert response.status_code == 200
    assert "高中与中职助学金" in response.content.decode()
    assert "找到 1 个项目" in response.content.decode()


@pytest.mark.parametrize(
    ("factory_class", "expected"),
    [
        (StandardPageFactory, "我们只为经核实的家庭筹款。"),
        (ShowcasePageFactory, "126"),
        (RoleModelStoryPageFactory, "很多老人不是不想治，是不知道能治。"),
    ],
)
def test_content_pages_render(client, home, factory_class, expected):
    page = factory_class(parent=home)

    response = client.get(page.url)

    assert response.status_code == 200
    assert page.title in response.content.decode()
    assert expected in response.content.decode()


def test_donate_panel_from_the_payments_app_is_included_when_present(client, index, settings, tmp_path):
    # given a template named payments/donate_panel.html on the template path
    (tmp_path / "templates" / "payments").mkdir(parents=True)
    (tmp_path / "templates" / "payments" / "donate_panel.html").write_text(
        "<form id='donate-form'>{{ campaign.slug }}</form>"
    )
    engine = {**settings.TEMPLATES[0], "DIRS": [tmp_path / "templates", *settings.TEMPLATES[0]["DIRS"]]}
    settings.TEMPLATES = [engine]
    page = CampaignPageFactory(parent=index)

    html = client.get(page.url).content.decode()

    assert f"<form id='donate-form'>{page.campaign.slug}</form>" in html
    assert "opens shortly" not in html


def test_site_settings_fill_the_footer_in_the_active_language(client, home, english):
    from wagtail.models import Site

    from cms.models import SiteSettings

    settings = SiteSettings.for_site(Site.objects.get(is_default_site=True))
    settings.organisation_name, settings.organisation_name_en = "清源公益基金会", "Clearfund Foundation"
    settings.footer_text, settings.footer_text_en = "每一分善款都可追溯。", "Every cent is traceable."
    settings.contact_email = "hello@clearfund.example"
    settings.save()
    home_en = home.copy_for_translation(english)
    home_en.save_revision().publish()

    chinese = client.get("/").content.decode()
    english_html = client.get("/en/").content.decode()

    assert "每一分善款都可追溯。" in chinese and "清源公益基金会" in chinese
    assert "Every cent is traceable." in english_html and "Clearfund Foundation" in english_html
    assert "每一分善款都可追溯。" not in english_html
    assert 'href="mailto:hello@clearfund.example"' in chinese


def test_home_page_shows_the_chosen_featured_campaigns_only(client, index, home):
    from cms.models import HomeFeaturedCampaign

    CampaignPageFactory(parent=index, title="白内障复明手术项目")
    chosen = CampaignPageFactory(parent=index, title="高中与中职助学金")
    HomeFeaturedCampaign.objects.create(home=home, page=chosen, sort_order=0)

    featured = client.get("/").context["featured"]

    assert [item["page"].title for item in featured] == ["高中与中职助学金"]


def test_preview_shows_the_proposed_terms_next_to_the_approved_ones(rf, index, editor):
    page = CampaignPageFactory(parent=index, campaign__goal_minor=60_000_000)
    draft = page.get_latest_revision_as_object()
    draft.goal = 750_000
    request = rf.get("/")
    request.user = editor
    request.is_preview = True
    request.preview_mode = ""

    html = draft.serve_preview(request, "").render().content.decode()

    assert "CNY 750000" in html  # proposed
    assert "¥600,000" in html  # approved, still what the public sees


def test_base_template_renders_for_views_outside_the_page_tree_even_on_an_empty_site(rf):
    from django.template.loader import render_to_string
    from wagtail.models import Locale, Page

    Page.get_first_root_node().delete()  # also removes the default site
    Locale.objects.all().delete()
    request = rf.get("/payments/transparency/")

    html = render_to_string("base.html", {"request": request}, request=request)

    assert '<a class="skip-link" href="#main">' in html
    assert 'hreflang="en"' in html


def test_campaign_page_shows_beneficiaries_and_where_each_release_went(
    client, index, verifier, finance_officer
):
    from payments.releases.services import release_approve
    from tests.builders import verified_milestone
    from tests.verification.factories import BeneficiaryFactory, captured_donation

    # given a campaign with a verified beneficiary whose surgery was paid from a gift
    page = CampaignPageFactory(parent=index)
    beneficiary = BeneficiaryFactory(campaign=page.campaign, pseudonym="盘奶奶", verified_by=verifier)
    captured_donation(page.campaign, 300_000)
    release_approve(
        release=verified_milestone(beneficiary=beneficiary, verifier=verifier).release, actor=finance_officer
    )

    # when
    html = client.get(page.url).content.decode()

    # then the beneficiary appears by pseudonym and the release in the disbursement feed
    assert html.count("盘奶奶") >= 2
    assert "¥3,000" in html
    assert beneficiary.registry_person.id_number not in html
