"""The fake gateway's wallets: WeChat Pay and Alipay PaymentIntents in Stripe's published shapes.

localstripe has no ``wechat_pay`` or ``alipay`` (ADR 0231), so tests (and the demo's one wallet
gift) take wallet payments through ``FakeGateway``, which mixes this in. It keeps Stripe's rules
that matter to us: the intent waits for the donor (``requires_action`` with a ``next_action``),
the idempotency key replays the first answer, Alipay needs a ``return_url``, and a failed attempt
leaves the intent ``requires_payment_method`` with a ``last_payment_error``. What the donor does
in their wallet app is a test control (``wallet_settle``), and the provider's events about it come
from ``wallet_event`` / ``wallet_event_signed``, signed as Stripe signs them.
"""

from __future__ import annotations

import secrets
import time
from typing import Any

from django.conf import settings

from campaigns.money import Money
from payments.gateway.card import TerminalGatewayError
from payments.gateway.wallet import (
    ALIPAY,
    WALLET_METHODS,
    WECHAT_PAY,
    WalletPayment,
    wallet_payment_from_object,
)

# Stripe's error when the donor does not complete a wallet payment (API reference, error codes).
WALLET_FAILURE = {
    "code": "payment_intent_payment_attempt_failed",
    "message": "The payment attempt failed because the customer did not complete it.",
    "type": "invalid_request_error",
}


class FakeWallets:
    """Mixed into ``FakeGateway``: uses its ``intents``, ``_enter``, ``_once`` and ``_id``."""

    wallet_methods: tuple[str, ...] = WALLET_METHODS

    def wallet_payment_create(
        self, *, amount: Money, method: str, client: str, return_url: str, key: str, metadata: dict[str, str]
    ) -> WalletPayment:
        self._enter("wallet_payment_create")  # type: ignore[attr-defined]
        if method not in self.wallet_methods:
            raise TerminalGatewayError(
                f"The payment method type provided: {method} is invalid.", code="payment_method_unavailable"
            )
        if method == ALIPAY and not return_url:
            raise TerminalGatewayError("A return_url must be specified because this Payment Intent is "
                                       "configured to automatically accept the payment methods enabled "
                                       "in the Dashboard, some of which may require a full page redirect "
                                       "to succeed.", code="parameter_missing")  # fmt: skip

        def make() -> WalletPayment:
            pid = self._id("pi")  # type: ignore[attr-defined]
            self.intents[pid] = {  # type: ignore[attr-defined]
                "amount": amount, "status": "requires_action", "refunded": 0, "metadata": dict(metadata),
                "charge": "", "method": method, "return_url": return_url, "token": secrets.token_hex(8),
                "created": int(time.time()), "error": None,
            }  # fmt: skip
            return self._wallet(pid)

        return self._once(key, make)  # type: ignore[attr-defined]

    def wallet_payment_retrieve(self, payment_intent_id: str) -> WalletPayment:
        self._enter("wallet_payment_retrieve")  # type: ignore[attr-defined]
        if payment_intent_id not in self.intents:  # type: ignore[attr-defined]
            raise TerminalGatewayError("No such payment_intent", code="resource_missing")
        return self._wallet(payment_intent_id)

    def _wallet(self, pid: str) -> WalletPayment:
        return wallet_payment_from_object(self.intent_object(pid))

    # --- test controls ----------------------------------------------------------------------
    def wallet_settle(self, payment_intent_id: str, outcome: str) -> None:
        """What the donor (and the wallet) did: ``processing`` (paid, the wallet has not confirmed
        yet), ``succeeded`` (paid: a charge exists) or ``failed`` (abandoned or refused: the intent
        waits for another attempt, as at Stripe)."""
        intent = self.intents[payment_intent_id]  # type: ignore[attr-defined]
        if outcome == "succeeded":
            intent.update(status="succeeded", error=None, charge=intent["charge"] or self._id("ch"))  # type: ignore[attr-defined]
        elif outcome == "processing":
            intent.update(status="processing", error=None)
        elif outcome == "failed":
            intent.update(status="requires_payment_method", error=dict(WALLET_FAILURE))
        else:
            raise ValueError(f"unknown outcome {outcome!r}")

    def intent_object(self, payment_intent_id: str) -> dict[str, Any]:
        """The intent as Stripe's API would answer it (API reference, "The PaymentIntent object")."""
        i = self.intents[payment_intent_id]  # type: ignore[attr-defined]
        method = i.get("method", "card")
        next_action = None
        if i["status"] == "requires_action" and method == WECHAT_PAY:
            next_action = {
                "type": "wechat_pay_display_qr_code",
                "wechat_pay_display_qr_code": {
                    "data": f"weixin://wxpay/bizpayurl?pr={i['token']}",
                    "hosted_instructions_url": f"https://pay.stripe.com/wechat_pay/{payment_intent_id}/instructions",
                    "image_data_url": "data:image/png;base64,",
                    "image_url_png": f"https://qr.stripe.com/{i['token']}.png",
                    "image_url_svg": f"https://qr.stripe.com/{i['token']}.svg",
                },
            }
        elif i["status"] == "requires_action" and method == ALIPAY:
            next_action = {
                "type": "alipay_handle_redirect",
                "alipay_handle_redirect": {
                    "native_data": None,
                    "native_url": None,
                    "return_url": i["return_url"],
                    "url": f"https://hooks.stripe.com/redirect/authenticate/{payment_intent_id}"
                    f"?client_secret={payment_intent_id}_secret_{i['token']}",
                },
            }
        options = {"wechat_pay": {"app_id": None, "client": "web"}} if method == WECHAT_PAY else {}
        return {
            "id": payment_intent_id,
            "object": "payment_intent",
            "amount": i["amount"].to_minor(),
            "amount_received": i["amount"].to_minor() if i["status"] == "succeeded" else 0,
            "currency": i["amount"].currency.lower(),
            "status": i["status"],
            "payment_method_types": [method],
            "payment_method_options": options,
            "next_action": next_action,
            "last_payment_error": i.get("error"),
            "latest_charge": i["charge"] or None,
            "metadata": dict(i["metadata"]),
            "client_secret": f"{payment_intent_id}_secret_{i.get('token', 'x')}",
            "created": i.get("created", 0),
            "livemode": False,
        }

    def wallet_event(self, payment_intent_id: str, event_type: str) -> dict[str, Any]:
        """A ``payment_intent.*`` event carrying the intent as it is now (Stripe's event shape)."""
        return {
            "id": f"evt_{secrets.token_hex(12)}",
            "object": "event",
            "type": event_type,
            "api_version": "2025-03-31.basil",
            "created": int(time.time()),
            "livemode": False,
            "pending_webhooks": 1,
            "data": {"object": self.intent_object(payment_intent_id)},
        }

    def wallet_event_signed(self, payment_intent_id: str, event_type: str) -> tuple[bytes, str]:
        """``wallet_event`` as the body and ``Stripe-Signature`` header the webhook view receives."""
        from payments.gateway.card_fake import sign_payload

        return sign_payload(
            self.wallet_event(payment_intent_id, event_type), secret=settings.STRIPE_WEBHOOK_SECRET
        )
