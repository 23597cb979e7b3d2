"""Posting to the ledger and reading balances.

``entry_post`` is the only writer of entries and postings. It enforces: every entry balances to
zero per currency; an idempotency key posts at most once (a repeat returns the first entry);
accounts that hold money for someone (escrow, disputed, partner payable) never go negative, which
it guarantees by locking those account rows, in id order, before reading their balance.

Balances are not summed over postings: the database keeps them, per account and entry family,
in ``LedgerBalance`` slot rows written by a trigger in the posting's own transaction (ADR 0211),
so reading one costs the same at a thousand gifts as at a million. Under the account lock the sum
of the slots is exact: every other spender waits on the lock, and credits only add.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import IntegrityError, connection, transaction
from django.db.models import Sum
from django.utils import timezone

from campaigns.models import Campaign, Partner
from campaigns.money import CurrencyMismatch, Money
from payments.ledger.models import (
    NON_NEGATIVE_KINDS,
    AccountKind,
    BalanceDrift,
    LedgerAccount,
    LedgerBalance,
    LedgerEntry,
    Posting,
)

# Entries that spend on the platform's own decision: releases. While a balance check has an open
# alert on an account, they may not take money out of it. Refunds, disputes and payouts record
# what the provider (or the bank) already did and still post (ADR 0211).
STOPPED_BY_DRIFT = ("release.",)


class UnbalancedEntry(ValueError):
    """The postings of an entry do not sum to zero in each currency."""


class BalanceDrifted(ValueError):
    """A balance check found this account's kept balance differing from its postings; releases
    from it wait until finance resolves the alert (``BalanceDrift``)."""

    def __init__(self, account: LedgerAccount) -> None:
        super().__init__(f"{account.code} has an open balance drift alert")
        self.account = account


class InsufficientFunds(ValueError):
    """A posting would take escrow, disputed or payable funds below zero."""

    def __init__(self, account: LedgerAccount, balance: Money, wanted: Money) -> None:
        super().__init__(f"{account.code} holds {balance}, cannot take {wanted}")
        self.account = account
        self.balance = balance
        self.wanted = wanted


@dataclass(frozen=True)
class Leg:
    account: LedgerAccount
    amount: Money


def account_for(
    *, kind: str, currency: str, campaign: Campaign | None = None, partner: Partner | None = None
) -> LedgerAccount:
    """The one account of ``kind`` for this currency and owner, created on first use."""
    code = _account_code(kind=kind, currency=currency, campaign=campaign, partner=partner)
    account, _created = LedgerAccount.objects.get_or_create(
        code=code, defaults={"kind": kind, "currency": currency, "campaign": campaign, "partner": partner}
    )
    return account


def accounts_for(*specs: dict) -> list[LedgerAccount]:
    """Several accounts at once, in the order asked: ``specs`` are ``account_for`` keyword
    dicts. One query when they all exist (the common case: a capture needs donor funds and the
    campaign's escrow); a missing one is created as ``account_for`` would."""
    codes = [_account_code(**spec) for spec in specs]
    found = {a.code: a for a in LedgerAccount.objects.filter(code__in=codes)}
    return [found.get(code) or account_for(**spec) for code, spec in zip(codes, specs, strict=True)]


def _account_code(
    *, kind: str, currency: str, campaign: Campaign | None = None, partner: Partner | None = None
) -> str:
    parts = [kind, currency]
    if campaign is not None:
        parts.append(f"campaign-{campaign.pk}")
    if partner is not None:
        parts.append(f"partner-{partner.pk}")
    return ":".join(parts)


def escrow_account(campaign: Campaign) -> LedgerAccount:
    return account_for(kind=AccountKind.CAMPAIGN_ESCROW, currency=campaign.currency, campaign=campaign)


def balance_of(account: LedgerAccount) -> Money:
    """The account's balance: the sum of its kept balance rows (a few dozen at most)."""
    total = LedgerBalance.objects.filter(account=account).aggregate(total=Sum("amount_minor"))["total"] or 0
    return Money.from_minor(int(total), account.currency)


def balance_from_postings(account: LedgerAccount) -> Money:
    """The account's balance summed over every posting: what the balance check compares with."""
    total = Posting.objects.filter(account=account).aggregate(total=Sum("amount_minor"))["total"] or 0
    return Money.from_minor(int(total), account.currency)


def account_drifted(account: LedgerAccount) -> bool:
    """A balance check raised an alert on this account that finance has not resolved yet."""
    return BalanceDrift.objects.filter(account=account, resolved_at__isnull=True).exists()


def entry_post(
    *, key: str, kind: str, legs: Sequence[Leg], memo: str = "", reverses: LedgerEntry | None = None
) -> LedgerEntry:
    """Post one balanced entry, or return the entry already posted under ``key``.

    Raises ``UnbalancedEntry`` if the legs do not sum to zero per currency, ``CurrencyMismatch``
    if a leg's currency differs from its account's, ``InsufficientFunds`` if a non-negative
    account would go below zero, and ``BalanceDrifted`` if a release would spend from
    an account with an open balance drift alert; in each case nothing is written.
    """
    if not legs:
        raise UnbalancedEntry("an entry needs postings")
    sums: dict[str, int] = defaultdict(int)
    for leg in legs:
        if leg.amount.currency != leg.account.currency:
            raise CurrencyMismatch(
                f"{leg.account.code} is in {leg.account.currency}, not {leg.amount.currency}"
            )
        if not leg.amount:
            raise UnbalancedEntry("a posting of zero moves nothing")
        sums[leg.amount.currency] += leg.amount.to_minor()
    if any(sums.values()):
        raise UnbalancedEntry(f"entry {key} does not balance: {dict(sums)}")

    if not _spends(legs):
        # Nothing to check before writing (a capture, a credit): the entry unless its key is
        # taken, and its postings, in one statement, with no read before and no savepoint (ADR
        # 0212, 0240). A repeat (or a concurrent caller that posted first) finds the key taken,
        # inserts nothing, and returns that entry.
        with transaction.atomic(savepoint=False):
            entry = _entry_with_postings_insert(
                key=key, kind=kind, memo=memo[:300], reverses=reverses, legs=legs
            )
            if entry is None:
                return LedgerEntry.objects.get(key=key)
        return entry

    existing = LedgerEntry.objects.filter(key=key).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            _check_funds(legs, kind=kind)
            entry = LedgerEntry.objects.create(key=key, kind=kind, memo=memo[:300], reverses=reverses)
            _postings_insert(entry, legs)
    except IntegrityError:
        # A concurrent caller posted the same key first; theirs stands.
        existing = LedgerEntry.objects.filter(key=key).first()
        if existing is None:
            raise
        return existing
    return entry


def _spends(legs: Sequence[Leg]) -> bool:
    """Some leg takes money out of an account that may not go negative (``_check_funds``)."""
    outflows: dict[int, int] = defaultdict(int)
    for leg in legs:
        if leg.account.kind in NON_NEGATIVE_KINDS:
            outflows[leg.account.pk] += leg.amount.to_minor()
    return any(delta < 0 for delta in outflows.values())


# The entry and its postings in one statement: the postings are inserted only if the entry was
# (its key was free). The triggers run as for two statements: the kept balances
# (``ledger_posting_balance``, per statement, joining the entry inserted by the same statement:
# AFTER triggers see every row the statement wrote) and the balance check (deferred to commit).
_ENTRY_WITH_POSTINGS_INSERT = (
    "WITH entry AS ("
    " INSERT INTO payments_ledgerentry (key, kind, memo, created_at, reverses_id)"
    " VALUES (%s, %s, %s, %s, %s) ON CONFLICT (key) DO NOTHING RETURNING id"
    "), postings AS ("
    " INSERT INTO payments_posting (entry_id, account_id, amount_minor, currency)"
    " SELECT entry.id, p.account_id, p.amount_minor, p.currency FROM entry,"
    " unnest(%s::bigint[], %s::bigint[], %s::varchar[]) WITH ORDINALITY AS p(account_id, amount_minor, currency, n)"
    " ORDER BY p.n"
    ") SELECT id FROM entry"
)


def _entry_with_postings_insert(
    *, key: str, kind: str, memo: str, reverses: LedgerEntry | None, legs: Sequence[Leg]
) -> LedgerEntry | None:
    """Insert the entry and its postings in one statement; None (nothing written) if an entry with
    ``key`` exists (or a concurrent transaction committed one first: PostgreSQL waits, then skips)."""
    entry = LedgerEntry(key=key, kind=kind, memo=memo, reverses=reverses, created_at=timezone.now())
    params = [key, kind, memo, entry.created_at, reverses.pk if reverses else None,
              [leg.account.pk for leg in legs], [leg.amount.to_minor() for leg in legs],
              [leg.amount.currency for leg in legs]]  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute(_ENTRY_WITH_POSTINGS_INSERT, params)
        row = cursor.fetchone()
    if row is None:
        return None
    entry.pk = row[0]
    entry._state.adding = False
    return entry


def _postings_insert(entry: LedgerEntry, legs: Sequence[Leg]) -> None:
    Posting.objects.bulk_create(
        Posting(
            entry=entry, account=leg.account, amount_minor=leg.amount.to_minor(), currency=leg.amount.currency
        )
        for leg in legs
    )


def _check_funds(legs: Sequence[Leg], *, kind: str) -> None:
    outflows: dict[int, int] = defaultdict(int)
    accounts: dict[int, LedgerAccount] = {}
    for leg in legs:
        if leg.account.kind in NON_NEGATIVE_KINDS:
            outflows[leg.account.pk] += leg.amount.to_minor()
            accounts[leg.account.pk] = leg.account
    spending = sorted(pk for pk, delta in outflows.items() if delta < 0)
    if not spending:
        return
    # Lock in a fixed order so two entries spending from the same accounts cannot deadlock.
    list(LedgerAccount.objects.select_for_update().filter(pk__in=spending).order_by("pk").values_list("pk"))
    for pk in spending:
        account = accounts[pk]
        if kind.startswith(STOPPED_BY_DRIFT) and account_drifted(account):
            raise BalanceDrifted(account)
        balance = balance_of(account)
        change = Money.from_minor(outflows[pk], account.currency)
        if (balance + change).amount < 0:
            raise InsufficientFunds(account, balance, -change)


def entry_reverse(*, entry: LedgerEntry, key: str, memo: str = "") -> LedgerEntry:
    """Post the mirror image of ``entry`` (a correction); the original stays as it was."""
    legs = [Leg(p.account, -p.amount) for p in entry.postings.select_related("account")]
    return entry_post(
        key=key,
        kind=f"{entry.kind}.reversal",
        legs=legs,
        memo=memo or f"reverses {entry.key}",
        reverses=entry,
    )
