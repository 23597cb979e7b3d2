"""A matcher's statement PDF through the reports pipeline (ADR 0227): pools, pay-ins, campaigns
matched, in the run's language; an unknown matcher fails the run with a readable error."""

import re

import pytest

from reports import services
from reports.models import ReportStatus
from tests import builders
from tests.factories import CampaignFactory
from tests.payments.matching_helpers import pool
from tests.reports.conftest import pdf_text

pytestmark = pytest.mark.django_db


def test_matcher_statement_lists_pools_pay_ins_and_matches(private_root, django_capture_on_commit_callbacks):
    # given a ¥1,000 pledge of which ¥400 is paid in, and a ¥300 gift matched
    campaign = CampaignFactory(status="live", min_donation_minor=100, title_en="Cataract surgery")
    p = pool([campaign], cap=100_000, paid_in=40_000)
    with django_capture_on_commit_callbacks(execute=True):
        builders.gift(campaign, 30_000)

    # when its statement is requested in English and the worker renders it
    with django_capture_on_commit_callbacks(execute=True):
        run = services.request_matcher_statement(matcher_id=p.matcher_id, language="en")
    run.refresh_from_db()

    # then the PDF names the matcher and shows paid in, not paid in yet, matched, and the campaign
    assert run.status == ReportStatus.DONE, run.error
    text = re.sub(r"\s+", " ", pdf_text(run.file.read()))
    assert "Matcher statement" in text
    assert p.matcher.name_en in text
    assert "¥400" in text and "¥600" in text and "¥300" in text
    assert "Cataract surgery" in text
    assert f"CF-M-{p.matcher_id}" in text


def test_statement_of_an_unknown_matcher_fails_readably(private_root, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        run = services.request_matcher_statement(matcher_id=999_999, language="en")
    run.refresh_from_db()
    assert run.status == ReportStatus.FAILED
    assert "no matcher" in run.error
