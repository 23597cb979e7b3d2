"""The donation page: totals from the ledger, a cached hit makes no query, an uncached render few."""

import pytest

from tests.payments.factories import give

pytestmark = pytest.mark.django_db


def test_uncached_panel_and_wall_read_the_ledger_in_four_queries(client, fake_gateway, campaign, settings,
                                                                 django_assert_max_num_queries):  # fmt: skip
    # (base.html adds the site's own queries: navigation, languages, site settings)
    settings.TOTALS_CACHE_SECONDS = 0
    give(campaign, "300", display_name="王芳", public_message="加油")
    client.get(f"/payments/donate/{campaign.slug}/")  # warm-up: site settings row, locales
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"/payments/donate/{campaign.slug}/")
    ours = [q["sql"] for q in queries.captured_queries if "payments_" in q["sql"] or "campaigns_" in q["sql"]]
    # campaign, overdue-evidence gate, kept totals with the donor count (one query, ADR 0212), wall
    assert len(ours) == 4, ours
    assert 'data-testid="raised">¥300<' in response.content.decode()


def test_cached_hit_makes_no_query_and_is_never_personal(client, fake_gateway, campaign, settings,
                                                         django_assert_num_queries):  # fmt: skip
    settings.TOTALS_CACHE_SECONDS = 3
    give(campaign, "300")
    first = client.get(f"/payments/donate/{campaign.slug}/")
    with django_assert_num_queries(0):
        second = client.get(f"/payments/donate/{campaign.slug}/")
    assert first.content == second.content
    assert b"csrfmiddlewaretoken" not in second.content
    assert 'data-testid="raised">¥300<' in second.content.decode()


def test_csrf_endpoint_sets_the_cookie_the_panel_script_uses(client):
    response = client.get("/payments/csrf/")
    assert response.json()["token"]
    assert "csrftoken" in response.cookies
