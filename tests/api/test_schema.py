"""The schema is tested against the running API (schemathesis over Django's WSGI app): for every
operation, generated requests (valid and invalid) never get a 500 and every documented answer
matches the schema. Bounded: a few examples per operation, no shrinking, no deadline."""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from campaigns.models import CampaignStatus
from config.wsgi import application
from tests.builders import gift
from tests.factories import CampaignFactory

pytestmark = pytest.mark.django_db

CHECKS = [not_a_server_error, response_schema_conformance, content_type_conformance, status_code_conformance]


# The schema as the running app serves it (the schema view reads no database).
schema = schemathesis.openapi.from_wsgi("/api/v1/schema/", application)


@pytest.fixture
def api_data(db, fake_gateway, settings):
    """Something for the reads to return (a campaign with a gift), and gift limits that do not
    stop the run (the API's own throttles still count). As Django's test client does, requests
    do not close the database connection (it holds the test's transaction)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    campaign = CampaignFactory(status=CampaignStatus.LIVE, slug="cataract")
    gift(campaign, 50_000)
    settings.PAYMENTS_RATE_LIMIT_IP = "10000/600"
    settings.PAYMENTS_RATE_LIMIT_EMAIL = "10000/600"
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@schema.parametrize()
@settings(max_examples=6, phases=[Phase.explicit, Phase.generate], deadline=None, database=None,
          suppress_health_check=list(HealthCheck))  # fmt: skip
def test_the_api_keeps_to_its_schema(case, api_data):
    case.call_and_validate(checks=CHECKS)
