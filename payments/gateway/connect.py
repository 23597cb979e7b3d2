"""Stripe Connect at the provider edge: transfers to partners' connected accounts, reversals,
and the balance transactions that reconciliation reads. Imports ``stripe``; nothing else in
``payments`` outside ``gateway*`` may.

``ConnectGateway`` is the interface. ``StripeConnectGateway`` implements it on Stripe's API;
``payments.gateway.connect_fake.FakeConnectGateway`` implements it in memory with Stripe's rules
(localstripe has no Connect). ``get_connect_gateway()`` returns the one named by
``CLEARFUND_CONNECT_GATEWAY``. Reconciliation reads balance transactions through it: in the demo,
``StripeConnectGateway`` pointed at localstripe (``STRIPE_API_BASE``), where the demo's gifts and
refunds really are.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from typing import Protocol

import stripe
from django.conf import settings
from django.utils.module_loading import import_string

from campaigns.money import Money


class ConnectError(Exception):
    """The provider refused or failed. ``retryable`` says whether the same call may succeed later."""

    retryable = False

    def __init__(self, message: str, *, code: str = "") -> None:
        super().__init__(message)
        self.code = code


class InsufficientBalance(ConnectError):
    """Stripe's ``balance_insufficient``: funds may become available later, so retry."""

    retryable = True


class ProviderUnavailable(ConnectError):
    retryable = True


@dataclass(frozen=True)
class TransferResult:
    id: str
    amount: Money
    destination: str


@dataclass(frozen=True)
class ReversalResult:
    id: str
    transfer_id: str
    amount: Money


@dataclass(frozen=True)
class BalanceTransaction:
    id: str
    type: str  # charge, payment, refund, transfer, transfer_reversal, adjustment, payout, ...
    source: str  # the object it belongs to: ch_..., re_..., tr_..., trr_...
    amount: Money  # signed, as it moved the platform balance
    created: datetime


class ConnectGateway(Protocol):
    def transfer_create(
        self, *, destination: str, amount: Money, key: str, metadata: dict
    ) -> TransferResult: ...

    def transfer_reverse(self, *, transfer_id: str, amount: Money, key: str) -> ReversalResult: ...

    def balance_available(self, *, currency: str) -> Money: ...

    def balance_transactions(self, *, since: datetime) -> Iterator[BalanceTransaction]: ...


def get_connect_gateway() -> ConnectGateway:
    """The class ``CLEARFUND_CONNECT_GATEWAY`` names (Stripe unless a test says otherwise); never
    chosen behind the setting's back (production refuses fakes: ``payments.gateway.checks``)."""
    return _instance(settings.CLEARFUND_CONNECT_GATEWAY)


@lru_cache(maxsize=4)
def _instance(path: str) -> ConnectGateway:
    return import_string(path)()


def _money(minor: int, currency: str) -> Money:
    return Money.from_minor(int(minor), currency.upper())


class StripeConnectGateway:
    """``ConnectGateway`` on Stripe's API, with idempotency keys and a timeout on every call."""

    def __init__(self) -> None:
        kwargs: dict = {"http_client": stripe.RequestsClient(timeout=settings.STRIPE_TIMEOUT_SECONDS)}
        if settings.STRIPE_API_BASE:
            kwargs["base_addresses"] = {"api": settings.STRIPE_API_BASE}
        self.client = stripe.StripeClient(settings.STRIPE_SECRET_KEY or "sk_test_missing", **kwargs)

    def _call(self, fn):
        try:
            return fn()
        except stripe.InvalidRequestError as exc:
            if exc.code == "balance_insufficient":
                raise InsufficientBalance(str(exc.user_message or exc), code=exc.code) from exc
            raise ConnectError(str(exc.user_message or exc), code=exc.code or "") from exc
        except (stripe.APIConnectionError, stripe.RateLimitError, stripe.APIError) as exc:
            raise ProviderUnavailable(str(exc), code=getattr(exc, "code", "") or "") from exc
        except stripe.StripeError as exc:
            raise ConnectError(str(exc), code=getattr(exc, "code", "") or "") from exc

    def transfer_create(self, *, destination: str, amount: Money, key: str, metadata: dict) -> TransferResult:
        params = {
            "amount": amount.to_minor(),
            "currency": amount.currency.lower(),
            "destination": destination,
            "metadata": metadata,
        }
        t = self._call(
            lambda: self.client.v1.transfers.create(params=params, options={"idempotency_key": key})
        )
        return TransferResult(id=t.id, amount=_money(t.amount, t.currency), destination=destination)

    def transfer_reverse(self, *, transfer_id: str, amount: Money, key: str) -> ReversalResult:
        r = self._call(
            lambda: self.client.v1.transfers.reversals.create(
                transfer_id, params={"amount": amount.to_minor()}, options={"idempotency_key": key}
            )
        )
        return ReversalResult(id=r.id, transfer_id=transfer_id, amount=_money(r.amount, r.currency))

    def balance_available(self, *, currency: str) -> Money:
        balance = self._call(lambda: self.client.v1.balance.retrieve())
        for item in balance.available:
            if item.currency.upper() == currency:
                return _money(item.amount, currency)
        return Money.zero(currency)

    def balance_transactions(self, *, since: datetime) -> Iterator[BalanceTransaction]:
        """Balance transactions created at or after ``since``, newest first.

        Pages through the list (newest first, as Stripe and localstripe both return it) and stops
        at the first older one, instead of a ``created`` filter: localstripe refuses that
        parameter, and this way the demo reconciles against what it really paid through.
        Raises ``ConnectError`` (``ProviderUnavailable`` if it may work later).
        """
        floor = int(since.timestamp())
        page = self._call(lambda: self.client.v1.balance_transactions.list(params={"limit": 100}))
        items = page.auto_paging_iter()
        while True:
            bt = self._call(lambda: next(items, None))
            if bt is None or bt.created < floor:
                return
            source = bt.source if isinstance(bt.source, str) else getattr(bt.source, "id", "") or ""
            yield BalanceTransaction(
                id=bt.id,
                type=bt.type,
                source=source or "",
                amount=_money(bt.amount, bt.currency),
                created=datetime.fromtimestamp(bt.created, tz=UTC),
            )
