"""An in-memory ``PaymentGateway`` that keeps Stripe's rules, for what localstripe cannot do.

Used by tests that need provider failures on demand (``fail_next``), by the intake benchmark as a
provider stand-in with a fixed latency (``PAYMENTS_FAKE_LATENCY_SECONDS``), and as the model for
disputes and transfers. It enforces what Stripe enforces and localstripe does not: an idempotency
key replays the first answer, and refunds never exceed what was charged.
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import secrets
import threading
import time
from collections.abc import Sequence
from typing import Any

from django.conf import settings

from campaigns.money import Money
from payments.gateway.card import (
    CardDeclined,
    GatewayError,
    PaymentResult,
    ProviderEvent,
    ProviderRefund,
    RefundResult,
    SetupResult,
    TerminalGatewayError,
    construct_event,
)
from payments.gateway.wallet_fake import FakeWallets

DECLINING_PAYMENT_METHODS = {"pm_card_chargeCustomerFail", "pm_card_visa_chargeDeclined"}
AUTHENTICATING_PAYMENT_METHODS = {"pm_card_authenticationRequired"}
# Cards the issuer refuses when the card is saved (Stripe's test card, and any "pm_card_declined…").
DECLINING_SETUP_PREFIXES = ("pm_card_chargeDeclined", "pm_card_declined")


class FakeGateway(FakeWallets):
    test_only = True  # refused by ``manage.py check --deploy`` (payments.E001) and production settings

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._ids = itertools.count(1)
        # Ids unique across processes and runs (several workers, a benchmark database reused).
        self._run = secrets.token_hex(3)
        self._replies: dict[str, Any] = {}
        self._failures: dict[str, list[GatewayError]] = {}
        self._crashes: dict[str, list[Exception]] = {}
        self.intents: dict[str, dict[str, Any]] = {}
        self.setups: dict[str, dict[str, Any]] = {}
        self.refunds: dict[str, dict[str, Any]] = {}
        self.calls: list[str] = []

    # --- test controls --------------------------------------------------------------------
    def fail_next(self, method: str, error: GatewayError, times: int = 1) -> None:
        """Make the next ``times`` calls of ``method`` raise ``error``."""
        self._failures.setdefault(method, []).extend([error] * times)

    def crash_after_next(self, method: str, error: Exception) -> None:
        """Make the next call of ``method`` happen at the provider and then raise ``error``, as
        when a worker dies between the provider's answer and our commit."""
        self._crashes.setdefault(method, []).append(error)

    def _exit(self, method: str) -> None:
        pending = self._crashes.get(method)
        if pending:
            raise pending.pop(0)

    def reset(self) -> None:
        self.__init__()

    def _enter(self, method: str) -> None:
        latency = getattr(settings, "PAYMENTS_FAKE_LATENCY_SECONDS", 0)
        if latency:
            time.sleep(latency)
        with self._lock:
            self.calls.append(method)
            pending = self._failures.get(method)
            if pending:
                raise pending.pop(0)

    def _id(self, prefix: str) -> str:
        return f"{prefix}_fake{self._run}{next(self._ids):06d}"

    def _once(self, key: str, make):
        with self._lock:
            if key in self._replies:
                return self._replies[key]
            reply = make()
            self._replies[key] = reply
            return reply

    # --- PaymentGateway -------------------------------------------------------------------
    def customer_create(self, *, email: str, key: str) -> str:
        self._enter("customer_create")
        return self._once(key, lambda: self._id("cus"))

    def setup_intent_create(
        self, *, customer_id: str, key: str, payment_method_types: Sequence[str] = ("card",)
    ) -> SetupResult:
        self._enter("setup_intent_create")

        def make() -> SetupResult:
            sid = self._id("seti")
            self.setups[sid] = {
                "customer": customer_id,
                "payment_method": "",
                "status": "requires_payment_method",
            }
            return SetupResult(sid, "requires_payment_method", f"{sid}_secret_x", customer_id)

        return self._once(key, make)

    def setup_intent_confirm(self, setup_intent_id: str, payment_method_id: str) -> SetupResult:
        """What the browser's ``confirmCardSetup`` does. As at Stripe, a setup that is cancelled
        or already has its card refuses without looking at the card; a declined card leaves the
        setup waiting for another (``last_setup_error``) and raises ``CardDeclined``."""
        setup = self.setups[setup_intent_id]
        if setup["status"] in ("canceled", "succeeded"):
            raise TerminalGatewayError(
                f"This SetupIntent's status is {setup['status']}.", code="setup_intent_unexpected_state"
            )
        if payment_method_id.startswith(DECLINING_SETUP_PREFIXES):
            setup.update(status="requires_payment_method", last_setup_error="Your card was declined.")
            raise CardDeclined("Your card was declined.", code="card_declined")
        setup.update(payment_method=payment_method_id, status="succeeded")
        return self.setup_intent_retrieve(setup_intent_id)

    def setup_intent_cancel(self, setup_intent_id: str) -> SetupResult:
        self._enter("setup_intent_cancel")
        setup = self.setups[setup_intent_id]
        if setup["status"] in ("canceled", "succeeded"):
            raise TerminalGatewayError(
                f"This SetupIntent's status is {setup['status']}.", code="setup_intent_unexpected_state"
            )
        setup["status"] = "canceled"
        return self.setup_intent_retrieve(setup_intent_id)

    setup_confirm = setup_intent_confirm

    def setup_intent_retrieve(self, setup_intent_id: str) -> SetupResult:
        self._enter("setup_intent_retrieve")
        s = self.setups[setup_intent_id]
        return SetupResult(setup_intent_id, s["status"], f"{setup_intent_id}_secret_x", s["customer"],
                           s["payment_method"])  # fmt: skip

    def payment_charge_saved(
        self, *, amount: Money, customer_id: str, payment_method_id: str, key: str, metadata: dict[str, str]
    ) -> PaymentResult:
        self._enter("payment_charge_saved")

        def make() -> PaymentResult:
            pid = self._id("pi")
            status = "succeeded"
            if payment_method_id in DECLINING_PAYMENT_METHODS:
                status = "requires_payment_method"
            elif payment_method_id in AUTHENTICATING_PAYMENT_METHODS:
                status = "requires_action"
            self.intents[pid] = {"amount": amount, "status": status, "refunded": 0, "metadata": metadata,
                                 "charge": self._id("ch") if status == "succeeded" else ""}  # fmt: skip
            return self._intent(pid)

        return self._once(key, make)

    def _intent(self, pid: str) -> PaymentResult:
        i = self.intents[pid]
        declined = i["status"] == "requires_payment_method"
        error = i.get("error") or {}  # a wallet's failed attempt (payments.gateway.wallet_fake)
        return PaymentResult(
            id=pid,
            status=i["status"],
            amount=i["amount"],
            client_secret=f"{pid}_secret_x",
            charge_id=i["charge"],
            failure_code=error.get("code") or ("card_declined" if declined else ""),
            failure_message=error.get("message") or ("Your card was declined." if declined else ""),
        )

    def payment_intent_retrieve(self, payment_intent_id: str) -> PaymentResult:
        self._enter("payment_intent_retrieve")
        return self._intent(payment_intent_id)

    def refund_create(
        self, *, payment_intent_id: str, amount: Money, key: str, metadata: dict[str, str] | None = None
    ) -> RefundResult:
        self._enter("refund_create")

        def make() -> RefundResult:
            intent = self.intents.get(payment_intent_id)
            if intent is None or intent["status"] != "succeeded":
                raise TerminalGatewayError("No such charge", code="resource_missing")
            if intent["refunded"] + amount.to_minor() > intent["amount"].to_minor():
                raise TerminalGatewayError("Refund exceeds the charge", code="amount_too_large")
            intent["refunded"] += amount.to_minor()
            rid = self._id("re")
            self.refunds[rid] = {"payment_intent": payment_intent_id, "charge": intent["charge"], "amount": amount,
                                 "status": "succeeded", "metadata": dict(metadata or {}),
                                 "failure_reason": ""}  # fmt: skip
            return RefundResult(rid, "succeeded")

        result = self._once(key, make)
        self._exit("refund_create")
        return result

    def dashboard_refund(
        self, amount: Money, *, payment_intent_id: str = "", charge_id: str = "", status: str = "succeeded"
    ) -> str:
        """Test control: someone refunds in the provider's dashboard (no key or metadata of ours).
        A charge this fake did not make (a gift posted straight to the ledger) may be named by id."""
        if payment_intent_id in self.intents:
            return self.refund_create(payment_intent_id=payment_intent_id, amount=amount,
                                      key=f"dashboard:{secrets.token_hex(4)}").id  # fmt: skip
        rid = self._id("re")
        self.refunds[rid] = {"payment_intent": payment_intent_id, "charge": charge_id, "amount": amount,
                             "status": status, "metadata": {}, "failure_reason": ""}  # fmt: skip
        return rid

    def refund_fails_later(self, refund_id: str, reason: str = "expired_or_canceled_card") -> None:
        """Test control: the provider reports an accepted refund as failed (the money comes back)."""
        refund = self.refunds[refund_id]
        refund.update(status="failed", failure_reason=reason)
        if refund["payment_intent"] in self.intents:
            self.intents[refund["payment_intent"]]["refunded"] -= refund["amount"].to_minor()

    def _provider_refund(self, refund_id: str) -> ProviderRefund:
        r = self.refunds[refund_id]
        return ProviderRefund(id=refund_id, amount=r["amount"], status=r["status"], charge_id=r["charge"],
                              payment_intent_id=r["payment_intent"], metadata=dict(r["metadata"]),
                              failure_reason=r["failure_reason"])  # fmt: skip

    def refund_retrieve(self, refund_id: str) -> ProviderRefund:
        self._enter("refund_retrieve")
        if refund_id not in self.refunds:
            raise TerminalGatewayError("No such refund", code="resource_missing")
        return self._provider_refund(refund_id)

    def refunds_for_charge(self, charge_id: str) -> list[ProviderRefund]:
        self._enter("refunds_for_charge")
        return [self._provider_refund(rid) for rid, r in self.refunds.items() if r["charge"] == charge_id]

    def event_construct(self, *, payload: bytes, signature: str) -> ProviderEvent:
        return construct_event(payload=payload, signature=signature, secret=settings.STRIPE_WEBHOOK_SECRET)


def sign_payload(
    payload: dict[str, Any] | bytes, *, secret: str, timestamp: int | None = None
) -> tuple[bytes, str]:
    """Sign a webhook body the way Stripe does: HMAC-SHA256 of ``"{t}.{body}"``."""
    body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    t = int(time.time()) if timestamp is None else timestamp
    mac = hmac.new(secret.encode(), f"{t}.".encode() + body, hashlib.sha256).hexdigest()
    return body, f"t={t},v1={mac}"


__all__ = ["CardDeclined", "FakeGateway", "sign_payload"]
