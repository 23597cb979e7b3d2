"""Pledges paid in by card (ADR 0238): the matcher pays on its payment page through the card gateway
(the in-memory fake, as the gift tests), the provider's answer is heard on the page and through the
webhook inbox, a second finance officer confirms it as any pay-in; a declined card pays nothing and
the pledge stays unpaid, on the matcher's page too."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import translation

from campaigns.state_tables import TransitionNotAllowed
from payments.figures.balance_check import balances_check
from payments.ledger.services import balance_of
from payments.matching.card import pay_in_card_token, pool_pay_in_card_request
from payments.matching.models import PayInMethod, PayInStatus, PoolPayIn
from payments.matching.selectors import pools_figures
from payments.matching.services import PayInNotAllowed, pool_account, pool_pay_in_confirm
from payments.models import LedgerEntry, WebhookEvent
from tests.payments.conftest import cny, event, post_signed
from tests.payments.matching_helpers import officer, pool

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def _asked(campaign, amount="2000"):
    """A ¥10,000 pledge, nothing paid in, and a card payment of ``amount`` asked for by finance-a."""
    p = pool([campaign], cap=1_000_000, paid_in=0)
    pay_in = pool_pay_in_card_request(pool=p, amount=cny(amount), actor=officer("finance-a"))
    return p, pay_in


def _pay(client, gateway, pay_in, payment_method="pm_card_visa"):
    """What the matcher's browser does on the page: start, Stripe.js confirms the card, finish."""
    token = pay_in_card_token(pay_in)
    step = lambda name: reverse("payments:matcher_card_pay_step", kwargs={"token": token, "step": name})  # noqa: E731
    started = client.post(step("start"))
    assert started.status_code == 200 and started.json()["client_secret"]
    pay_in.refresh_from_db()
    gateway.setup_intent_confirm(pay_in.provider_setup_intent_id, payment_method)
    return client.post(step("finish"))


def test_a_card_pay_in_is_heard_once_and_confirmed_by_another_officer(
    client, campaign, fake_gateway, django_capture_on_commit_callbacks
):
    # given finance asked the matcher to pay ¥2,000 of its pledge by card
    p, pay_in = _asked(campaign)
    assert (pay_in.method, pay_in.status) == (PayInMethod.CARD, PayInStatus.RECORDED)
    page = client.get(reverse("payments:matcher_card_pay", kwargs={"token": pay_in_card_token(pay_in)}))
    assert page.status_code == 200 and 'id="card-element"' in page.content.decode()
    assert page["Cache-Control"] == "private, no-store"
    # in the shared card form (payments/includes/card_form.html) with the pay-in's own words
    html = page.content.decode()
    assert 'data-busy-text="Paying…"' in html
    assert (
        'data-card-error-text="The card could not be charged. Check its number, expiry date and code."'
        in html
    )
    assert f'<button type="submit" id="card-update-submit">Pay {pay_in.amount}</button>' in html
    assert f'<a href="{page.wsgi_request.path}">Reload this page</a>' in html
    # and it cannot be confirmed before the matcher paid
    with pytest.raises(PayInNotAllowed):
        pool_pay_in_confirm(pay_in=pay_in, actor=officer("finance-b"))

    # when the matcher pays on the page
    finished = _pay(client, fake_gateway, pay_in)

    # then the provider charged it once, the pay-in is paid, and nothing is in the ledger yet
    assert finished.status_code == 200 and finished.json()["ok"]
    pay_in.refresh_from_db()
    assert pay_in.card_paid_at is not None and pay_in.provider_payment_intent_id
    assert pay_in.status == PayInStatus.RECORDED
    assert not LedgerEntry.objects.exists()
    assert pools_figures([p])[0].unpaid == cny(10_000)

    # when the provider's event arrives, twice
    payload = event("evt_pay_in_1", "payment_intent.succeeded", {
        "id": pay_in.provider_payment_intent_id, "object": "payment_intent", "status": "succeeded",
        "amount": 200_000, "currency": "cny", "metadata": {"pool_pay_in": str(pay_in.pk)},
    })  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        assert post_signed(client, payload).status_code == 200
        assert post_signed(client, payload).status_code == 200

    # then it is stored once, processed, and changes nothing more
    stored = WebhookEvent.objects.get(event_id="evt_pay_in_1")
    assert stored.status == "processed"
    assert not LedgerEntry.objects.exists()

    # when the officer who asked confirms it: refused; another officer: posted once
    with pytest.raises(PermissionDenied):
        pool_pay_in_confirm(pay_in=pay_in, actor=officer("finance-a"))
    pool_pay_in_confirm(pay_in=pay_in, actor=officer("finance-b"))
    pool_pay_in_confirm(pay_in=pay_in, actor=officer("finance-b"))
    entry = LedgerEntry.objects.get()
    assert (entry.key, entry.kind) == (f"pledge:{pay_in.pk}:paid_in", "pledge.paid_in")
    figures = pools_figures([p])[0]
    assert (figures.paid_in, figures.unpaid) == (cny(2000), cny(8000))
    assert balance_of(pool_account(p)) == cny(2000)
    assert balances_check() == []


def test_a_declined_card_pays_nothing_and_the_pledge_shows_unpaid(client, campaign, fake_gateway):
    p, pay_in = _asked(campaign)

    # when the matcher's card is declined
    finished = _pay(client, fake_gateway, pay_in, payment_method="pm_card_chargeCustomerFail")

    # then the page says so (400), the pay-in is rejected, nothing is posted, the pledge is unpaid
    assert finished.status_code == 400 and "declined" in finished.json()["message"]
    pay_in.refresh_from_db()
    assert pay_in.status == PayInStatus.REJECTED and pay_in.card_paid_at is None
    assert not LedgerEntry.objects.exists()
    assert pools_figures([p])[0].unpaid == cny(10_000)
    html = client.get(reverse("payments:matcher_page", kwargs={"slug": p.matcher.slug})).content.decode()
    assert 'data-testid="unpaid">¥10,000<' in html
    # and it can never be confirmed; the link now says nothing was paid; a new one can be asked for
    with pytest.raises(TransitionNotAllowed):
        pool_pay_in_confirm(pay_in=pay_in, actor=officer("finance-b"))
    page = client.get(reverse("payments:matcher_card_pay", kwargs={"token": pay_in_card_token(pay_in)}))
    assert 'data-testid="pay-in-state"' in page.content.decode()
    again = client.post(
        reverse(
            "payments:matcher_card_pay_step", kwargs={"token": pay_in_card_token(pay_in), "step": "start"}
        )
    )
    assert again.status_code == 400
    assert (
        pool_pay_in_card_request(pool=p, amount=cny(10_000), actor=officer("finance-a")).status
        == PayInStatus.RECORDED
    )


def test_the_webhook_alone_records_a_payment_whose_page_never_heard_back(
    client, campaign, fake_gateway, django_capture_on_commit_callbacks
):
    # given the matcher confirmed its card and the charge went through, but the page's answer was lost
    _p, pay_in = _asked(campaign)
    token = pay_in_card_token(pay_in)
    client.post(reverse("payments:matcher_card_pay_step", kwargs={"token": token, "step": "start"}))
    pay_in.refresh_from_db()
    setup = fake_gateway.setup_intent_confirm(pay_in.provider_setup_intent_id, "pm_card_visa")
    charged = fake_gateway.payment_charge_saved(amount=cny(2000), customer_id=setup.customer_id,
                                                payment_method_id=setup.payment_method_id,
                                                key=f"pool-pay-in:{pay_in.pk}:charge",
                                                metadata={"pool_pay_in": str(pay_in.pk)})  # fmt: skip

    # when a stale failure event, then the success event, arrive through the inbox
    obj = {"id": charged.id, "object": "payment_intent", "amount": 200_000, "currency": "cny",
           "metadata": {"pool_pay_in": str(pay_in.pk)}}  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        post_signed(client, event("evt_pay_in_stale", "payment_intent.payment_failed",
                                  {**obj, "status": "requires_payment_method"}))  # fmt: skip
        post_signed(
            client, event("evt_pay_in_ok", "payment_intent.succeeded", {**obj, "status": "succeeded"})
        )

    # then the provider was asked (the stale failure rejected nothing) and the pay-in is paid
    pay_in.refresh_from_db()
    assert pay_in.status == PayInStatus.RECORDED
    assert (pay_in.provider_payment_intent_id, pay_in.card_paid_at is not None) == (charged.id, True)
    # and finishing on the page again charges nothing more (same key) and says it is paid
    finished = client.post(
        reverse("payments:matcher_card_pay_step", kwargs={"token": token, "step": "finish"})
    )
    assert finished.status_code == 400
    assert len([i for i in fake_gateway.intents.values() if i["metadata"].get("pool_pay_in")]) == 1


def test_forged_links_unknown_steps_and_the_admin_screen(client, campaign, fake_gateway):
    _p, pay_in = _asked(campaign)
    token = pay_in_card_token(pay_in)
    assert client.get(reverse("payments:matcher_card_pay", kwargs={"token": token + "x"})).status_code == 404
    assert (
        client.post(
            reverse("payments:matcher_card_pay_step", kwargs={"token": token, "step": "refund"})
        ).status_code
        == 404
    )
    # a pay-in recorded after the fact (not a checkout) has no payment page
    other = PoolPayIn.objects.create(pool=pay_in.pool, amount_minor=100, currency="CNY", method=PayInMethod.CARD,
                                     reference="pi_dashboard_1", recorded_by=officer("finance-a"))  # fmt: skip
    assert (
        client.get(
            reverse("payments:matcher_card_pay", kwargs={"token": pay_in_card_token(other)})
        ).status_code
        == 404
    )

    # finance asks for a card payment on the pool's screen and sees the link to send
    client.force_login(officer("finance-a"))
    url = reverse("match_pool_money", kwargs={"pk": pay_in.pool_id})
    assert client.post(url, {"card_request": "1", "card_amount": "500"}).status_code == 302
    too_much = client.post(url, {"card_request": "1", "card_amount": "99999999"})
    assert too_much.status_code == 200 and 'role="alert"' in too_much.content.decode()
    assert PoolPayIn.objects.filter(pool=pay_in.pool).count() == 3
    assert 'data-testid="card-link"' in client.get(url).content.decode()
