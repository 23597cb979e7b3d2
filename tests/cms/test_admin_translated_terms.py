"""A translated campaign page does not offer the shared terms for editing: only the default-locale
page's terms are applied to the Campaign (ADR 0100)."""

import re
from datetime import date
from decimal import Decimal

import pytest
from wagtail.test.utils.form_data import inline_formset, nested_form_data, streamfield

from campaigns.models import AuditEvent, Campaign, Partner, PartnerKind
from cms.models import CampaignPage
from tests.cms_factories import CampaignPageFactory

pytestmark = pytest.mark.django_db

SHARED_TERM_INPUTS = ("kind", "funding_model", "currency", "goal", "unit_cost", "deadline", "partners")
NOTE = "项目条款在简体中文页面上设置，适用于所有语言版本。"


def inputs(html: str) -> set[str]:
    return set(re.findall(r'<(?:input|select|textarea)[^>]* name="([^"]+)"', html))


@pytest.fixture
def translated_campaign(index, english):
    hospital = Partner.objects.create(name="江华县人民医院", kind=PartnerKind.HOSPITAL, region="湖南省江华县")
    page = CampaignPageFactory(parent=index, campaign__goal_minor=60_000_000)
    page.partners.set([hospital])
    page.save_revision().publish()
    index.copy_for_translation(english, copy_parents=True)
    page_en = page.copy_for_translation(english)
    page_en.title, page_en.unit_label = "Cataract surgery programme", "one cataract surgery"
    page_en.save_revision().publish()
    return CampaignPage.objects.get(pk=page.pk), CampaignPage.objects.get(pk=page_en.pk)


def test_the_translation_does_not_offer_the_shared_terms(client, editor, translated_campaign):
    page, page_en = translated_campaign
    client.force_login(editor)

    response = client.get(f"/admin/pages/{page_en.pk}/edit/")

    html = response.content.decode()
    assert response.status_code == 200
    assert inputs(html).isdisjoint(SHARED_TERM_INPUTS)
    assert {"title", "intro", "region", "unit_label"} <= inputs(html)  # shown in this page's language
    assert NOTE in html
    assert f'href="/admin/pages/{page.pk}/edit/"' in html
    assert "¥600,000" in html  # the binding terms are still shown


def test_the_default_locale_page_offers_the_terms(client, editor, translated_campaign):
    page, _ = translated_campaign
    client.force_login(editor)

    html = client.get(f"/admin/pages/{page.pk}/edit/").content.decode()

    assert set(SHARED_TERM_INPUTS) <= inputs(html)
    assert NOTE not in html


def test_saving_the_translation_keeps_its_terms_and_the_campaign(client, editor, translated_campaign):
    # given the English page, and what its terms and the Campaign are before the edit
    page, page_en = translated_campaign
    terms_before = {name: getattr(page_en, name) for name in SHARED_TERM_INPUTS if name != "partners"}
    partners_before = [p.pk for p in page_en.partners.all()]
    campaign_before = Campaign.objects.filter(pk=page.campaign_id).values().get()
    client.force_login(editor)

    # when an editor saves the English form, with term values forged into the request
    data = nested_form_data(
        {
            "title": "Cataract surgery programme",
            "slug": page_en.slug,
            "intro": "3,000 yuan gives an elderly villager their sight back.",
            "story": streamfield([("heading", "Days without sight")]),
            "region": "Yongzhou, Hunan",
            "unit_label": "one cataract operation",
            "comments": inline_formset([]),
            "kind": "education",
            "currency": "USD",
            "goal": "1",
            "unit_cost": "1",
            "deadline": "2030-01-01",
            "funding_model": "all_or_nothing",
        }
    )
    data["partners"] = []
    audited_before = list(AuditEvent.objects.values_list("pk", flat=True))  # publishing the English page
    response = client.post(f"/admin/pages/{page_en.pk}/edit/", data)

    # then the page's own fields are saved, its terms stay, and the Campaign is untouched
    assert response.status_code == 302, response.content.decode()[:2000]
    draft = CampaignPage.objects.get(pk=page_en.pk).get_latest_revision_as_object()
    assert (draft.region, draft.unit_label) == ("Yongzhou, Hunan", "one cataract operation")
    assert {name: getattr(draft, name) for name in terms_before} == terms_before
    assert terms_before["goal"] == Decimal("600000.00") and terms_before["deadline"] != date(2030, 1, 1)
    assert [p.pk for p in draft.partners.all()] == partners_before != []
    assert Campaign.objects.filter(pk=page.campaign_id).values().get() == campaign_before
    assert list(AuditEvent.objects.exclude(pk__in=audited_before).values_list("action", flat=True)) == []


def test_the_translation_preview_shows_no_proposed_terms(rf, editor, translated_campaign):
    _, page_en = translated_campaign
    draft = page_en.get_latest_revision_as_object()
    draft.goal = Decimal("1")
    request = rf.get("/")
    request.user, request.is_preview, request.preview_mode = editor, True, ""

    html = draft.serve_preview(request, "").render().content.decode()

    assert "preview-note" not in html  # its own terms would never apply
    assert "¥600,000" in html  # the Campaign's, as the public sees them
