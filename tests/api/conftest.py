"""Fixtures for the API's tests: a live campaign, a fresh cache (throttles, rate limits), a client."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from campaigns.models import CampaignStatus
from payments.gateway.card import _gateway_instance
from tests.factories import CampaignFactory


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    _gateway_instance.cache_clear()
    yield
    _gateway_instance.cache_clear()


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def campaign(db):
    return CampaignFactory(status=CampaignStatus.LIVE, min_donation_minor=1000)
