"""An in-memory ``ConnectGateway`` that enforces Stripe's Connect rules, for tests and the demo.

Rules kept: a transfer needs a known connected account and may not exceed the platform's
available balance in that currency (``balance_insufficient``); a reversal may not exceed what is
left of the transfer nor the destination account's balance; the same idempotency key returns the
first result and moves nothing again. Every movement appears as a balance transaction.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Iterator
from datetime import datetime

from django.utils import timezone

from campaigns.money import Money
from payments.gateway.connect import (
    BalanceTransaction,
    ConnectError,
    InsufficientBalance,
    ReversalResult,
    TransferResult,
)


class FakeConnectGateway:
    test_only = True  # refused by ``manage.py check --deploy`` (payments.E001) and production settings

    def __init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        self.available: dict[str, int] = defaultdict(int)  # platform balance, minor units
        self.accounts: dict[str, dict[str, int]] = {}  # connected account -> currency -> minor
        self.transfers: dict[str, dict] = {}
        self.by_key: dict[str, object] = {}
        self.transactions: list[BalanceTransaction] = []
        self._ids = itertools.count(1)

    # --- test controls ---------------------------------------------------------------------
    def add_account(self, account_id: str) -> None:
        self.accounts.setdefault(account_id, defaultdict(int))

    def fund_platform(self, amount: Money, *, source: str = "") -> None:
        """Money reaching the platform balance (a charge settling)."""
        self.available[amount.currency] += amount.to_minor()
        self._record("charge", source or f"ch_fake_{next(self._ids)}", amount)

    def record(self, kind: str, source: str, amount: Money) -> None:
        """Test control: a balance transaction made elsewhere at the provider (a refund, a dispute's
        withdrawal or reinstatement), as it appears in the platform's balance history."""
        self.available[amount.currency] += amount.to_minor()
        self._record(kind, source, amount)

    # --- interface -------------------------------------------------------------------------
    def _record(self, kind: str, source: str, amount: Money) -> None:
        self.transactions.append(
            BalanceTransaction(
                id=f"txn_fake_{next(self._ids)}",
                type=kind,
                source=source,
                amount=amount,
                created=timezone.now(),
            )
        )

    def transfer_create(self, *, destination: str, amount: Money, key: str, metadata: dict) -> TransferResult:
        if key in self.by_key:
            return self.by_key[key]
        if destination not in self.accounts:
            raise ConnectError("No such destination account", code="resource_missing")
        if amount.to_minor() <= 0:
            raise ConnectError("Amount must be positive", code="parameter_invalid_integer")
        if amount.to_minor() > self.available[amount.currency]:
            raise InsufficientBalance(
                "You have insufficient available funds in your Stripe account.", code="balance_insufficient"
            )
        transfer_id = f"tr_fake_{next(self._ids)}"
        self.available[amount.currency] -= amount.to_minor()
        self.accounts[destination][amount.currency] += amount.to_minor()
        self.transfers[transfer_id] = {"destination": destination, "amount": amount, "reversed": 0,
                                       "metadata": dict(metadata)}  # fmt: skip
        self._record("transfer", transfer_id, -amount)
        result = TransferResult(id=transfer_id, amount=amount, destination=destination)
        self.by_key[key] = result
        return result

    def transfer_reverse(self, *, transfer_id: str, amount: Money, key: str) -> ReversalResult:
        if key in self.by_key:
            return self.by_key[key]
        transfer = self.transfers.get(transfer_id)
        if transfer is None:
            raise ConnectError("No such transfer", code="resource_missing")
        left = transfer["amount"].to_minor() - transfer["reversed"]
        if amount.to_minor() > left:
            raise ConnectError("Reversal exceeds the transfer's unreversed amount", code="amount_too_large")
        account = self.accounts[transfer["destination"]]
        if amount.to_minor() > account[amount.currency]:
            raise InsufficientBalance(
                "The destination account has insufficient funds for this reversal.",
                code="balance_insufficient",
            )
        account[amount.currency] -= amount.to_minor()
        self.available[amount.currency] += amount.to_minor()
        transfer["reversed"] += amount.to_minor()
        reversal_id = f"trr_fake_{next(self._ids)}"
        self._record("transfer_reversal", reversal_id, amount)
        result = ReversalResult(id=reversal_id, transfer_id=transfer_id, amount=amount)
        self.by_key[key] = result
        return result

    def balance_available(self, *, currency: str) -> Money:
        return Money.from_minor(self.available[currency], currency)

    def balance_transactions(self, *, since: datetime) -> Iterator[BalanceTransaction]:
        return iter([t for t in self.transactions if t.created >= since])
