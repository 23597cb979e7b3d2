"""Property tests: whatever sequence of gifts, refunds and disputes, the ledger's invariants hold."""

from decimal import Decimal

import pytest
from django.db.models import Sum
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from payments.figures.selectors import campaign_totals_uncached
from payments.ledger.services import (
    InsufficientFunds,
    Leg,
    account_for,
    balance_of,
    entry_post,
    escrow_account,
)
from payments.models import AccountKind, LedgerEntry, Posting
from tests.factories import CampaignFactory
from tests.payments.conftest import cny

pytestmark = pytest.mark.django_db

amounts = st.integers(min_value=1, max_value=10_000_000)
operations = st.lists(
    st.one_of(
        st.tuples(st.just("give"), amounts),
        st.tuples(st.just("refund"), amounts),
        st.tuples(st.just("dispute"), amounts),
        st.tuples(st.just("win"), amounts),
        st.tuples(st.just("lose"), amounts),
        st.tuples(st.just("replay"), st.integers(min_value=0, max_value=50)),
    ),
    max_size=25,
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ops=operations)
def test_ledger_invariants_hold_for_any_sequence(ops):
    campaign = CampaignFactory()
    donors = account_for(kind=AccountKind.DONOR_FUNDS, currency="CNY")
    escrow = escrow_account(campaign)
    disputed = account_for(kind=AccountKind.DISPUTED, currency="CNY", campaign=campaign)
    losses = account_for(kind=AccountKind.DISPUTE_LOSSES, currency="CNY", campaign=campaign)
    refunds = account_for(kind=AccountKind.REFUNDS, currency="CNY")
    moves = {
        "give": (donors, escrow, "donation.captured"),
        "refund": (escrow, refunds, "refund.issued"),
        "dispute": (escrow, disputed, "dispute.opened"),
        "win": (disputed, escrow, "dispute.won"),
        "lose": (disputed, losses, "dispute.lost"),
    }
    model = {"escrow": 0, "disputed": 0, "raised": 0}
    keys: list[tuple[str, str, int]] = []
    for n, (op, value) in enumerate(ops):
        if op == "replay":
            if not keys:
                continue
            key, op, value = keys[value % len(keys)]
        else:
            key = f"{campaign.pk}:{n}"
        source, target, kind = moves[op]
        money = cny(Decimal(value).scaleb(-2))
        try:
            entry_post(key=key, kind=kind, legs=[Leg(source, -money), Leg(target, money)])
        except InsufficientFunds:
            continue
        if any(k == key for k, _, _ in keys):
            continue  # a replayed key moves nothing
        keys.append((key, op, value))
        delta = {"give": (0, 0), "refund": (-value, 0), "dispute": (-value, value), "win": (value, -value),
                 "lose": (0, -value)}[op]  # fmt: skip
        if op == "give":
            delta = (value, 0)
            model["raised"] += value
        model["escrow"] += delta[0]
        model["disputed"] += delta[1]

    # every entry balances, nothing holding money went negative, the balances match the model
    for entry in LedgerEntry.objects.filter(key__startswith=f"{campaign.pk}:"):
        assert entry.postings.aggregate(s=Sum("amount_minor"))["s"] == 0
    assert balance_of(escrow).to_minor() == model["escrow"] >= 0
    assert balance_of(disputed).to_minor() == model["disputed"] >= 0
    assert Posting.objects.aggregate(s=Sum("amount_minor"))["s"] in (0, None)
    totals = campaign_totals_uncached(campaign=campaign)
    assert totals.raised.to_minor() == model["raised"]
    assert totals.held.to_minor() == model["escrow"]
