"""Public reads: figures from the ledger's selector, pagination, ETag/304, error objects,
throttling and CORS."""

import pytest

from api.pagination import PagePagination
from api.throttling import ClientRateThrottle
from campaigns.models import CampaignStatus
from payments.figures.selectors import campaign_totals
from tests.builders import gift
from tests.factories import CampaignFactory

pytestmark = pytest.mark.django_db


def test_a_campaign_reads_its_figures_from_the_ledger(api, campaign, fake_gateway):
    # given two gifts received into the campaign's escrow, and a draft campaign
    gift(campaign, 50_000)
    gift(campaign, 12_345, email="other@example.com")
    CampaignFactory(status=CampaignStatus.DRAFT)

    # when a client lists the public campaigns and reads this one
    listed = api.get("/api/v1/campaigns/", HTTP_ACCEPT_LANGUAGE="en").json()
    one = api.get(f"/api/v1/campaigns/{campaign.slug}/").json()

    # then only the public campaign is listed, with the selector's figures, exact to the cent
    assert [c["slug"] for c in listed["results"]] == [campaign.slug] and listed["count"] == 1
    totals = campaign_totals(campaign=campaign)
    assert one["figures"]["raised"] == "623.45" == f"{totals.raised.amount:.2f}"
    assert one["figures"]["held"] == "623.45" and one["figures"]["paid"] == "0.00"
    assert one["figures"]["counted"] == "623.45" and one["donors"] == 2 == totals.donors
    assert set(one["figures"]) == {"raised", "held", "approved_unpaid", "paid", "refunded", "disputed",
                                   "lost_to_disputes", "to_recover", "counted", "matched"}  # fmt: skip
    assert one["goal"] == "300000.00" and one["currency"] == "CNY" and one["min_gift"] == "10.00"


def test_unknown_paths_and_records_answer_the_error_object(api, campaign):
    for url in ("/api/v1/campaigns/no-such-campaign/", "/api/v1/nothing-here/", "/api/v2/campaigns/",
                "/api/v1/campaigns/?page=99", "/api/v1/campaigns/?page=-1"):  # fmt: skip
        response = api.get(url)
        assert response.status_code == 404, url
        assert response.json()["error"]["code"] == "not_found"
        assert set(response.json()["error"]) == {"code", "message", "fields"}
    refused = api.delete(f"/api/v1/campaigns/{campaign.slug}/")
    assert refused.status_code == 405 and refused.json()["error"]["code"] == "method_not_allowed"


def test_a_draft_campaign_is_not_found(api):
    draft = CampaignFactory(status=CampaignStatus.DRAFT)
    assert api.get(f"/api/v1/campaigns/{draft.slug}/").status_code == 404


def test_pages_carry_count_and_links(api, monkeypatch):
    monkeypatch.setattr(PagePagination, "page_size", 2)
    for _ in range(3):
        CampaignFactory(status=CampaignStatus.LIVE)
    first = api.get("/api/v1/campaigns/").json()
    second = api.get("/api/v1/campaigns/?page=2").json()
    assert first["count"] == 3 and len(first["results"]) == 2 and first["previous"] is None
    assert first["next"].endswith("/api/v1/campaigns/?page=2")
    assert len(second["results"]) == 1 and second["next"] is None
    assert {c["slug"] for c in first["results"] + second["results"]} == set(
        CampaignFactory._meta.model.objects.values_list("slug", flat=True)
    )


def test_conditional_get_answers_304_until_a_figure_changes(api, campaign, fake_gateway):
    url = f"/api/v1/campaigns/{campaign.slug}/"
    first = api.get(url)
    etag = first["ETag"]
    assert first.status_code == 200 and etag.startswith('"')

    again = api.get(url, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304 and again.content == b"" and again["ETag"] == etag

    gift(campaign, 50_000)
    changed = api.get(url, HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200 and changed["ETag"] != etag
    assert changed.json()["figures"]["raised"] == "500.00"
    # another language is another body, so another tag (and caches keep them apart)
    campaign.title_en = "Cataract surgery"
    campaign.save()
    english = api.get(url, HTTP_ACCEPT_LANGUAGE="en")
    assert english.json()["title"] == "Cataract surgery" and english["ETag"] != changed["ETag"]
    assert "Accept-Language" in english["Vary"]


def test_clients_are_throttled_per_address(api, campaign, monkeypatch):
    monkeypatch.setattr(ClientRateThrottle, "THROTTLE_RATES", {"api": "2/minute"})
    assert api.get("/api/v1/campaigns/").status_code == 200
    assert api.get("/api/v1/campaigns/").status_code == 200
    third = api.get("/api/v1/campaigns/")
    assert third.status_code == 429
    assert third.json()["error"]["code"] == "throttled" and int(third["Retry-After"]) > 0
    # another address is counted on its own
    assert api.get("/api/v1/campaigns/", REMOTE_ADDR="10.0.0.9").status_code == 200


def test_cors_only_for_configured_origins(api, campaign, settings):
    url = "/api/v1/campaigns/"
    assert "Access-Control-Allow-Origin" not in api.get(url, HTTP_ORIGIN="https://app.example")
    settings.CORS_ALLOWED_ORIGINS = ["https://app.example"]
    allowed = api.get(url, HTTP_ORIGIN="https://app.example")
    assert allowed["Access-Control-Allow-Origin"] == "https://app.example"
    assert "Access-Control-Allow-Origin" not in api.get(url, HTTP_ORIGIN="https://evil.example")
    # pages outside the API never get CORS headers
    assert "Access-Control-Allow-Origin" not in api.get(
        "/payments/transparency/", HTTP_ORIGIN="https://app.example"
    )


def test_schema_and_docs_are_served_without_third_parties(api):
    schema = api.get("/api/v1/schema/")
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    assert "/api/v1/gifts/" in paths and all(p.startswith("/api/v1/") for p in paths)
    # a client that asks for plain JSON gets the schema too (it got a 406)
    asked = api.get("/api/v1/schema/", HTTP_ACCEPT="application/json")
    assert asked.status_code == 200 and asked.json()["paths"] == paths
    docs = api.get("/api/v1/docs/")
    html = docs.content.decode()
    assert docs.status_code == 200 and "swagger-ui-bundle.js" in html
    assert "://" not in html.replace("http://testserver", "")  # every asset from this site
    assert "<style" not in html and "<script>" not in html  # nothing inline (ADR 0102)
    script = api.get("/api/v1/docs/?script=")
    assert script.status_code == 200 and "/api/v1/schema/" in script.content.decode()
