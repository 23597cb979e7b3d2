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
