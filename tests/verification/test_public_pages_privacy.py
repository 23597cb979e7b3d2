"""Privacy: no public page or API response of a campaign with beneficiaries shows restricted data."""

import json

import pytest
from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from campaigns.money import Money
from campaigns.verification.needs import need_hold, need_post, need_vet
from payments.releases.services import release_approve
from tests.builders import verified_milestone
from tests.verification.factories import BeneficiaryFactory, RegistryPersonFactory, captured_donation


@pytest.fixture
def scene(db, verifier, second_verifier, finance_officer):
    person = RegistryPersonFactory(name="盘秀英", phone="13912345678")
    beneficiary = BeneficiaryFactory(registry_person=person, pseudonym="盘奶奶", verified_by=verifier)
    other = BeneficiaryFactory(campaign=beneficiary.campaign, verified_by=verifier)
    campaign = beneficiary.campaign
    gift = captured_donation(campaign, 500_000)
    paid = verified_milestone(beneficiary=beneficiary, verifier=verifier)
    release_approve(release=paid.release, actor=finance_officer)
    verified_milestone(beneficiary=other, verifier=verifier)  # a release still in its notice period
    need = need_post(
        actor=verifier,
        beneficiary=beneficiary,
        title="A wheelchair",
        kind="mobility",
        amount=Money("800", "CNY"),
    )
    need_vet(actor=second_verifier, need=need, note="Visited")
    need_hold(need=need, client="a-donor", donor_alias="A teacher")
    restricted = []
    for p in (person, other.registry_person):
        restricted += [p.id_number, p.phone, p.name, p.household.village, p.household.township]
    return {
        "campaign": campaign,
        "gift": gift,
        "release": paid.release,
        "restricted": restricted,
        "pending": other.milestones.get().release,
        "need": need,
    }


@pytest.fixture
def campaign_page(scene, settings, tmp_path):
    """The CMS page of the scene's campaign, under a home page that is the default site's root."""
    from wagtail.models import Page, Site

    from tests.cms_factories import CampaignIndexPageFactory, CampaignPageFactory, HomePageFactory

    settings.MEDIA_ROOT = tmp_path / "media"
    root = Page.get_first_root_node()
    home = HomePageFactory(parent=root)
    site = Site.objects.get(is_default_site=True)
    welcome, site.root_page = site.root_page, home
    site.save()
    if welcome.pk != home.pk:
        welcome.delete()
    index = CampaignIndexPageFactory(parent=home)
    return CampaignPageFactory(parent=index, campaign=scene["campaign"])


def _assert_clean(text: str, restricted: list[str]) -> None:
    leaked = [value for value in restricted if value and value in text]
    assert leaked == []


def test_public_pages_and_api_show_no_restricted_data(client, scene):
    campaign = scene["campaign"]
    urls = [
        reverse("payments:gift_trace", kwargs={"public_id": scene["gift"].public_id}),
        reverse("payments:campaign_disbursements", kwargs={"slug": campaign.slug}),
        reverse("payments:campaign_disbursements_json", kwargs={"slug": campaign.slug}),
        reverse("payments:transparency"),
        reverse("payments:release_object", kwargs={"pk": scene["pending"].pk}),
        reverse("payments:needs_board"),
        reverse("payments:need_detail", kwargs={"pk": scene["need"].pk}),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        _assert_clean(response.content.decode(), scene["restricted"])
        for value in scene["restricted"]:
            assert value not in url
    # the pages do show what they are for
    trace = client.get(urls[0]).content.decode()
    assert "盘奶奶" in trace and "¥3,000" in trace
    feed = json.loads(client.get(urls[2]).content)
    # (an English reader gets the Chinese pseudonym marked as such until it has its twin, ADR 0403)
    assert [d["beneficiary"] for d in feed["disbursements"]] == ["盘奶奶 (not yet translated)"]
    # the URLs above were reversed in English (conftest), so the feed speaks English ...
    assert urls[2].startswith("/en/payments/")
    assert feed["disbursements"][0]["verified_by_role"] == "Verifier"
    # ... and at the site's default, unprefixed URL it speaks Chinese
    with translation.override(settings.LANGUAGE_CODE):
        default_url = reverse("payments:campaign_disbursements_json", kwargs={"slug": campaign.slug})
    assert default_url == f"/payments/api/campaigns/{campaign.slug}/disbursements.json"
    feed = json.loads(client.get(default_url).content)
    assert [(d["beneficiary"], d["verified_by_role"]) for d in feed["disbursements"]] == [
        ("盘奶奶", "核查员")
    ]


def test_cms_donation_and_donor_pages_show_no_restricted_data(client, scene, campaign_page):
    from payments.donations.donor_links import donor_page_url

    campaign = scene["campaign"]
    urls = [
        "/",
        campaign_page.url,
        campaign_page.get_parent().url,
        reverse("payments:donate_page", kwargs={"slug": campaign.slug}),
        donor_page_url(scene["gift"].donor, absolute=False),
    ]
    for url in urls:
        response = client.get(url, follow=True)
        assert response.status_code == 200, url
        _assert_clean(response.content.decode(), scene["restricted"])
    # the donor's page includes the trace panel, with the release to the hospital
    donor_html = client.get(urls[-1]).content.decode()
    assert 'data-testid="trace-line"' in donor_html and "盘奶奶" in donor_html


def test_includes_for_other_areas_show_no_restricted_data(scene, rf):
    request = rf.get("/")
    html = render_to_string(
        "payments/disbursement_feed.html", {"campaign": scene["campaign"]}, request=request
    )
    html += render_to_string("payments/trace_panel.html", {"donation": scene["gift"]}, request=request)
    html += render_to_string(
        "campaigns/beneficiaries_panel.html", {"campaign": scene["campaign"]}, request=request
    )
    _assert_clean(html, scene["restricted"])
    assert "盘奶奶" in html and "江华瑶族自治县" in html
    assert 'data-testid="disbursement"' in html and 'data-testid="trace-line"' in html


def test_objection_form_pauses_the_release(client, scene):
    url = reverse("payments:release_object", kwargs={"pk": scene["pending"].pk})
    response = client.post(url, {"name": "志愿者 李", "reason": "This patient was treated last year"})
    assert response.status_code == 302
    scene["pending"].refresh_from_db()
    assert scene["pending"].status == "objected"


def test_transparency_page_shows_totals_and_needs_funnel(client, scene):
    html = client.get(reverse("payments:transparency")).content.decode()
    assert "¥5,000" in html  # raised
    assert "¥3,000" in html  # released
    # the scene's one need is held while its donor pays: not a match until paid (issue 12)
    assert "0/1" in html and "0%" in html
    overall = html.split('data-testid="needs-match-rate"', 1)[1].split("</p>", 1)[0]
    assert "0 of 1" in overall and "0%" in overall


def test_transparency_page_shows_labels_not_codes(client, scene):
    from campaigns.models import NEED_FUNNEL, Need, NeedKind, NeedStatus

    # given the scene's need(s), read in English
    kinds = {NeedKind(k).label for k in Need.objects.values_list("kind", flat=True)}
    from django.utils import translation

    with translation.override("en"):
        response = client.get(reverse("payments:transparency"))
    assert response.status_code == 200
    html = response.content.decode()
    funnel = html.split('data-testid="needs-funnel"', 1)[1].split("</ol>", 1)[0]

    # then the funnel and the kinds are named as people read them, never by their codes
    assert all(str(NeedStatus(s).label) in funnel for s in NEED_FUNNEL)
    # and needs not yet vetted are no stage of the public funnel
    assert str(NeedStatus.PROPOSED.label) not in funnel
    assert "<li>posted:" not in funnel and "<li>verified:" not in funnel
    assert kinds and all(str(k) in html for k in kinds)
    assert "<td>school</td>" not in html and "<td>mobility</td>" not in html


def test_every_page_links_the_transparency_page_and_the_needs_board(client, scene):
    # given two public pages built on the site template
    for name in ("payments:needs_board", "payments:transparency"):
        html = client.get(reverse(name)).content.decode()
        footer = html.split('<footer class="site-footer">', 1)[1]
        # then its footer links both, so a visitor can find where the money went
        assert f'href="{reverse("payments:transparency")}"' in footer
        assert f'href="{reverse("payments:needs_board")}"' in footer


@pytest.mark.parametrize(("outcomes", "english", "chinese"), [
    (1, "1 outcome verified", "1 项成果已核实"), (2, "2 outcomes verified", "2 项成果已核实")])  # fmt: skip
def test_the_beneficiaries_panel_counts_outcomes_in_good_english_and_chinese(outcomes, english, chinese):
    from django.utils import translation

    context = {"counts": {"verified": 3, "funded": 1, "outcomes_verified": outcomes}, "beneficiaries": []}
    with translation.override("en"):
        assert english in render_to_string("campaigns/_beneficiaries_panel_body.html", context)
    with translation.override("zh-hans"):
        assert chinese in render_to_string("campaigns/_beneficiaries_panel_body.html", context)


def test_the_api_shows_no_restricted_data(scene, finance_officer, fake_gateway):
    """Every API endpoint, public, donor and staff, walked for the scene's campaign (issue 15)."""
    from datetime import timedelta

    from django.core.cache import cache
    from rest_framework.authtoken.models import Token
    from rest_framework.test import APIClient

    from api.donors import donor_token
    from campaigns.site_time import site_today

    cache.clear()  # throttles
    api = APIClient()
    slug = scene["campaign"].slug
    public = [
        "/api/v1/campaigns/",
        f"/api/v1/campaigns/{slug}/",
        f"/api/v1/campaigns/{slug}/updates/",
        f"/api/v1/campaigns/{slug}/disbursements/",
        f"/api/v1/campaigns/{slug}/reports/",
        "/api/v1/needs/",
        "/api/v1/schema/",
    ]
    bodies = {}
    for url in public:
        for language in ("zh-hans", "en"):
            response = api.get(url, HTTP_ACCEPT_LANGUAGE=language)
            assert response.status_code == 200, url
            bodies[(url, language)] = response.content.decode()
    # a donor's own gifts, with their trace to the (pseudonymous) beneficiary
    donor = APIClient()
    donor.credentials(HTTP_AUTHORIZATION=f"Bearer {donor_token(scene['gift'].donor)}")
    bodies["donor"] = donor.get("/api/v1/donor/gifts/").content.decode()
    # a gift started through the API
    started = api.post(
        "/api/v1/gifts/",
        {"campaign": slug, "amount": "100", "email": "p@example.com"},
        format="json",
        HTTP_IDEMPOTENCY_KEY="privacy",
    )
    assert started.status_code == 201
    bodies["gift"] = started.content.decode()
    # every finance export of the period
    staff = APIClient()
    staff.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=finance_officer).key}")
    start, end = (
        (site_today() - timedelta(days=2)).isoformat(),
        (site_today() + timedelta(days=1)).isoformat(),
    )
    for export in staff.get("/api/v1/staff/exports/").json():
        for filetype in export["formats"]:
            url = f"/api/v1/staff/exports/{export['key']}/?start={start}&end={end}&filetype={filetype}"
            response = staff.get(url)
            assert response.status_code == 200, url
            content = b"".join(response.streaming_content) if response.streaming else response.content
            if filetype == "csv":
                bodies[url] = content.decode("utf-8-sig")
    for key, text in bodies.items():
        leaked = [value for value in scene["restricted"] if value and value in text]
        assert leaked == [], key
    # the reads do show what they are for
    assert "盘奶奶" in bodies[(f"/api/v1/campaigns/{slug}/disbursements/", "zh-hans")]
    assert "盘奶奶" in bodies["donor"] and "A wheelchair" in bodies[("/api/v1/needs/", "en")]
