"""Content people read on English pages exists in English (ADR 0403): campaign titles and unit
labels outside the CMS, partners, beneficiaries' public stories and counties; a missing
translation shows the Chinese marked "not yet translated", never silently."""

import re

import pytest
from django.utils import translation

from campaigns.models import AuditEvent, Campaign, CampaignKind
from campaigns.reader_language import in_reader_language
from campaigns.services import english_texts_set
from payments.donations.intake import SESSION_KEY
from tests.builders import gift
from tests.cms_factories import CampaignPageFactory
from tests.factories import PartnerFactory
from tests.verification.factories import BeneficiaryFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def english_campaign(index, english, verifier):
    partner = PartnerFactory(name="江华县人民医院", name_en="Jianghua County People's Hospital",
                             region_en="Jianghua County, Hunan")  # fmt: skip
    page = CampaignPageFactory(
        parent=index, campaign__title="白内障复明手术项目", campaign__kind=CampaignKind.MEDICAL
    )
    page.partners.set([partner])
    page.campaign.partners.set([partner])
    BeneficiaryFactory(campaign=page.campaign, verified_by=verifier, pseudonym="盘奶奶", pseudonym_en="Grandma Pan",
                       county="江华瑶族自治县", county_en="Jianghua County", story="盘奶奶同意公开故事。",
                       story_en="Grandma Pan agreed to share her story.", story_consent=True)  # fmt: skip
    home_en = index.get_parent().copy_for_translation(english)
    home_en.save_revision().publish()
    index.copy_for_translation(english).save_revision().publish()
    page_en = page.copy_for_translation(english)
    page_en.title, page_en.unit_label, page_en.region = "Cataract surgery programme", "one surgery", "Hunan"
    page_en.save_revision().publish()
    return page, page_en


def test_publishing_the_english_page_gives_the_campaign_its_english_title(english_campaign):
    page, _page_en = english_campaign

    campaign = Campaign.objects.get(pk=page.campaign_id)

    assert (campaign.title_en, campaign.unit_label_en, campaign.region_en) == (
        "Cataract surgery programme", "one surgery", "Hunan")  # fmt: skip
    assert campaign.title == "白内障复明手术项目"
    event = AuditEvent.objects.get(action="campaign.translation_changed", subject_id=str(campaign.pk))
    assert event.data["after"]["title_en"] == "Cataract surgery programme"


def test_the_english_campaign_page_shows_partners_and_beneficiaries_in_english(client, english_campaign):
    _page, page_en = english_campaign

    html = client.get(page_en.url).content.decode()

    assert "Jianghua County People&#x27;s Hospital" in html
    assert "Grandma Pan" in html
    assert "Grandma Pan agreed to share her story." in html
    assert "江华县人民医院" not in html
    assert "盘奶奶" not in html
    assert "not yet translated" not in html


def test_the_chinese_campaign_page_keeps_the_chinese_texts(client, english_campaign):
    page, _page_en = english_campaign

    html = client.get(page.url).content.decode()

    assert "江华县人民医院" in html
    assert "盘奶奶同意公开故事。" in html
    assert "Grandma Pan" not in html


def test_a_missing_english_text_shows_the_chinese_marked_not_yet_translated(client, english_campaign):
    page, page_en = english_campaign
    PartnerFactory(name="大方县第一中学")  # no English name
    page.campaign.partners.add(PartnerFactory(name="丹寨县中等职业学校"))
    page_en.partners.add(*page.campaign.partners.all())
    page_en.save_revision().publish()

    html = client.get(page_en.url).content.decode()

    assert (
        '<span lang="zh-Hans" data-untranslated>丹寨县中等职业学校</span> '
        '<small class="untranslated">(not yet translated)</small>'
    ) in html
    assert "大方县第一中学" not in html  # not a partner of this campaign


def test_the_english_donate_and_thanks_pages_name_the_campaign_in_english(client, english_campaign):
    page, _page_en = english_campaign
    campaign = Campaign.objects.get(pk=page.campaign_id)
    donation = gift(campaign, 5_000)

    donate = client.get(f"/en/payments/donate/{campaign.slug}/").content.decode()
    session = client.session
    session[SESSION_KEY] = [str(donation.public_id)]
    session.save()
    thanks = client.get(f"/en/payments/gifts/{donation.public_id}/thanks/").content.decode()

    assert "<h1>Cataract surgery programme</h1>" in donate
    assert "<title>Give to Cataract surgery programme · Clearfund</title>" in donate
    assert "Cataract surgery programme" in thanks
    assert "白内障复明手术项目" not in donate + thanks


def test_reader_text_as_plain_text_for_mails_and_pdfs(english_campaign):
    _page, _ = english_campaign
    partner = PartnerFactory(name="大方县第一中学")

    with translation.override("en"):
        english = str(in_reader_language(partner, "name"))
    with translation.override("zh-hans"):
        chinese = str(in_reader_language(partner, "name"))

    assert english == "大方县第一中学 (not yet translated)"
    assert chinese == "大方县第一中学"


def test_english_texts_set_refuses_fields_without_an_english_twin(english_campaign, editor):
    _page, _ = english_campaign
    partner = PartnerFactory(name="大方县第一中学")

    with pytest.raises(ValueError, match="bank_account_reference"):
        english_texts_set(actor=editor, record=partner, texts={"bank_account_reference": "x"})

    partner.refresh_from_db()
    assert partner.name_en == ""
    assert not AuditEvent.objects.filter(action="partner.translation_changed").exists()


def test_records_read_in_the_staff_members_language_in_the_admin(verifier):
    """``__str__`` feeds the admin's lists, choosers and headings: an English screen reads the
    English twin, or the Chinese marked "not yet translated"; a Chinese screen the Chinese."""
    from tests.factories import CampaignFactory

    campaign = CampaignFactory(title="白内障复明手术项目", title_en="Cataract surgery programme")
    named = PartnerFactory(name="江华县人民医院", name_en="Jianghua County People's Hospital")
    unnamed = PartnerFactory(name="大方县职校", name_en="")
    patient = BeneficiaryFactory(campaign=campaign, pseudonym="盘奶奶", pseudonym_en="Grandma Pan")

    with translation.override("en"):
        assert str(campaign) == "Cataract surgery programme"
        assert str(named) == "Jianghua County People's Hospital"
        assert str(unnamed) == "大方县职校 (not yet translated)"
        assert str(patient) == "Grandma Pan (Cataract surgery programme)"
    with translation.override("zh-hans"):
        assert (str(campaign), str(named), str(patient)) == (
            "白内障复明手术项目",
            "江华县人民医院",
            "盘奶奶（白内障复明手术项目）",
        )


def test_the_english_admins_lists_read_records_in_english(client, verifier):
    """The lists of campaign records, partners, beneficiaries and needs read the English twins
    (the first column keeps its link), and a record without one is marked, never silently Chinese."""
    from django.contrib.auth import get_user_model
    from wagtail.users.models import UserProfile

    from tests.factories import CampaignFactory

    campaign = CampaignFactory(title="白内障复明手术项目", title_en="Cataract surgery programme")
    PartnerFactory(
        name="江华县人民医院", name_en="Jianghua County People's Hospital", region="湖南", region_en="Hunan"
    )
    PartnerFactory(name="大方县职校", name_en="")
    BeneficiaryFactory(campaign=campaign, pseudonym="盘奶奶", pseudonym_en="Grandma Pan", county="江华瑶族自治县",
                       county_en="Jianghua County")  # fmt: skip
    user = get_user_model().objects.create_superuser("root-en", password="x")
    profile = UserProfile.get_for_user(user)
    profile.preferred_language = "en"
    profile.save()
    client.force_login(user)

    records = client.get("/admin/campaign_records/").content.decode()
    partners = client.get("/admin/partners/").content.decode()
    people = client.get("/admin/beneficiaries/").content.decode()

    assert "Cataract surgery programme" in records and "白内障复明手术项目" not in records
    assert "Jianghua County People&#x27;s Hospital" in partners and re.search(r">\s*Hunan\s*<", partners)
    assert "大方县职校 (not yet translated)" in partners
    assert "Grandma Pan" in people and "Jianghua County" in people and "江华瑶族自治县" not in people

    from campaigns.models import Need

    Need.objects.create(beneficiary=campaign.beneficiaries.get(), title="轮椅一台", title_en="A wheelchair",
                        kind="mobility", amount_minor=90_000, currency="CNY", province="贵州省", county="大方县",
                        county_en="Dafang County", posted_by=verifier)  # fmt: skip
    needs = client.get("/admin/needs/").content.decode()
    assert all(word in needs for word in ("A wheelchair", "Guizhou", "Dafang County"))
    assert all(word not in needs for word in ("轮椅一台", "贵州省", "大方县"))
