"""WeChat Pay and Alipay through a supporter's page (issue 14, ADRs 0232 and 0234): the page offers
the campaign's wallets in the same form, posting to the page's own wallet start, and a wallet gift
through it counts to the page and the campaign once, exactly as a card gift does; a failed one
counts nowhere. Through the fake gateway and its signed events, as ``test_wallets.py``."""

from __future__ import annotations

import re
import uuid

import pytest
from django.urls import reverse
from django.utils import translation

from campaigns.models import FundingModel
from payments.figures.selectors import campaign_totals_from_postings, campaign_totals_uncached
from payments.models import Donation, DonationStatus, LedgerEntry
from payments.supporters.models import SupporterGift, SupporterPage, SupporterPageStatus
from payments.supporters.selectors import page_raised_recomputed, pages_drifted
from payments.supporters.services import page_moderate, supporter_gift_follow, supporter_gifts_sweep
from tests.payments.conftest import cny
from tests.payments.supporter_helpers import public_page, raised_minor
from tests.verification.factories import BeneficiaryFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def wallets(settings, fake_gateway):
    """Both wallets offered, through the fake gateway. Returns the gateway."""
    settings.PAYMENTS_METHOD_TYPES = ["card", "wechat_pay", "alipay"]
    return fake_gateway


def _wallet_url(page, language="zh-hans"):
    with translation.override(language):
        return reverse("payments:supporter_wallet_start", kwargs={"slug": page.slug})


def _form(**overrides):
    data = {"amount": "300", "frequency": "one_off", "email": "tang.min@example.cn", "display_name": "唐敏",
            "attempt": str(uuid.uuid4()), "website": "", "method": "wechat_pay"}  # fmt: skip
    data.update(overrides)
    return data


def _deliver(client, gateway, gift, event_type, capture, *, body=None):
    """The provider's event about the gift's intent as it is now, signed, through the webhook view;
    after-commit work (the capture's follow-ups, the page's task) runs."""
    body, header = body or gateway.wallet_event_signed(gift.provider_payment_intent_id, event_type)
    with capture(execute=True):
        response = client.post("/payments/webhooks/stripe/", data=body, content_type="application/json",
                               HTTP_STRIPE_SIGNATURE=header)  # fmt: skip
    assert response.status_code == 200
    return body, header


def _page_gifts(page) -> int:
    return SupporterPage.objects.select_related("total").get(pk=page.pk).total.gifts


def _offered_methods(html: str) -> list[str]:
    return re.findall(r'name="method" value="([a-z_]+)"', html)


# --- the form -----------------------------------------------------------------------------------


@pytest.mark.parametrize("prefix", ["", "/en"])
def test_the_page_offers_the_campaigns_wallets_posting_through_the_page(
    client, wallets, campaign, editor, prefix
):
    page = public_page(campaign, editor)

    supporter_html = client.get(f"{prefix}/supporters/{page.slug}/").content.decode()
    with translation.override("en" if prefix else "zh-hans"):
        donate_url = reverse("payments:donate_page", kwargs={"slug": campaign.slug})
    campaign_html = client.get(donate_url).content.decode()

    # the same ways to pay as the campaign's own giving page, in the same form
    assert (
        _offered_methods(supporter_html)
        == _offered_methods(campaign_html)
        == ["card", "wechat_pay", "alipay"]
    )
    assert 'data-testid="donate-methods"' in supporter_html
    # each posting through the page, so the gift is recorded for it
    assert f'action="{prefix}/payments/supporters/{page.slug}/give/start/"' in supporter_html
    assert f'data-wallet-url="{prefix}/payments/supporters/{page.slug}/give/wallet/"' in supporter_html
    assert f"/payments/donate/{campaign.slug}/wallet/" not in supporter_html


def test_without_wallets_at_the_gateway_the_page_offers_cards_only(client, fake_gateway, campaign, editor):
    # given the default setting: cards only
    page = public_page(campaign, editor)

    html = client.get(f"/supporters/{page.slug}/").content.decode()

    assert _offered_methods(html) == [] and "data-wallet-url" not in html
    assert f'action="/payments/supporters/{page.slug}/give/start/"' in html


# --- refusals: nothing written ------------------------------------------------------------------


def test_a_wallet_not_offered_is_refused_through_a_page_and_writes_nothing(client, wallets, settings, campaign,
                                                                           editor):  # fmt: skip
    page = public_page(campaign, editor)
    settings.PAYMENTS_METHOD_TYPES = ["card", "alipay"]

    refused = client.post(_wallet_url(page), _form(method="wechat_pay"))
    monthly = client.post(_wallet_url(page), _form(method="alipay", frequency="monthly"))

    assert refused.status_code == 400 and "请使用银行卡" in refused.json()["message"]
    assert monthly.status_code == 400 and monthly.json()["errors"]["frequency"] == ["按月捐赠请使用银行卡。"]
    assert not Donation.objects.exists() and not SupporterGift.objects.exists()
    assert "wallet_payment_create" not in wallets.calls


def test_an_all_or_nothing_campaigns_page_offers_no_wallet(client, wallets, campaign, editor):
    campaign.funding_model = FundingModel.ALL_OR_NOTHING
    campaign.save(update_fields=["funding_model"])
    page = public_page(campaign, editor)

    assert client.post(_wallet_url(page), _form()).status_code == 400
    assert _offered_methods(client.get(f"/supporters/{page.slug}/").content.decode()) == []
    assert not Donation.objects.exists() and not SupporterGift.objects.exists()


def test_an_unknown_page_is_404(client, wallets):
    assert client.post("/payments/supporters/no-such-page/give/wallet/", _form()).status_code == 404
    assert not Donation.objects.exists()


# --- the provider's events ----------------------------------------------------------------------


@pytest.mark.parametrize("method", ["wechat_pay", "alipay"])
def test_a_wallet_gift_through_a_page_counts_once_to_the_page_and_the_campaign(
    client, wallets, campaign, editor, method, django_capture_on_commit_callbacks
):
    # given a public page
    page = public_page(campaign, editor)

    # when a donor gives ¥300 with a wallet through the page's form, and the form is posted twice
    data = _form(method=method)
    started = client.post(_wallet_url(page), data).json()
    again = client.post(_wallet_url(page), data).json()
    assert started["status"] == "redirect" and started == again
    gift = Donation.objects.get(public_id=started["donation"])
    assert (gift.status, gift.payment_method_type) == (DonationStatus.PROCESSING, method)
    # (waiting for the donor in the app: nothing counts yet)
    assert raised_minor(page) == 0 and not LedgerEntry.objects.exists()

    # and the wallet reports processing, then succeeded (delivered twice, and once more under another id)
    wallets.wallet_settle(gift.provider_payment_intent_id, "processing")
    _deliver(client, wallets, gift, "payment_intent.processing", django_capture_on_commit_callbacks)
    wallets.wallet_settle(gift.provider_payment_intent_id, "succeeded")
    succeeded = _deliver(
        client, wallets, gift, "payment_intent.succeeded", django_capture_on_commit_callbacks
    )
    _deliver(
        client, wallets, gift, "payment_intent.succeeded", django_capture_on_commit_callbacks, body=succeeded
    )
    _deliver(client, wallets, gift, "payment_intent.succeeded", django_capture_on_commit_callbacks)
    # and the page's follow-up runs again (a duplicate task, the sweep)
    supporter_gift_follow(donation_id=gift.pk)
    supporter_gifts_sweep()

    # then the gift is the page's once: ¥300 and one gift on the page, ¥300 (not ¥600) in the campaign
    gift.refresh_from_db()
    assert gift.status == DonationStatus.SUCCEEDED
    assert SupporterGift.objects.get().donation_id == gift.pk
    assert (raised_minor(page), _page_gifts(page)) == (30_000, 1)
    assert LedgerEntry.objects.filter(kind="donation.captured").count() == 1
    totals = campaign_totals_uncached(campaign=campaign)
    assert (totals.raised, totals.donors) == (cny(300), 1)
    assert totals == campaign_totals_from_postings(campaign=campaign)
    assert page_raised_recomputed(page) == cny(300) and pages_drifted() == []


def test_a_failed_wallet_gift_through_a_page_counts_nowhere(
    client, wallets, campaign, editor, django_capture_on_commit_callbacks
):
    page = public_page(campaign, editor)
    gift = Donation.objects.get(public_id=client.post(_wallet_url(page), _form()).json()["donation"])

    # the wallet reports processing, then the payment fails in the app
    wallets.wallet_settle(gift.provider_payment_intent_id, "processing")
    _deliver(client, wallets, gift, "payment_intent.processing", django_capture_on_commit_callbacks)
    wallets.wallet_settle(gift.provider_payment_intent_id, "failed")
    _deliver(client, wallets, gift, "payment_intent.payment_failed", django_capture_on_commit_callbacks)
    supporter_gifts_sweep()
    supporter_gift_follow(donation_id=gift.pk)

    # the gift was given through the page, but nothing was taken: the page, the campaign and the
    # ledger show nothing
    gift.refresh_from_db()
    assert gift.status == DonationStatus.FAILED and gift.captured_at is None
    assert SupporterGift.objects.get().counted_minor == 0
    assert (raised_minor(page), _page_gifts(page)) == (0, 0)
    assert not LedgerEntry.objects.exists()
    totals = campaign_totals_uncached(campaign=campaign)
    assert (totals.raised, totals.donors) == (cny(0), 0)
    assert page_raised_recomputed(page) == cny(0) and pages_drifted() == []


def test_a_wallet_gift_from_a_hidden_page_counts_to_the_campaign_only(
    client, wallets, campaign, editor, django_capture_on_commit_callbacks
):
    # given a page hidden after its form was read
    page = public_page(campaign, editor)
    page_moderate(page=page, to=SupporterPageStatus.HIDDEN, actor=editor, reason="reported: fraud")

    gift = Donation.objects.get(public_id=client.post(_wallet_url(page), _form()).json()["donation"])
    wallets.wallet_settle(gift.provider_payment_intent_id, "succeeded")
    _deliver(client, wallets, gift, "payment_intent.succeeded", django_capture_on_commit_callbacks)

    assert not SupporterGift.objects.exists() and raised_minor(page) == 0
    assert campaign_totals_uncached(campaign=campaign).raised == cny(300)


@pytest.mark.parametrize("way", ["card", "wallet"])
def test_an_earmark_on_a_page_is_kept_by_either_way_to_pay(client, wallets, editor, way):
    # given a page of a campaign, opened with ?for=<a verified beneficiary>
    beneficiary = BeneficiaryFactory()
    page = public_page(beneficiary.campaign, editor)
    url = _wallet_url(page) if way == "wallet" else reverse("payments:supporter_gift_start", args=[page.slug])

    started = client.post(url, _form(earmark=str(beneficiary.pk))).json()

    gift = Donation.objects.get(public_id=started["donation"])
    assert gift.earmark_beneficiary_id == beneficiary.pk
    assert SupporterGift.objects.get().donation_id == gift.pk
