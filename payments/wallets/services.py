"""Wallet gifts: WeChat Pay and Alipay through Stripe's own payment method types (ADRs 0231–0233).

A wallet gift is a ``Donation`` like any other (``donation_create`` with ``payment_method_type``),
one-off only. ``donation_start_wallet`` creates and confirms its PaymentIntent at the provider
under the key ``wallet:<gift>:<attempt>`` and records it, moving the gift to ``processing``; the
donor then pays in their wallet app and the provider's ``payment_intent.*`` events (the webhook
inbox, ``payments.webhooks``) settle it through the card path's own functions
(``apply_payment_result``: the capture posts to the ledger once; a failure posts nothing).

Refunds of a wallet gift go through the refund outbox as for cards, within the wallet's window
(``wallet_refund_refusal``): Stripe refunds Alipay payments up to 90 days after the payment and
WeChat Pay payments within 180 days of the charge, and refuses later ones.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from campaigns.models import Campaign, FundingModel
from campaigns.site_time import site_date
from payments.donations.models import Donation, DonationStatus, PaymentMethodType
from payments.donations.services import DonationNotPossible, fail_gift, release_connection
from payments.donations.states import donation_transition
from payments.gateway.card import TerminalGatewayError, get_gateway
from payments.gateway.wallet import ALIPAY, WALLET_METHODS, WECHAT_PAY, WalletPayment

S = DonationStatus
# Stripe's refund windows: docs.stripe.com/payments/alipay ("You can refund Alipay payments up to
# 90 days after the original payment") and docs.stripe.com/payments/wechat-pay ("can only be
# submitted for refund within 180 days from the date of the original charge"). ADR 0233.
REFUND_WINDOWS = {ALIPAY: timedelta(days=90), WECHAT_PAY: timedelta(days=180)}
# The gift is in these states when a new wallet attempt may start (a failed one may be tried again).
_STARTABLE = (S.CREATED, S.FAILED, S.PROCESSING)
# A wallet intent in one of these states can still be paid (or is paid): no new attempt is made.
_LIVE_INTENT = ("requires_action", "processing", "succeeded")


def wallet_methods_offered(*, campaign: Campaign | None = None) -> tuple[str, ...]:
    """The wallets the donate form offers, in display order: those named in
    ``PAYMENTS_METHOD_TYPES`` that the configured gateway can take (``wallet_methods``; none on
    localstripe, ADR 0231). None on an all-or-nothing campaign: its gifts are refunded when it
    misses its goal, which may be after a wallet's refund window has closed (ADR 0233)."""
    if campaign is not None and campaign.funding_model == FundingModel.ALL_OR_NOTHING:
        return ()
    can = getattr(get_gateway(), "wallet_methods", ())
    return tuple(m for m in WALLET_METHODS if m in settings.PAYMENTS_METHOD_TYPES and m in can)


def wallet_label(method: str) -> str:
    """The wallet's name as donors know it, in the reader's language ("微信支付", "支付宝")."""
    return str(PaymentMethodType(method).label)


def donation_start_wallet(*, donation: Donation, client: str, return_url: str) -> WalletPayment:
    """Create (or reuse) the wallet PaymentIntent of a wallet gift and record it; return it with
    the donor's next step (QR data, redirect URL).

    ``client`` is ``web`` (a desktop: shown a QR code) or ``mobile`` (a phone: sent to pay);
    ``return_url`` is where the wallet sends the donor back. As for cards (ADR 0228), no provider
    call runs in a transaction or holding a row lock: the intent is made under its key
    ``wallet:<gift>:<attempt>`` (the attempt counts the gift's moves to ``processing``), then
    recorded with the gift's row locked and its status checked again. Two submits of one form
    compute the same key and get the same intent. A gift whose intent can still be paid gets that
    intent back (a reload of the payment page makes nothing new).

    Raises ``DonationNotPossible`` if the gift is not a wallet gift or is already received, or if
    the provider refuses the method for good (the gift is ``failed`` then, with the reason); the
    gateway's ``RetryableGatewayError`` if the provider cannot be reached (nothing written).
    """
    method = donation.payment_method_type
    if method not in WALLET_METHODS:
        raise DonationNotPossible(_("This gift is not paid with a wallet."))
    if donation.status not in _STARTABLE:
        raise DonationNotPossible(_("This gift has already been sent."))
    gateway = get_gateway()
    if donation.status == S.PROCESSING and donation.provider_payment_intent_id:
        release_connection()
        current = gateway.wallet_payment_retrieve(donation.provider_payment_intent_id)
        if current.status in _LIVE_INTENT:
            return current
    attempt = donation.events.filter(to_status=S.PROCESSING).count() + 1
    release_connection()
    try:
        payment = gateway.wallet_payment_create(
            amount=donation.amount,
            method=method,
            client=client,
            return_url=return_url,
            key=f"wallet:{donation.pk}:{attempt}",
            metadata={"donation_id": str(donation.public_id), "campaign_id": str(donation.campaign_id)},
        )
    except TerminalGatewayError as exc:
        fail_gift(donation, str(exc))
        raise DonationNotPossible(
            _("%(wallet)s cannot take this gift right now. Please choose another way to pay.")
            % {"wallet": wallet_label(method)}
        ) from exc
    with transaction.atomic():
        locked = Donation.objects.select_for_update().get(pk=donation.pk)
        if locked.provider_payment_intent_id == payment.id and locked.status != S.CREATED:
            return payment  # a simultaneous submit, or the provider's event, recorded it already
        if locked.status not in _STARTABLE:
            raise DonationNotPossible(_("This gift has already been sent."))
        locked.provider_payment_intent_id = payment.id
        locked.failure_message = ""
        donation_transition(locked, S.PROCESSING, note=f"{method} intent {payment.id}",
                            data={"payment_intent": payment.id, "method": method},
                            fields=("provider_payment_intent_id",))  # fmt: skip
    return payment


def wallet_payment_for(*, donation: Donation) -> WalletPayment | None:
    """The gift's wallet intent as the provider knows it now; None if it has none yet.
    Raises the gateway's errors."""
    if donation.payment_method_type not in WALLET_METHODS or not donation.provider_payment_intent_id:
        return None
    release_connection()
    return get_gateway().wallet_payment_retrieve(donation.provider_payment_intent_id)


def wallet_refund_deadline(donation: Donation) -> datetime | None:
    """The last moment a refund of this wallet gift may be asked for: its window from the payment
    (``REFUND_WINDOWS``) less ``PAYMENTS_WALLET_REFUND_MARGIN``, so that the outbox's call (which
    may be retried for a while) still reaches the provider inside the window. None for a card gift
    or a gift not received."""
    window = REFUND_WINDOWS.get(donation.payment_method_type)
    if window is None or donation.captured_at is None:
        return None
    return donation.captured_at + window - settings.PAYMENTS_WALLET_REFUND_MARGIN


def wallet_refund_refusal(*, donation: Donation, at: datetime | None = None) -> str | None:
    """Why this gift can no longer be refunded through its wallet, in the reader's language
    (dates in site time); None while it can. Rule: Stripe's refund windows (``REFUND_WINDOWS``)."""
    deadline = wallet_refund_deadline(donation)
    if deadline is None or (at or timezone.now()) <= deadline:
        return None
    return _(
        "%(wallet)s payments can be refunded only within %(days)s days. This gift was paid on %(paid)s; "
        "the last day to ask for its refund was %(last)s. Return the money to the donor another way."
    ) % {
        "wallet": wallet_label(donation.payment_method_type),
        "days": REFUND_WINDOWS[donation.payment_method_type].days,
        "paid": date_format(site_date(donation.captured_at), "DATE_FORMAT"),
        "last": date_format(site_date(deadline), "DATE_FORMAT"),
    }
