"""The payment provider edge: the only module that imports ``stripe``.

Everything outside speaks ``Money`` and the small result types below; minor units exist only
here. Every call has a timeout (``STRIPE_TIMEOUT_SECONDS``) and an idempotency key. Failures come
out as one of two exception families, so callers decide with one ``except``:

* ``RetryableGatewayError`` — the provider was unreachable, slow, overloaded (429) or failed
  (5xx). The same call with the same key may be tried again later. Calls retry a few times here
  with exponential backoff before raising it.
* ``TerminalGatewayError`` — the provider said no for good (declined card, bad request).
  ``CardDeclined`` is the one a donor can act on.

``PaymentGateway`` is the interface; ``StripeGateway`` implements it against Stripe (or
localstripe, when ``STRIPE_API_BASE`` is set). ``payments.gateway.card_fake.FakeGateway`` implements
the same interface in memory for what localstripe lacks and for provider-failure tests.
"""

from __future__ import annotations

import json
import logging
import random
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Protocol, TypeVar

import stripe
from django.conf import settings
from django.utils.module_loading import import_string

from campaigns.money import Money
from payments.gateway.wallet import (
    ALIPAY,
    WALLET_METHODS,
    WECHAT_PAY,
    WalletPayment,
    wallet_payment_from_object,
)

log = logging.getLogger(__name__)
T = TypeVar("T")


# --- errors ------------------------------------------------------------------------------------
class GatewayError(Exception):
    retryable = False

    def __init__(self, message: str, *, code: str = "", retry_after: float | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.retry_after = retry_after


class RetryableGatewayError(GatewayError):
    retryable = True


class TerminalGatewayError(GatewayError):
    pass


class CardDeclined(TerminalGatewayError):
    """The card was refused; the message is safe to show to the donor."""


class InvalidWebhook(ValueError):
    """The webhook body is malformed or its signature does not verify."""


# --- results -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class SetupResult:
    id: str
    status: str
    client_secret: str
    customer_id: str
    payment_method_id: str = ""


@dataclass(frozen=True)
class PaymentResult:
    id: str
    status: str  # succeeded | requires_action | processing | requires_payment_method | canceled | ...
    amount: Money
    client_secret: str = ""
    charge_id: str = ""
    failure_code: str = ""
    failure_message: str = ""

    @property
    def succeeded(self) -> bool:
        return self.status == "succeeded"

    @property
    def failed(self) -> bool:
        return self.status in ("requires_payment_method", "canceled")


@dataclass(frozen=True)
class RefundResult:
    id: str
    status: str  # succeeded | pending | failed


@dataclass(frozen=True)
class ProviderRefund:
    """A refund as the provider knows it now, whoever made it (we, or someone in its dashboard)."""

    id: str
    amount: Money
    status: str  # pending | requires_action | succeeded | failed | canceled
    charge_id: str = ""
    payment_intent_id: str = ""
    metadata: dict[str, str] = field(default_factory=dict)
    failure_reason: str = ""

    @property
    def failed(self) -> bool:
        return self.status in ("failed", "canceled")


@dataclass(frozen=True)
class ProviderDispute:
    """A dispute (chargeback or inquiry) as the provider reports it."""

    id: str
    amount: Money
    status: str  # warning_needs_response … needs_response, under_review, won, lost, warning_closed
    charge_id: str = ""
    payment_intent_id: str = ""
    reason: str = ""


def _id_of(value: Any) -> str:
    """An expandable field's id: Stripe sends either the id or the embedded object."""
    if isinstance(value, dict):
        value = value.get("id")
    return value if isinstance(value, str) else ""


def refund_from_object(data: dict[str, Any]) -> ProviderRefund:
    """A Stripe refund object (from an event or the API) as a ``ProviderRefund``.
    Raises ``ValueError`` if it has no id, amount or currency."""
    try:
        amount = Money.from_minor(int(data["amount"]), str(data["currency"]).upper())
        refund_id = str(data["id"])
    except (KeyError, TypeError, ValueError) as exc:
        raise ValueError(f"not a refund object: {exc}") from exc
    metadata = data.get("metadata") if isinstance(data.get("metadata"), dict) else {}
    return ProviderRefund(
        id=refund_id,
        amount=amount,
        status=str(data.get("status") or "pending"),
        charge_id=_id_of(data.get("charge")),
        payment_intent_id=_id_of(data.get("payment_intent")),
        metadata={str(k): str(v) for k, v in metadata.items()},
        failure_reason=str(data.get("failure_reason") or ""),
    )


def dispute_from_object(data: dict[str, Any]) -> ProviderDispute:
    """A Stripe dispute object as a ``ProviderDispute``. Raises ``ValueError`` if malformed."""
    try:
        amount = Money.from_minor(int(data["amount"]), str(data["currency"]).upper())
        dispute_id = str(data["id"])
    except (KeyError, TypeError, ValueError) as exc:
        raise ValueError(f"not a dispute object: {exc}") from exc
    return ProviderDispute(
        id=dispute_id,
        amount=amount,
        status=str(data.get("status") or ""),
        charge_id=_id_of(data.get("charge")),
        payment_intent_id=_id_of(data.get("payment_intent")),
        reason=str(data.get("reason") or ""),
    )


@dataclass(frozen=True)
class ProviderEvent:
    id: str
    type: str
    object: dict[str, Any]
    raw: dict[str, Any] = field(repr=False)


class PaymentGateway(Protocol):
    def customer_create(self, *, email: str, key: str) -> str: ...

    def setup_intent_create(
        self, *, customer_id: str, key: str, payment_method_types: Sequence[str] = ("card",)
    ) -> SetupResult: ...

    def setup_intent_retrieve(self, setup_intent_id: str) -> SetupResult: ...

    def setup_intent_confirm(self, setup_intent_id: str, payment_method_id: str) -> SetupResult:
        """Test mode only (demo data): what the donor's browser does with Stripe.js."""
        ...

    def setup_intent_cancel(self, setup_intent_id: str) -> SetupResult:
        """Cancel a card setup: its client secret confirms no card any more (card testing)."""
        ...

    def payment_charge_saved(
        self, *, amount: Money, customer_id: str, payment_method_id: str, key: str, metadata: dict[str, str]
    ) -> PaymentResult: ...

    def payment_intent_retrieve(self, payment_intent_id: str) -> PaymentResult: ...

    def refund_create(
        self, *, payment_intent_id: str, amount: Money, key: str, metadata: dict[str, str] | None = None
    ) -> RefundResult: ...

    def refund_retrieve(self, refund_id: str) -> ProviderRefund: ...

    def refunds_for_charge(self, charge_id: str) -> list[ProviderRefund]: ...

    def event_construct(self, *, payload: bytes, signature: str) -> ProviderEvent: ...

    # Wallets (ADR 0231). ``wallet_methods`` names the wallet payment method types this gateway can
    # take (empty: none, e.g. Stripe at localstripe); callers offer a wallet only if it is here.
    wallet_methods: tuple[str, ...]

    def wallet_payment_create(
        self, *, amount: Money, method: str, client: str, return_url: str, key: str, metadata: dict[str, str]
    ) -> WalletPayment:
        """Create and confirm a PaymentIntent for ``method`` (``wechat_pay`` | ``alipay``) paid from
        ``client`` (``web`` | ``mobile``); the donor comes back to ``return_url`` after paying
        elsewhere. Raises ``TerminalGatewayError`` for a method the gateway cannot take."""
        ...

    def wallet_payment_retrieve(self, payment_intent_id: str) -> WalletPayment: ...


# lru_cache may call the factory twice when threads ask at once; an in-memory gateway (the fake)
# must be one object per process, or one thread's card setup is unknown to another's charge.
_GATEWAY_LOCK = threading.Lock()


def get_gateway() -> PaymentGateway:
    """The configured gateway: ``PAYMENTS_GATEWAY`` names a class, Stripe by default. One instance
    per class and process, also when threads ask for it at once."""
    with _GATEWAY_LOCK:
        return _gateway_instance(settings.PAYMENTS_GATEWAY)


@lru_cache(maxsize=4)
def _gateway_instance(path: str) -> PaymentGateway:
    return import_string(path)()


# --- Stripe ------------------------------------------------------------------------------------
def _translate(exc: stripe.StripeError) -> GatewayError:
    message = exc.user_message or str(exc) or exc.__class__.__name__
    code = exc.code or ""
    if isinstance(exc, stripe.CardError):
        return CardDeclined(message, code=code)
    if isinstance(exc, stripe.RateLimitError):
        retry_after = None
        if exc.headers and exc.headers.get("Retry-After"):
            try:
                retry_after = float(exc.headers["Retry-After"])
            except ValueError:
                retry_after = None
        return RetryableGatewayError(message, code=code or "rate_limit", retry_after=retry_after)
    if isinstance(exc, stripe.APIConnectionError):
        return RetryableGatewayError(message, code=code or "connection")
    if isinstance(exc, stripe.APIError) or (exc.http_status or 0) >= 500:
        return RetryableGatewayError(message, code=code or "provider_error")
    if isinstance(exc, stripe.IdempotencyError) and exc.http_status == 409:
        # A concurrent request with the same key is still running at the provider.
        return RetryableGatewayError(message, code="idempotency_in_flight")
    return TerminalGatewayError(message, code=code)


def with_retries(call: Callable[[], T], *, attempts: int, base_delay: float, max_delay: float = 4.0) -> T:
    """Run ``call`` (which must reuse one idempotency key) until it succeeds, fails for good, or
    ``attempts`` retryable failures have happened; then raise the last error."""
    for attempt in range(1, attempts + 1):
        try:
            return call()
        except RetryableGatewayError as exc:
            if attempt == attempts:
                raise
            delay = min(max_delay, base_delay * 2 ** (attempt - 1))
            if exc.retry_after is not None:
                delay = min(max_delay, max(delay, exc.retry_after))
            log.warning("provider call failed (%s), retry %d in %.2fs", exc.code, attempt, delay)
            time.sleep(delay * (0.5 + random.random() / 2))  # jitter spreads a thundering herd
    raise AssertionError("unreachable")


class StripeGateway:
    """``PaymentGateway`` on Stripe's API (or localstripe at ``STRIPE_API_BASE``)."""

    def __init__(self) -> None:
        kwargs: dict[str, Any] = {
            "http_client": stripe.RequestsClient(timeout=settings.STRIPE_TIMEOUT_SECONDS),
            "max_network_retries": 0,  # we retry ourselves, with the same key, in ``_call``
        }
        if settings.STRIPE_API_BASE:
            kwargs["base_addresses"] = {"api": settings.STRIPE_API_BASE}
        self.client = stripe.StripeClient(settings.STRIPE_SECRET_KEY or "sk_test_missing", **kwargs)

    def _call(self, fn: Callable[[], T]) -> T:
        def once() -> T:
            try:
                return fn()
            except stripe.StripeError as exc:
                raise _translate(exc) from exc

        return with_retries(
            once, attempts=settings.PAYMENTS_PROVIDER_ATTEMPTS, base_delay=settings.PAYMENTS_RETRY_BASE_DELAY
        )

    @staticmethod
    def _opts(key: str) -> dict[str, Any]:
        return {"idempotency_key": key}

    def customer_create(self, *, email: str, key: str) -> str:
        customer = self._call(
            lambda: self.client.v1.customers.create(params={"email": email}, options=self._opts(key))
        )
        return customer.id

    def setup_intent_create(
        self, *, customer_id: str, key: str, payment_method_types: Sequence[str] = ("card",)
    ) -> SetupResult:
        params = {
            "customer": customer_id,
            "usage": "off_session",
            "payment_method_types": list(payment_method_types),
        }
        intent = self._call(
            lambda: self.client.v1.setup_intents.create(params=params, options=self._opts(key))  # type: ignore[arg-type]
        )
        return self._setup(intent)

    def setup_intent_retrieve(self, setup_intent_id: str) -> SetupResult:
        return self._setup(self._call(lambda: self.client.v1.setup_intents.retrieve(setup_intent_id)))

    def setup_intent_confirm(self, setup_intent_id: str, payment_method_id: str) -> SetupResult:
        if not settings.STRIPE_SECRET_KEY.startswith("sk_test") and settings.STRIPE_SECRET_KEY:
            raise TerminalGatewayError("server-side card confirmation is for test mode only")
        params = {"payment_method": payment_method_id}
        return self._setup(
            self._call(lambda: self.client.v1.setup_intents.confirm(setup_intent_id, params=params))  # type: ignore[arg-type]
        )

    def setup_intent_cancel(self, setup_intent_id: str) -> SetupResult:
        return self._setup(self._call(lambda: self.client.v1.setup_intents.cancel(setup_intent_id)))

    @staticmethod
    def _setup(intent: Any) -> SetupResult:
        data = intent.to_dict()
        pm = data.get("payment_method") or ""
        return SetupResult(
            id=data["id"],
            status=data["status"],
            client_secret=data.get("client_secret") or "",
            customer_id=data.get("customer") or "",
            payment_method_id=pm if isinstance(pm, str) else pm.get("id", ""),
        )

    def payment_charge_saved(
        self, *, amount: Money, customer_id: str, payment_method_id: str, key: str, metadata: dict[str, str]
    ) -> PaymentResult:
        params = {
            "amount": amount.to_minor(),
            "currency": amount.currency.lower(),
            "customer": customer_id,
            "payment_method": payment_method_id,
            "payment_method_types": ["card"],
            "off_session": True,
            "confirm": True,
            "metadata": metadata,
        }
        try:
            intent = self._call(
                lambda: self.client.v1.payment_intents.create(params=params, options=self._opts(key))  # type: ignore[arg-type]
            )
        except CardDeclined as exc:
            # Stripe answers an off-session decline with 402 and the intent inside the error.
            intent_data = getattr(exc.__cause__, "json_body", None) or {}
            intent_obj = (intent_data.get("error") or {}).get("payment_intent")
            if intent_obj:
                return self._payment(intent_obj, default_failure=str(exc))
            raise
        return self._payment(intent.to_dict())

    def payment_intent_retrieve(self, payment_intent_id: str) -> PaymentResult:
        intent = self._call(lambda: self.client.v1.payment_intents.retrieve(payment_intent_id))
        return self._payment(intent.to_dict())

    @staticmethod
    def _payment(data: dict[str, Any], default_failure: str = "") -> PaymentResult:
        charge = data.get("latest_charge") or ""
        charge_id = charge if isinstance(charge, str) else (charge or {}).get("id", "")
        error = data.get("last_payment_error") or {}
        return PaymentResult(
            id=data["id"],
            status=data["status"],
            amount=Money.from_minor(int(data["amount"]), data["currency"].upper()),
            client_secret=data.get("client_secret") or "",
            charge_id=charge_id,
            failure_code=error.get("decline_code") or error.get("code") or "",
            failure_message=error.get("message") or default_failure,
        )

    def refund_create(
        self, *, payment_intent_id: str, amount: Money, key: str, metadata: dict[str, str] | None = None
    ) -> RefundResult:
        params: dict[str, Any] = {"payment_intent": payment_intent_id, "amount": amount.to_minor()}
        if metadata:
            params["metadata"] = metadata
        refund = self._call(
            lambda: self.client.v1.refunds.create(params=params, options=self._opts(key))  # type: ignore[arg-type]
        )
        return RefundResult(id=refund.id, status=refund.status or "pending")

    def refund_retrieve(self, refund_id: str) -> ProviderRefund:
        return refund_from_object(self._call(lambda: self.client.v1.refunds.retrieve(refund_id)).to_dict())

    def refunds_for_charge(self, charge_id: str) -> list[ProviderRefund]:
        """Every refund of the charge, as the provider knows them now (all pages)."""
        params = {"charge": charge_id, "limit": 100}
        page = self._call(lambda: self.client.v1.refunds.list(params=params))  # type: ignore[arg-type]
        items = page.auto_paging_iter()
        refunds = []
        while (item := self._call(lambda: next(items, None))) is not None:
            refunds.append(refund_from_object(item.to_dict()))
        return refunds

    def event_construct(self, *, payload: bytes, signature: str) -> ProviderEvent:
        return construct_event(payload=payload, signature=signature, secret=settings.STRIPE_WEBHOOK_SECRET)

    @property
    def wallet_methods(self) -> tuple[str, ...]:
        """Both wallets on Stripe itself; none on a stand-in at ``STRIPE_API_BASE`` (localstripe
        has no ``wechat_pay`` or ``alipay``: it answers 400, ADR 0231)."""
        return () if settings.STRIPE_API_BASE else WALLET_METHODS

    def wallet_payment_create(
        self, *, amount: Money, method: str, client: str, return_url: str, key: str, metadata: dict[str, str]
    ) -> WalletPayment:
        if method not in self.wallet_methods:
            raise TerminalGatewayError(f"{method} is not available here", code="payment_method_unavailable")
        params: dict[str, Any] = {
            "amount": amount.to_minor(),
            "currency": amount.currency.lower(),
            "payment_method_types": [method],
            "payment_method_data": {"type": method},
            "confirm": True,
            "metadata": metadata,
        }
        if method == WECHAT_PAY:
            # "web" on phones too: "android"/"ios" need an app id registered with WeChat; a phone
            # is sent to Stripe's hosted page instead (``hosted_instructions_url``).
            params["payment_method_options"] = {"wechat_pay": {"client": "web"}}
        if method == ALIPAY:
            params["return_url"] = return_url
        intent = self._call(
            lambda: self.client.v1.payment_intents.create(params=params, options=self._opts(key))  # type: ignore[arg-type]
        )
        return wallet_payment_from_object(intent.to_dict())

    def wallet_payment_retrieve(self, payment_intent_id: str) -> WalletPayment:
        intent = self._call(lambda: self.client.v1.payment_intents.retrieve(payment_intent_id))
        return wallet_payment_from_object(intent.to_dict())


def construct_event(
    *, payload: bytes, signature: str, secret: str, tolerance: int | None = None
) -> ProviderEvent:
    """Verify the signature on the raw body and parse it into a storable event.

    The rule is Stripe's (HMAC-SHA256 of ``"{t}.{body}"``, ``t`` within ``tolerance`` seconds,
    default ``STRIPE_WEBHOOK_TOLERANCE_SECONDS``), and the refusal goes both ways: Stripe's library
    only refuses old timestamps, we refuse future ones too (a replay window must not open in the
    future). A verified body must still be a JSON object with a string ``id``, a string ``type``
    and an object ``data.object``, and PostgreSQL must be able to store it: no NUL character
    (``\\u0000``) and no lone surrogate in any key or string. Raises ``InvalidWebhook`` with the
    reason otherwise; nothing is stored by this function.
    """
    if not secret:
        raise InvalidWebhook("no webhook secret configured")
    tolerance = settings.STRIPE_WEBHOOK_TOLERANCE_SECONDS if tolerance is None else tolerance
    try:
        text = payload.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InvalidWebhook("body is not UTF-8") from exc
    try:
        stripe.WebhookSignature.verify_header(text, signature, secret, tolerance)
    except stripe.SignatureVerificationError as exc:
        raise InvalidWebhook(str(exc).split(". ")[0]) from exc
    timestamp = _signed_at(signature)
    if timestamp > time.time() + tolerance:
        raise InvalidWebhook("timestamp is in the future, outside the tolerance zone")
    try:
        raw = json.loads(text)
    except (ValueError, RecursionError) as exc:
        raise InvalidWebhook("body is not JSON") from exc
    if not isinstance(raw, dict):
        raise InvalidWebhook("body is not an event object")
    event_id, event_type = raw.get("id"), raw.get("type")
    data = raw.get("data")
    obj = data.get("object") if isinstance(data, dict) else None
    if not isinstance(event_id, str) or not event_id or not isinstance(event_type, str) or not event_type:
        raise InvalidWebhook("event without a string id and type")
    if not isinstance(obj, dict):
        raise InvalidWebhook("event without a data.object")
    _check_storable(raw)
    return ProviderEvent(id=event_id, type=event_type, object=obj, raw=raw)


def _signed_at(header: str) -> int:
    for part in header.split(","):
        name, _sep, value = part.strip().partition("=")
        if name == "t":
            return int(value)
    raise InvalidWebhook("no timestamp in the signature header")  # verify_header refused it already


def _check_storable(value: Any) -> None:
    """Refuse what PostgreSQL cannot keep in text or jsonb (walks iteratively: no recursion limit)."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, str):
            if "\x00" in item:
                raise InvalidWebhook("a string holds a NUL character")
            try:
                item.encode("utf-8")
            except UnicodeEncodeError as exc:
                raise InvalidWebhook("a string holds a lone surrogate") from exc
