"""A closed pool's leftover returned by officers at the same moment, each in its own connection
(ADR 0238): one return recorded, posted once, the pool account never below zero."""

import pytest
from django.utils import translation

from payments.ledger.services import balance_of
from payments.matching.models import PoolReturn
from payments.matching.returns import pool_return_confirm, pool_return_record
from payments.matching.services import pool_account, pool_close
from payments.models import LedgerEntry
from tests.factories import CampaignFactory
from tests.payments.conftest import cny
from tests.payments.matching_helpers import officer, pool
from tests.payments.test_concurrency import run_threads

pytestmark = pytest.mark.django_db(transaction=True)


def in_english(service, **kwargs):
    """Each thread's refusal in English (threads start in the site's language)."""
    with translation.override("en"):
        return service(**kwargs)


def test_simultaneous_returns_record_one_and_post_it_once():
    # given a closed ¥1,000 pool that matched nothing
    campaign = CampaignFactory(status="live", min_donation_minor=100)
    p = pool([campaign], cap=100_000)
    pool_close(pool=p, actor=officer("finance-a"), reason="over")
    officer("finance-c")

    # when three officers record its return at the same moment
    errors = run_threads(
        lambda i: in_english(pool_return_record, pool=p, actor=officer(("finance-a", "finance-c")[i % 2])), 3
    )

    # then one is recorded, the others refused as already awaiting
    assert len(errors) == 2 and all("already awaits" in e[1] for e in errors)
    recorded = PoolReturn.objects.get()

    # when two officers confirm it at the same moment
    confirmer = "finance-b" if recorded.recorded_by.username != "finance-b" else "finance-c"
    errors = run_threads(lambda i: pool_return_confirm(pool_return=recorded, actor=officer(confirmer)), 2)

    # then it is posted once and the pool is empty, not below zero
    assert errors == []
    assert LedgerEntry.objects.filter(kind="pool_return.to_matcher").count() == 1
    assert balance_of(pool_account(p)) == cny(0)
