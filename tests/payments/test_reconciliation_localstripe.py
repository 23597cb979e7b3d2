"""Reconciliation reads the stand-in the demo really pays through: localstripe's balance
transactions, through the real ``StripeConnectGateway`` (never an empty in-memory fake)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from payments.gateway.connect import StripeConnectGateway, _instance, get_connect_gateway
from payments.models import UnmatchedItem
from payments.reconciliation.services import reconciliation_run
from payments.refunds.services import refund_request
from tests.payments.conftest import cny
from tests.payments.factories import give

pytestmark = pytest.mark.django_db


@pytest.fixture
def localstripe_connect(stripe_api, settings):
    """The demo's configuration: Stripe's Connect class pointed at localstripe."""
    settings.CLEARFUND_CONNECT_GATEWAY = "payments.gateway.connect.StripeConnectGateway"
    settings.RECONCILIATION_GRACE = timedelta(0)  # as after the grace period: every entry is due
    _instance.cache_clear()
    yield get_connect_gateway()
    _instance.cache_clear()


def test_a_real_gift_through_localstripe_reconciles_with_nothing_unmatched(localstripe_connect, campaign):
    # given a ¥300 gift charged through localstripe
    gift = give(campaign, "300")
    assert gift.provider_charge_id.startswith("ch_")

    # when reconciliation runs with the configured gateway (as the hourly task does)
    run = reconciliation_run(since=timezone.now() - timedelta(hours=1))

    # then localstripe's charge matches the gift's ledger entry, and nothing is left on either side
    assert isinstance(localstripe_connect, StripeConnectGateway)
    assert (run.error, run.provider_transactions, run.matched) == ("", 1, 1)
    assert (run.unmatched_provider, run.unmatched_ledger) == (0, 0)
    assert not UnmatchedItem.objects.exists()


def test_gift_and_refund_through_localstripe_reconcile(localstripe_connect, campaign, finance_officer,
                                                       django_capture_on_commit_callbacks):  # fmt: skip
    # given a ¥300 gift and a ¥100 refund, both through localstripe
    gift = give(campaign, "300")
    with django_capture_on_commit_callbacks(execute=True):
        refund_request(donation=gift, amount=cny("100"), reason="donor asked", actor=finance_officer)

    run = reconciliation_run(since=timezone.now() - timedelta(hours=1))

    assert (run.error, run.provider_transactions, run.matched) == ("", 2, 2)
    assert (run.unmatched_provider, run.unmatched_ledger) == (0, 0)


def test_older_provider_transactions_are_left_out(localstripe_connect, campaign):
    give(campaign, "300")

    run = reconciliation_run(since=timezone.now() + timedelta(minutes=5))

    assert (run.error, run.provider_transactions, run.matched, run.unmatched_ledger) == ("", 0, 0, 0)
