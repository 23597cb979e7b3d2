"""Wallet payments (WeChat Pay, Alipay) as the gateway hands them out: a small typed result.

Stripe offers both as payment method types of a PaymentIntent. The intent is created and
confirmed by the server (``payment_method_data[type]`` and ``confirm=true``); what the donor must
do next is in ``next_action`` (Stripe API reference, "The PaymentIntent object"):

* ``wechat_pay_display_qr_code`` — ``data`` (what the QR code encodes), ``hosted_instructions_url``
  (a page at Stripe that shows the code), ``image_data_url``, ``image_url_png``, ``image_url_svg``.
  We draw the code ourselves from ``data`` (segno): no image from a third-party host on our page.
* ``alipay_handle_redirect`` — ``url`` (where the donor goes to pay), ``return_url``,
  ``native_url`` and ``native_data`` (for native apps; not used by a website).
* ``wechat_pay_redirect_to_android_app`` / ``..._ios_app`` — only for ``client=android|ios`` with an
  app id registered with WeChat, which a website does not have (ADR 0231).

No ``stripe`` import here: this module reads Stripe-shaped dicts, from the API or from the fake.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from campaigns.money import Money

WECHAT_PAY = "wechat_pay"
ALIPAY = "alipay"
WALLET_METHODS = (WECHAT_PAY, ALIPAY)
# Where the donor pays: a desktop browser (shown a QR code to scan with the phone) or a phone
# (sent to a page to pay on the phone itself). Ours, not Stripe's ``client`` values (ADR 0231).
WEB, MOBILE = "web", "mobile"


@dataclass(frozen=True)
class WalletPayment:
    """A wallet PaymentIntent and the donor's next step. ``qr_data`` is set for WeChat Pay (the
    text to encode in a QR code); ``redirect_url`` is where a phone goes to pay (Alipay's page,
    or Stripe's hosted WeChat Pay page)."""

    id: str
    status: str  # requires_action | processing | succeeded | requires_payment_method | canceled
    amount: Money
    method: str
    qr_data: str = ""
    redirect_url: str = ""
    charge_id: str = ""
    failure_code: str = ""
    failure_message: str = ""

    @property
    def awaiting_donor(self) -> bool:
        return self.status == "requires_action"


def wallet_payment_from_object(data: dict[str, Any]) -> WalletPayment:
    """A Stripe PaymentIntent object (dict) as a ``WalletPayment``. Raises ``ValueError`` if it
    has no id, amount or currency, or is not for one wallet method."""
    try:
        amount = Money.from_minor(int(data["amount"]), str(data["currency"]).upper())
        intent_id = str(data["id"])
    except (KeyError, TypeError, ValueError) as exc:
        raise ValueError(f"not a payment intent: {exc}") from exc
    methods = [m for m in data.get("payment_method_types") or [] if m in WALLET_METHODS]
    if len(methods) != 1:
        raise ValueError(f"intent {intent_id} is not for one wallet method")
    action = data.get("next_action") or {}
    qr = action.get("wechat_pay_display_qr_code") or {}
    redirect = action.get("alipay_handle_redirect") or {}
    charge = data.get("latest_charge") or ""
    error = data.get("last_payment_error") or {}
    return WalletPayment(
        id=intent_id,
        status=str(data.get("status") or ""),
        amount=amount,
        method=methods[0],
        qr_data=str(qr.get("data") or ""),
        redirect_url=str(redirect.get("url") or qr.get("hosted_instructions_url") or ""),
        charge_id=charge if isinstance(charge, str) else str((charge or {}).get("id") or ""),
        failure_code=str(error.get("code") or ""),
        failure_message=str(error.get("message") or ""),
    )
