"""Staff: the finance exports behind per-role permissions, with an API token."""

import csv
import io

import pytest
from rest_framework.authtoken.models import Token

from campaigns.site_time import site_today
from tests.builders import gift

pytestmark = pytest.mark.django_db


def test_finance_officers_export_gifts_as_csv(api, campaign, fake_gateway, finance_officer):
    received = gift(campaign, 50_000)
    api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=finance_officer).key}")

    listed = api.get("/api/v1/staff/exports/")
    assert listed.status_code == 200 and "gifts" in [e["key"] for e in listed.json()]
    today = site_today().isoformat()
    response = api.get(f"/api/v1/staff/exports/gifts/?start={today}&end={today}")

    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert len(rows) == 2 and rows[1][0] == str(received.pk) and "500.00" in rows[1]


def test_other_staff_and_strangers_are_refused(api, verifier, finance_officer):
    assert api.get("/api/v1/staff/exports/").status_code == 401
    api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=verifier).key}")
    refused = api.get("/api/v1/staff/exports/gifts/?start=2026-01-01&end=2026-01-31")
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "forbidden"


def test_a_bad_range_or_type_is_a_400(api, finance_officer):
    api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=finance_officer).key}")
    reversed_range = api.get("/api/v1/staff/exports/gifts/?start=2026-02-01&end=2026-01-01")
    assert reversed_range.status_code == 400 and reversed_range.json()["error"]["code"] == "invalid"
    missing = api.get("/api/v1/staff/exports/gifts/")
    assert set(missing.json()["error"]["fields"]) == {"start", "end"}
    assert (
        api.get("/api/v1/staff/exports/gifts/?start=2026-01-01&end=2026-01-02&filetype=pdf").status_code
        == 400
    )
    assert api.get("/api/v1/staff/exports/nothing/?start=2026-01-01&end=2026-01-02").status_code == 404
