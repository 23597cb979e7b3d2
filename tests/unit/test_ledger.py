import pytest
from django.db import DatabaseError, connection, transaction

from campaigns.money import CurrencyMismatch, Money
from payments.ledger.services import (
    InsufficientFunds,
    Leg,
    UnbalancedEntry,
    account_for,
    balance_of,
    entry_post,
    entry_reverse,
    escrow_account,
)
from payments.models import AccountKind, LedgerEntry, Posting
from tests.factories import CampaignFactory

pytestmark = pytest.mark.django_db


def cny(text: str) -> Money:
    return Money.parse(text, "CNY")


@pytest.fixture
def accounts():
    campaign = CampaignFactory()
    donors = account_for(kind=AccountKind.DONOR_FUNDS, currency="CNY")
    payable = account_for(kind=AccountKind.PARTNER_PAYABLE, currency="CNY", campaign=campaign)
    return donors, escrow_account(campaign), payable


def test_balanced_entry_moves_money(accounts):
    donors, escrow, _ = accounts

    entry_post(key="d1", kind="donation", legs=[Leg(donors, -cny("100")), Leg(escrow, cny("100"))])

    assert balance_of(escrow) == cny("100")
    assert balance_of(donors) == -cny("100")


def test_same_key_posts_once(accounts):
    donors, escrow, _ = accounts
    legs = [Leg(donors, -cny("100")), Leg(escrow, cny("100"))]

    first = entry_post(key="d1", kind="donation", legs=legs)
    second = entry_post(key="d1", kind="donation", legs=legs)

    assert first.pk == second.pk
    assert balance_of(escrow) == cny("100")


def test_unbalanced_entry_writes_nothing(accounts):
    donors, escrow, _ = accounts

    with pytest.raises(UnbalancedEntry):
        entry_post(key="bad", kind="donation", legs=[Leg(donors, -cny("100")), Leg(escrow, cny("99.99"))])

    assert not LedgerEntry.objects.exists()


def test_leg_in_wrong_currency_is_refused(accounts):
    donors, escrow, _ = accounts

    with pytest.raises(CurrencyMismatch):
        entry_post(
            key="usd",
            kind="donation",
            legs=[Leg(donors, -Money.parse("1", "USD")), Leg(escrow, Money.parse("1", "USD"))],
        )
    assert not Posting.objects.exists()


def test_escrow_never_goes_negative(accounts):
    donors, escrow, payable = accounts
    entry_post(key="d1", kind="donation", legs=[Leg(donors, -cny("100")), Leg(escrow, cny("100"))])

    with pytest.raises(InsufficientFunds):
        entry_post(key="r1", kind="release", legs=[Leg(escrow, -cny("100.01")), Leg(payable, cny("100.01"))])

    assert balance_of(escrow) == cny("100")
    assert balance_of(payable) == cny("0")
    assert not LedgerEntry.objects.filter(key="r1").exists()


def test_reversal_restores_balances_and_keeps_the_original(accounts):
    donors, escrow, _ = accounts
    entry = entry_post(key="d1", kind="donation", legs=[Leg(donors, -cny("100")), Leg(escrow, cny("100"))])

    reversal = entry_reverse(entry=entry, key="d1:reversed")

    assert balance_of(escrow) == cny("0")
    assert reversal.reverses == entry
    assert LedgerEntry.objects.count() == 2


def test_database_refuses_updates_and_deletes(accounts):
    donors, escrow, _ = accounts
    entry = entry_post(key="d1", kind="donation", legs=[Leg(donors, -cny("100")), Leg(escrow, cny("100"))])

    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        Posting.objects.filter(entry=entry).update(amount_minor=1)
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("DELETE FROM payments_posting WHERE entry_id = %s", [entry.pk])
    assert Posting.objects.filter(entry=entry).count() == 2


@pytest.mark.django_db(transaction=True)
def test_database_refuses_an_unbalanced_entry_written_around_the_service():
    campaign = CampaignFactory()
    escrow = escrow_account(campaign)

    with pytest.raises(DatabaseError, match="does not balance"), transaction.atomic():
        entry = LedgerEntry.objects.create(key="raw", kind="raw")
        Posting.objects.create(entry=entry, account=escrow, amount_minor=500, currency="CNY")

    assert not LedgerEntry.objects.filter(key="raw").exists()
