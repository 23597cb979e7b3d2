"""A signed-in donor downloads the statement of their own gifts (issue #12, ADR 0218)."""

import pytest

from payments.donor_accounts.services import SESSION_KEY
from reports.models import ReportRun, ReportStatus
from tests.builders import gift
from tests.factories import CampaignFactory
from tests.reports.conftest import pdf_text

pytestmark = pytest.mark.django_db


def _sign_in(client, donor):
    session = client.session
    session[SESSION_KEY] = {"d": donor.pk, "v": donor.link_version}
    session.save()


def test_a_signed_in_donor_gets_their_statement_and_nobody_elses_gifts(
    client, private_root, django_capture_on_commit_callbacks
):
    campaign = CampaignFactory(status="live", min_donation_minor=1000)
    mine = gift(campaign, 30_000, email="li.hua@example.com")
    gift(campaign, 777_700, email="someone.else@example.com")
    _sign_in(client, mine.donor)

    # when they ask: the statement is rendered (eager Celery here) and served
    with django_capture_on_commit_callbacks(execute=True):
        first = client.get("/en/reports/my-statement/")
    assert first.status_code == 202  # queued by this request, rendered once it commits
    response = client.get("/en/reports/my-statement/")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "private, no-store"
    text = pdf_text(b"".join(response.streaming_content))
    assert "¥300" in text
    assert "¥7,777" not in text
    assert ReportRun.objects.get().status == ReportStatus.DONE


def test_without_a_donor_session_there_is_no_statement(client):
    response = client.get("/en/reports/my-statement/")

    assert response.status_code == 404
    assert not ReportRun.objects.exists()


def test_the_private_link_gets_the_same_statement_without_signing_in(
    client, private_root, django_capture_on_commit_callbacks
):
    from payments.donations.donor_links import PRIVATE_PAGE_REFERRER_POLICY, donor_token

    campaign = CampaignFactory(status="live", min_donation_minor=1000)
    mine = gift(campaign, 30_000, email="li.hua@example.com")
    gift(campaign, 777_700, email="someone.else@example.com")
    url = f"/en/reports/donor/{donor_token(mine.donor)}/statement/"

    # when the donor follows the statement link of their private page (no session)
    with django_capture_on_commit_callbacks(execute=True):
        first = client.get(url)
    assert first.status_code == 202
    assert url in first.content.decode()  # "come back" points at the same private link
    assert first["Cache-Control"] == "private, no-store"
    response = client.get(url)

    # then it is their statement only, kept out of caches and other sites' referrers
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    assert response["Referrer-Policy"] == PRIVATE_PAGE_REFERRER_POLICY
    text = pdf_text(b"".join(response.streaming_content))
    assert "¥300" in text
    assert "¥7,777" not in text


def test_a_forged_or_revoked_private_link_has_no_statement(client):
    from payments.donations.donor_links import donor_token

    campaign = CampaignFactory(status="live", min_donation_minor=1000)
    donor = gift(campaign, 30_000, email="li.hua@example.com").donor
    token = donor_token(donor)
    donor.link_version += 1  # every link sent before is revoked
    donor.save(update_fields=["link_version"])

    assert client.get(f"/en/reports/donor/{token}/statement/").status_code == 404
    assert client.get(f"/en/reports/donor/{token[:-2]}xx/statement/").status_code == 404
    assert not ReportRun.objects.exists()


def test_the_private_page_links_the_statement_in_the_donors_language(client):
    from django.urls import reverse
    from django.utils import translation

    from payments.donations.donor_links import donor_token

    campaign = CampaignFactory(status="live", min_donation_minor=1000)
    token = donor_token(gift(campaign, 30_000, email="li.hua@example.com").donor)
    with translation.override("zh-hans"):
        page_url = reverse("payments:donor_page", kwargs={"token": token})
        statement_url = reverse("reports:private_statement", kwargs={"token": token})

    page = client.get(page_url).content.decode()

    assert f'<a href="{statement_url}">全部捐款对账单（PDF）</a>' in page
