"""WeChat Pay and Alipay gifts (issue 14): intake, the provider's events, refunds in their windows.

localstripe has neither wallet (ADR 0231): these run through the fake gateway, whose intents and
events have Stripe's published shapes and whose events are signed as Stripe signs them and posted
through the real webhook view. Failure sides first.
"""

import re
import uuid
from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from campaigns.models import FundingModel
from payments.donations.states import DONATION_STATES
from payments.figures.selectors import campaign_totals_from_postings, campaign_totals_uncached
from payments.gateway.card import RetryableGatewayError, StripeGateway, TerminalGatewayError
from payments.ledger.services import balance_of, escrow_account
from payments.models import Donation, DonationStatus, LedgerEntry, Refund, WebhookEvent, WebhookStatus
from payments.refunds.services import RefundNotAllowed, refund_request
from tests.payments.conftest import cny

pytestmark = pytest.mark.django_db

DESKTOP = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36"
WECHAT_BROWSER = (
    "Mozilla/5.0 (Linux; Android 13; Pixel 7 Build/TQ3A.230901.001; wv) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Version/4.0 Chrome/116.0.0.0 Mobile Safari/537.36 XWEB/1160065 MMWEBSDK/20231202 MMWEBID/2247 "
    "MicroMessenger/8.0.47.2560(0x28002F30) WeChat/arm64 Weixin NetType/WIFI Language/zh_CN ABI/arm64"
)


@pytest.fixture
def wallets(settings, fake_gateway):
    """Both wallets offered, through the fake gateway. Returns the gateway."""
    settings.PAYMENTS_METHOD_TYPES = ["card", "wechat_pay", "alipay"]
    return fake_gateway


def form(**overrides):
    data = {"amount": "100", "frequency": "one_off", "email": "zhao.lei@example.cn", "display_name": "赵磊",
            "attempt": str(uuid.uuid4()), "website": "", "method": "wechat_pay"}  # fmt: skip
    data.update(overrides)
    return data


def start(client, campaign, agent=DESKTOP, **overrides):
    url = reverse("payments:wallet_start", kwargs={"slug": campaign.slug})
    return client.post(url, form(**overrides), HTTP_USER_AGENT=agent)


def started_gift(client, campaign, **overrides) -> Donation:
    answer = start(client, campaign, **overrides)
    assert answer.status_code == 200, answer.content
    return Donation.objects.get(public_id=answer.json()["donation"])


def deliver(client, gateway, gift, event_type, capture, *, body=None):
    """The provider's event about the gift's intent as it is now, signed, through the webhook view."""
    body, header = body or gateway.wallet_event_signed(gift.provider_payment_intent_id, event_type)
    with capture(execute=True):
        response = client.post("/payments/webhooks/stripe/", data=body, content_type="application/json",
                               HTTP_STRIPE_SIGNATURE=header)  # fmt: skip
    assert response.status_code == 200
    return body, header


def figures_match_the_ledger(campaign) -> None:
    kept, recomputed = (
        campaign_totals_uncached(campaign=campaign),
        campaign_totals_from_postings(campaign=campaign),
    )
    assert (kept.raised, kept.held, kept.refunded, kept.donors) == (
        recomputed.raised, recomputed.held, recomputed.refunded, recomputed.donors,
    )  # fmt: skip


# --- refusals: nothing written ------------------------------------------------------------------


def test_a_gateway_without_wallets_is_refused_with_400_and_nothing_written(client, settings, campaign):
    # given the real gateway pointed at localstripe, which has no wechat_pay or alipay
    settings.PAYMENTS_METHOD_TYPES = ["card", "wechat_pay", "alipay"]
    settings.PAYMENTS_GATEWAY = "payments.gateway.card.StripeGateway"
    settings.STRIPE_API_BASE = "http://127.0.0.1:9"  # never called

    response = start(client, campaign)

    assert response.status_code == 400
    assert "请使用银行卡" in response.json()["message"]
    assert not Donation.objects.exists()
    # and the donate page does not offer them
    page = client.get(reverse("payments:donate_page", kwargs={"slug": campaign.slug})).content.decode()
    assert 'name="method"' not in page and "data-wallet-url" not in page


def test_a_wallet_not_named_in_the_settings_is_refused(client, wallets, settings, campaign):
    settings.PAYMENTS_METHOD_TYPES = ["card", "alipay"]

    assert start(client, campaign, method="wechat_pay").status_code == 400
    assert start(client, campaign, method="paypal").status_code == 400
    assert not Donation.objects.exists()
    assert "wallet_payment_create" not in wallets.calls


def test_an_all_or_nothing_campaign_offers_no_wallet(client, wallets, campaign):
    campaign.funding_model = FundingModel.ALL_OR_NOTHING
    campaign.save(update_fields=["funding_model"])

    assert start(client, campaign).status_code == 400
    assert not Donation.objects.exists()


def test_a_monthly_wallet_gift_is_a_form_error(client, wallets, campaign):
    response = start(client, campaign, frequency="monthly")

    assert response.status_code == 400
    assert response.json()["errors"]["frequency"] == ["按月捐赠请使用银行卡。"]
    assert not Donation.objects.exists()


def test_the_card_testing_guards_apply_to_wallets_too(client, wallets, campaign):
    response = start(client, campaign, website="http://spam.example")  # the honeypot

    assert response.status_code == 429
    assert not Donation.objects.exists()
    assert "wallet_payment_create" not in wallets.calls


def test_provider_refusing_the_method_fails_the_gift_with_a_clear_400(client, wallets, campaign):
    wallets.fail_next("wallet_payment_create", TerminalGatewayError("wechat_pay is not activated", code="x"))

    response = start(client, campaign)

    assert response.status_code == 400
    assert "微信支付暂时无法接受这笔捐赠" in response.json()["message"]
    gift = Donation.objects.get()
    assert gift.status == DonationStatus.FAILED and gift.provider_payment_intent_id == ""
    assert not LedgerEntry.objects.exists()


def test_an_unreachable_provider_answers_503_and_the_same_form_tries_again(client, wallets, campaign):
    wallets.fail_next("wallet_payment_create", RetryableGatewayError("timeout", code="connection"))
    data = form()

    first = client.post(reverse("payments:wallet_start", kwargs={"slug": campaign.slug}), data)
    second = client.post(reverse("payments:wallet_start", kwargs={"slug": campaign.slug}), data)

    assert first.status_code == 503 and first["Retry-After"] == "30"
    assert second.status_code == 200
    gift = Donation.objects.get()  # one gift for the one form
    assert gift.status == DonationStatus.PROCESSING
    assert list(wallets._replies) == [f"wallet:{gift.pk}:1"]  # the key did not move with the retry


# --- intake: where the donor goes ---------------------------------------------------------------


def test_wechat_pay_on_a_desktop_shows_our_qr_code_and_waits(client, wallets, campaign):
    answer = start(client, campaign).json()

    gift = Donation.objects.get(public_id=answer["donation"])
    assert answer["url"] == reverse("payments:wallet_pay", kwargs={"public_id": gift.public_id})
    assert (gift.status, gift.payment_method_type) == (DonationStatus.PROCESSING, "wechat_pay")
    assert gift.provider_payment_intent_id in wallets.intents
    assert not LedgerEntry.objects.exists()
    page = client.get(answer["url"]).content.decode()
    assert 'src="data:image/svg+xml' in page  # drawn here (segno), no image from another host
    assert "qr.stripe.com" not in page and re.search(r"¥100(?![.\d])", page) and "¥100.00" not in page
    assert client.get(reverse("payments:gift_status", kwargs={"public_id": gift.public_id})).json() == {
        "status": "processing"
    }


def test_wechat_pay_in_the_wechat_browser_goes_to_the_hosted_page(client, wallets, campaign):
    answer = start(client, campaign, agent=WECHAT_BROWSER).json()

    gift = Donation.objects.get(public_id=answer["donation"])
    intent = wallets.intent_object(gift.provider_payment_intent_id)
    assert answer["url"] == intent["next_action"]["wechat_pay_display_qr_code"]["hosted_instructions_url"]


def test_alipay_redirects_to_alipay_and_comes_back_to_our_page(client, wallets, campaign):
    answer = start(client, campaign, method="alipay").json()

    gift = Donation.objects.get(public_id=answer["donation"])
    redirect = wallets.intent_object(gift.provider_payment_intent_id)["next_action"]["alipay_handle_redirect"]
    assert answer["url"] == redirect["url"]
    assert redirect["return_url"] == "http://testserver" + reverse(
        "payments:wallet_pay", kwargs={"public_id": gift.public_id}
    )


def test_the_same_form_twice_is_one_gift_and_one_intent(client, wallets, campaign):
    data = form()
    url = reverse("payments:wallet_start", kwargs={"slug": campaign.slug})

    first, second = client.post(url, data).json(), client.post(url, data).json()

    assert first == second
    gift = Donation.objects.get()
    assert gift.events.filter(to_status=DonationStatus.PROCESSING).count() == 1
    assert len(wallets.intents) == 1


def test_another_browser_cannot_read_the_gift(client, wallets, campaign):
    from django.test import Client

    gift = started_gift(client, campaign)

    assert (
        Client().get(reverse("payments:gift_status", kwargs={"public_id": gift.public_id})).status_code == 404
    )
    assert (
        Client().get(reverse("payments:wallet_pay", kwargs={"public_id": gift.public_id})).status_code == 404
    )


# --- the provider's events ----------------------------------------------------------------------


def test_processing_then_failed_leaves_nothing(client, wallets, campaign, django_capture_on_commit_callbacks):
    gift = started_gift(client, campaign)

    wallets.wallet_settle(gift.provider_payment_intent_id, "processing")  # paid; the wallet confirms later
    deliver(client, wallets, gift, "payment_intent.processing", django_capture_on_commit_callbacks)
    wallets.wallet_settle(gift.provider_payment_intent_id, "failed")
    deliver(client, wallets, gift, "payment_intent.payment_failed", django_capture_on_commit_callbacks)

    gift.refresh_from_db()
    assert gift.status == DonationStatus.FAILED and gift.captured_at is None
    assert not LedgerEntry.objects.exists()
    assert balance_of(escrow_account(campaign)) == cny("0")
    assert campaign_totals_uncached(campaign=campaign).donors == 0
    assert mail.outbox == []  # no receipt
    status = client.get(reverse("payments:gift_status", kwargs={"public_id": gift.public_id})).json()
    assert status["status"] == "failed" and "没有扣款" in status["message"]


def test_a_wallet_waiting_for_the_donor_stays_processing(client, wallets, campaign,
                                                        django_capture_on_commit_callbacks):  # fmt: skip
    # Stripe's requires_action means "pay in the app" here, not a card's 3-D Secure
    gift = started_gift(client, campaign)

    deliver(client, wallets, gift, "payment_intent.requires_action", django_capture_on_commit_callbacks)

    gift.refresh_from_db()
    assert gift.status == DonationStatus.PROCESSING
    assert not LedgerEntry.objects.exists()


def test_processing_then_succeeded_lands_once_in_ledger_and_figures(
    client, wallets, campaign, django_capture_on_commit_callbacks
):
    gift = started_gift(client, campaign, amount="300")

    wallets.wallet_settle(gift.provider_payment_intent_id, "processing")  # paid; the wallet confirms later
    deliver(client, wallets, gift, "payment_intent.processing", django_capture_on_commit_callbacks)
    gift.refresh_from_db()
    assert gift.status == DonationStatus.PROCESSING and not LedgerEntry.objects.exists()

    wallets.wallet_settle(gift.provider_payment_intent_id, "succeeded")
    succeeded = deliver(client, wallets, gift, "payment_intent.succeeded", django_capture_on_commit_callbacks)
    deliver(client, wallets, gift, "payment_intent.succeeded", django_capture_on_commit_callbacks,
            body=succeeded)  # the same event delivered again  # fmt: skip
    deliver(
        client, wallets, gift, "payment_intent.succeeded", django_capture_on_commit_callbacks
    )  # another id

    gift.refresh_from_db()
    assert gift.status == DonationStatus.SUCCEEDED and gift.captured_at is not None
    assert LedgerEntry.objects.filter(kind="donation.captured").count() == 1
    assert balance_of(escrow_account(campaign)) == cny("300")
    totals = campaign_totals_uncached(campaign=campaign)
    assert (totals.raised, totals.donors) == (cny("300"), 1)
    figures_match_the_ledger(campaign)
    assert len(mail.outbox) == 1  # one receipt
    assert WebhookEvent.objects.count() == 3
    status = client.get(reverse("payments:gift_status", kwargs={"public_id": gift.public_id})).json()
    assert status == {"status": "succeeded",
                      "redirect": reverse("payments:donation_thanks", kwargs={"public_id": gift.public_id})}  # fmt: skip
    # and the payment page now goes straight to the thank-you page
    assert client.get(reverse("payments:wallet_pay", kwargs={"public_id": gift.public_id})).status_code == 302


def test_a_stale_failure_after_success_changes_nothing(
    client, wallets, campaign, django_capture_on_commit_callbacks
):
    gift = started_gift(client, campaign)
    wallets.wallet_settle(gift.provider_payment_intent_id, "failed")
    stale = wallets.wallet_event_signed(gift.provider_payment_intent_id, "payment_intent.payment_failed")
    wallets.wallet_settle(gift.provider_payment_intent_id, "succeeded")

    deliver(client, wallets, gift, "payment_intent.succeeded", django_capture_on_commit_callbacks)
    deliver(
        client, wallets, gift, "payment_intent.payment_failed", django_capture_on_commit_callbacks, body=stale
    )

    gift.refresh_from_db()
    assert gift.status == DonationStatus.SUCCEEDED
    assert balance_of(escrow_account(campaign)) == cny("100")
    figures_match_the_ledger(campaign)


def test_a_late_success_after_failure_lands_once(
    client, wallets, campaign, django_capture_on_commit_callbacks
):
    # the donor's first try failed and was recorded; then the wallet reports the payment went through
    gift = started_gift(client, campaign)
    wallets.wallet_settle(gift.provider_payment_intent_id, "failed")
    deliver(client, wallets, gift, "payment_intent.payment_failed", django_capture_on_commit_callbacks)
    gift.refresh_from_db()
    assert gift.status == DonationStatus.FAILED

    wallets.wallet_settle(gift.provider_payment_intent_id, "succeeded")
    deliver(client, wallets, gift, "payment_intent.succeeded", django_capture_on_commit_callbacks)

    gift.refresh_from_db()
    assert gift.status == DonationStatus.SUCCEEDED
    assert LedgerEntry.objects.filter(kind="donation.captured").count() == 1
    assert balance_of(escrow_account(campaign)) == cny("100")
    figures_match_the_ledger(campaign)


def test_an_event_for_an_unknown_intent_waits_and_moves_nothing(
    client, wallets, django_capture_on_commit_callbacks
):
    stranger = wallets.wallet_payment_create(amount=cny("50"), method="wechat_pay", client="web", return_url="",
                                             key="not-ours", metadata={})  # fmt: skip
    wallets.wallet_settle(stranger.id, "succeeded")
    body, header = wallets.wallet_event_signed(stranger.id, "payment_intent.succeeded")

    with django_capture_on_commit_callbacks(execute=True):
        client.post("/payments/webhooks/stripe/", data=body, content_type="application/json",
                    HTTP_STRIPE_SIGNATURE=header)  # fmt: skip

    assert WebhookEvent.objects.get().status == WebhookStatus.WAITING
    assert not LedgerEntry.objects.exists()


def test_a_new_try_after_a_failure_is_a_new_intent_under_a_new_key(client, wallets, campaign,
                                                                   django_capture_on_commit_callbacks):  # fmt: skip
    data = form()
    url = reverse("payments:wallet_start", kwargs={"slug": campaign.slug})
    client.post(url, data)
    gift = Donation.objects.get()
    first_intent = gift.provider_payment_intent_id
    wallets.wallet_settle(first_intent, "failed")
    deliver(client, wallets, gift, "payment_intent.payment_failed", django_capture_on_commit_callbacks)

    again = client.post(url, data)

    assert again.status_code == 200
    gift.refresh_from_db()
    assert gift.status == DonationStatus.PROCESSING
    assert gift.provider_payment_intent_id != first_intent
    assert sorted(wallets._replies) == [f"wallet:{gift.pk}:1", f"wallet:{gift.pk}:2"]


def test_processing_is_declared_in_the_gift_table():
    may = DONATION_STATES.may
    assert may(current=DonationStatus.CREATED, to=DonationStatus.PROCESSING)
    assert may(current=DonationStatus.PROCESSING, to=DonationStatus.SUCCEEDED)
    assert may(current=DonationStatus.PROCESSING, to=DonationStatus.FAILED)
    assert may(current=DonationStatus.FAILED, to=DonationStatus.SUCCEEDED)  # the money moved after all
    assert not may(current=DonationStatus.SUCCEEDED, to=DonationStatus.FAILED)


# --- refunds within the wallet's window ---------------------------------------------------------


def received(client, wallets, campaign, capture, *, method="wechat_pay", amount="200", paid_days_ago=0):
    gift = started_gift(client, campaign, method=method, amount=amount)
    wallets.wallet_settle(gift.provider_payment_intent_id, "succeeded")
    deliver(client, wallets, gift, "payment_intent.succeeded", capture)
    Donation.objects.filter(pk=gift.pk).update(captured_at=timezone.now() - timedelta(days=paid_days_ago))
    gift.refresh_from_db()
    return gift


def test_a_wechat_pay_refund_past_180_days_is_refused_and_writes_nothing(
    client, wallets, campaign, finance_officer, django_capture_on_commit_callbacks
):
    gift = received(client, wallets, campaign, django_capture_on_commit_callbacks, paid_days_ago=181)
    entries = LedgerEntry.objects.count()

    with pytest.raises(RefundNotAllowed) as refused:
        refund_request(donation=gift, amount=cny("200"), reason="donor asked", actor=finance_officer)

    assert "180" in refused.value.messages[0] and "微信支付" in refused.value.messages[0]
    assert not Refund.objects.exists() and LedgerEntry.objects.count() == entries
    assert "refund_create" not in wallets.calls
    assert balance_of(escrow_account(campaign)) == cny("200")


def test_an_alipay_refund_past_90_days_is_refused_on_the_finance_screen(
    client, wallets, campaign, finance_officer, django_capture_on_commit_callbacks
):
    gift = received(
        client, wallets, campaign, django_capture_on_commit_callbacks, method="alipay", paid_days_ago=90
    )
    client.force_login(finance_officer)
    url = reverse("finance_gift_refund", kwargs={"public_id": gift.public_id})

    page = client.get(url)
    response = client.post(url, {"amount": "200", "reason": "donor asked", "request_id": str(uuid.uuid4())})

    assert 'data-testid="wallet-refund-closed"' in page.content.decode()
    assert response.status_code == 400
    assert "支付宝" in response.content.decode() and "90" in response.content.decode()
    assert not Refund.objects.exists()


def test_a_wallet_refund_inside_its_window_goes_through_the_refund_path(
    client, wallets, campaign, finance_officer, django_capture_on_commit_callbacks
):
    gift = received(
        client, wallets, campaign, django_capture_on_commit_callbacks, method="alipay", paid_days_ago=88
    )
    client.force_login(finance_officer)
    page = client.get(reverse("finance_gift_refund", kwargs={"public_id": gift.public_id})).content.decode()
    assert 'data-testid="wallet-refund-window"' in page

    with django_capture_on_commit_callbacks(execute=True):
        refund_request(donation=gift, amount=cny("200"), reason="donor asked", actor=finance_officer)

    gift.refresh_from_db()
    assert gift.status == DonationStatus.REFUNDED
    assert Refund.objects.get().status == "succeeded"
    assert wallets.intents[gift.provider_payment_intent_id]["refunded"] == 20000
    assert balance_of(escrow_account(campaign)) == cny("0")
    figures_match_the_ledger(campaign)


# --- the real gateway's call --------------------------------------------------------------------


class _Intent:
    def __init__(self, data):
        self._data = data

    def to_dict(self):
        return self._data


def test_stripe_gateway_creates_wallet_intents_in_stripes_call_shape(settings, monkeypatch, wallets):
    settings.STRIPE_API_BASE = ""
    gateway = StripeGateway()
    seen = []

    def create(params, options):
        seen.append((params, options))
        method = params["payment_method_types"][0]
        obj = wallets.intent_object(wallets.wallet_payment_create(
            amount=cny("100"), method=method, client="web", return_url=params.get("return_url", ""),
            key=options["idempotency_key"], metadata=params["metadata"]).id)  # fmt: skip
        return _Intent(obj)

    monkeypatch.setattr(gateway.client.v1.payment_intents, "create", create)
    qr = gateway.wallet_payment_create(amount=cny("100"), method="wechat_pay", client="mobile",
                                       return_url="https://x/pay/", key="wallet:7:1", metadata={"a": "b"})  # fmt: skip
    ali = gateway.wallet_payment_create(amount=cny("100"), method="alipay", client="web",
                                        return_url="https://x/pay/", key="wallet:8:1", metadata={})  # fmt: skip

    wechat_params, wechat_options = seen[0]
    assert wechat_params == {
        "amount": 10000, "currency": "cny", "payment_method_types": ["wechat_pay"],
        "payment_method_data": {"type": "wechat_pay"}, "confirm": True, "metadata": {"a": "b"},
        "payment_method_options": {"wechat_pay": {"client": "web"}},
    }  # fmt: skip
    assert wechat_options == {"idempotency_key": "wallet:7:1"}
    assert seen[1][0]["return_url"] == "https://x/pay/" and "payment_method_options" not in seen[1][0]
    assert qr.qr_data.startswith("weixin://") and qr.awaiting_donor
    assert ali.redirect_url.startswith("https://hooks.stripe.com/")


def test_stripe_gateway_at_localstripe_takes_no_wallet(settings):
    settings.STRIPE_API_BASE = "http://127.0.0.1:9"
    gateway = StripeGateway()

    assert gateway.wallet_methods == ()
    with pytest.raises(TerminalGatewayError):
        gateway.wallet_payment_create(amount=cny("1"), method="alipay", client="web", return_url="https://x/",
                                      key="k", metadata={})  # fmt: skip
