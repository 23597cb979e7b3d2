"""Fifty simultaneous gifts to one campaign, and their webhooks twice each, against PostgreSQL."""

import threading
import uuid

import pytest
from django.db import connection
from django.test import Client

from campaigns.models import CampaignStatus
from payments.figures.selectors import campaign_totals_uncached
from payments.ledger.services import balance_of, escrow_account
from payments.models import Donation, LedgerEntry, Posting, WebhookEvent
from tests.factories import CampaignFactory
from tests.payments.conftest import cny, event, post_signed
from tests.payments.factories import give

pytestmark = pytest.mark.django_db(transaction=True)
N = 50


def run_threads(target, count):
    errors = []
    barrier = threading.Barrier(count)

    def wrapped(i):
        try:
            barrier.wait()
            target(i)
        except Exception as exc:  # reported below, with the thread's number
            errors.append((i, repr(exc)))
        finally:
            connection.close()

    threads = [threading.Thread(target=wrapped, args=(i,)) for i in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return errors


def test_fifty_simultaneous_gifts_and_duplicate_webhooks_give_exact_totals(fake_gateway):
    campaign = CampaignFactory(status=CampaignStatus.LIVE, min_donation_minor=100)
    amounts = [cny(f"{10 + i}.{i:02d}") for i in range(N)]

    # when fifty donors give at the same moment (the same donor twice in a few cases)
    errors = run_threads(lambda i: give(campaign, str(amounts[i].amount), email=f"d{i % 45}@example.cn"), N)
    assert errors == []

    # and every gift's success event arrives twice, concurrently, from different threads
    gifts = list(Donation.objects.filter(campaign=campaign).order_by("pk"))
    payloads = [event(f"evt_{g.pk}", "payment_intent.succeeded",
                      {"id": g.provider_payment_intent_id, "metadata": {"donation_id": str(g.public_id)}})
                for g in gifts]  # fmt: skip
    # (25 threads, not 100: the shared PostgreSQL allows 100 connections for everyone)
    deliveries = payloads + payloads[::-1]
    codes = []

    def deliver(i):
        client = Client()
        for payload in deliveries[i::25]:
            codes.append(post_signed(client, payload).status_code)

    errors = run_threads(deliver, 25)
    assert errors == []

    # then no gift was lost or doubled
    expected = sum(amounts, cny(0))
    assert codes == [200] * (2 * N)
    assert WebhookEvent.objects.count() == N
    assert LedgerEntry.objects.filter(kind="donation.captured").count() == N
    assert Posting.objects.filter(entry__kind="donation.captured").count() == 2 * N
    assert balance_of(escrow_account(campaign)) == expected
    totals = campaign_totals_uncached(campaign=campaign)
    assert (totals.raised, totals.held, totals.donors) == (expected, expected, 45)


def test_fifty_double_submits_of_the_same_form_make_one_gift(fake_gateway):
    campaign = CampaignFactory(status=CampaignStatus.LIVE)
    attempt = uuid.uuid4()
    from payments.donations.services import donation_create

    errors = run_threads(
        lambda i: donation_create(
            campaign=campaign, amount=cny("100"), email="a@example.cn", attempt=attempt
        ),
        N,
    )
    assert errors == []
    assert Donation.objects.count() == 1
