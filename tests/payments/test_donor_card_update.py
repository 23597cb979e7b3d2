"""A new card for a monthly gift, through its page's two doors (issue 12, ADR 0220): the signed-in
donor and the donor's private link. The card itself is confirmed by Stripe.js in the browser
(``tests/browser/test_card_update.py``); here the fake gateway stands in for it. Every refusal is
a clear 4xx (never a 500) and leaves the old card."""

from __future__ import annotations

import pytest

from campaigns.models import AuditEvent
from payments.donations.donor_links import donor_token
from payments.donations.monthly import monthly_plan_cancel, monthly_renewals_run
from payments.donor_accounts.services import SESSION_KEY
from payments.gateway.card import RetryableGatewayError
from payments.models import Donation, MonthlyPlan
from tests.builders import gift

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(campaign, fake_gateway):
    first = gift(campaign, 10_000, email="monthly@example.cn", frequency="monthly")
    return MonthlyPlan.objects.get(donor=first.donor)


def _sign_in(client, donor) -> None:
    session = client.session
    session[SESSION_KEY] = {"d": donor.pk, "v": donor.link_version}
    session.save()


def _link(plan, donor=None) -> str:
    return f"/en/payments/donor/{donor_token(donor or plan.donor)}/monthly/{plan.pk}/card/"


def _unchanged(plan, card: str) -> None:
    plan.refresh_from_db()
    assert (plan.provider_payment_method_id, plan.card_setup_intent_id) == (card, "")
    assert not AuditEvent.objects.filter(action="monthly.card_updated").exists()


def test_the_private_link_page_carries_the_card_element_and_its_own_steps(client, plan):
    link = _link(plan)
    response = client.get(link)

    assert response.status_code == 200
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cache-Control"] == "private, no-store"
    html = response.content.decode()
    assert 'id="card-element"' in html and "payments/card_update.js" in html
    assert f'data-start-url="{link}start/"' in html
    assert f'data-finish-url="{link}finish/"' in html
    # and the shared card form (payments/includes/card_form.html) carries this page's own words
    assert 'data-busy-text="Saving your card…"' in html
    assert (
        'data-card-error-text="The card could not be set up. Check its number, expiry date and code."' in html
    )
    assert '<button type="submit" id="card-update-submit">Save the new card</button>' in html
    assert ">Sign in again</a></p>" in html


def test_the_donor_page_and_the_account_link_to_the_card_page(client, plan):
    token = donor_token(plan.donor)
    page = client.get(f"/en/payments/donor/{token}/").content.decode()
    assert f'href="/en/payments/donor/{token}/monthly/{plan.pk}/card/"' in page

    _sign_in(client, plan.donor)
    account = client.get("/en/payments/account/").content.decode()
    assert f'href="/en/payments/account/monthly/{plan.pk}/card/"' in account


def test_a_new_card_by_the_private_link_is_the_one_the_next_renewal_charges(client, plan, fake_gateway):
    # given a monthly gift charging its first card
    old_card = plan.provider_payment_method_id
    token = donor_token(plan.donor)
    link = f"/en/payments/donor/{token}/monthly/{plan.pk}/card/"

    # when the page starts a card setup, the browser confirms a new card, and the page finishes
    started = client.post(link + "start/")
    assert started.status_code == 200
    plan.refresh_from_db()
    fake_gateway.setup_intent_confirm(plan.card_setup_intent_id, "pm_card_mastercard")
    finished = client.post(link + "finish/")

    # then the page is sent back to the donor page, which says so, and the plan has the new card
    assert finished.status_code == 200
    assert finished.json() == {
        "ok": True,
        "message": "Your monthly gift now uses the new card.",
        "redirect": f"/en/payments/donor/{token}/",
    }
    page = client.get(finished.json()["redirect"]).content.decode()
    assert "Your monthly gift now uses the new card." in page
    plan.refresh_from_db()
    assert (plan.provider_payment_method_id, plan.card_setup_intent_id) == ("pm_card_mastercard", "")
    assert old_card != "pm_card_mastercard"
    # and the next renewal charges it
    assert monthly_renewals_run(today=plan.next_charge_on) == {"succeeded": 1}
    renewal = Donation.objects.filter(monthly_plan=plan).latest("created_at")
    assert renewal.provider_payment_method_id == "pm_card_mastercard"


def test_a_card_not_confirmed_is_a_400_that_keeps_the_old_card(client, plan):
    old_card = plan.provider_payment_method_id
    client.post(_link(plan) + "start/")

    response = client.post(_link(plan) + "finish/")

    assert response.status_code == 400
    assert (
        response.json()["message"] == "The new card was not saved; your monthly gift still uses the old one."
    )
    plan.refresh_from_db()
    assert plan.provider_payment_method_id == old_card
    assert not AuditEvent.objects.filter(action="monthly.card_updated").exists()


def test_an_expired_session_is_a_403_with_the_way_back_and_changes_nothing(client, plan, fake_gateway):
    old_card = plan.provider_payment_method_id
    before = len(fake_gateway.calls)

    # the page itself sends them to sign in
    page = client.get(f"/en/payments/account/monthly/{plan.pk}/card/", follow=True)
    assert page.redirect_chain == [("/en/payments/sign-in/", 302)]
    assert "Sign in again to give your monthly gift a new card." in page.content.decode()

    # a step posted after the session ended answers 403 in JSON, with the sign-in address
    response = client.post(f"/en/payments/account/monthly/{plan.pk}/card/start/")
    assert response.status_code == 403
    assert response.json() == {
        "ok": False,
        "message": "Your sign-in has expired. Sign in again, then try again: your card was not changed.",
        "sign_in_url": "/en/payments/sign-in/",
    }
    assert fake_gateway.calls[before:] == []  # the provider was not asked
    _unchanged(plan, old_card)


def test_a_revoked_private_link_is_a_404_page_and_a_403_step(client, plan, fake_gateway):
    old_card = plan.provider_payment_method_id
    before = len(fake_gateway.calls)
    link = _link(plan)
    type(plan.donor).objects.filter(pk=plan.donor.pk).update(link_version=plan.donor.link_version + 1)

    assert client.get(link).status_code == 404
    response = client.post(link + "start/")

    assert response.status_code == 403
    assert response.json()["message"].startswith("This link no longer works.")
    assert fake_gateway.calls[before:] == []  # the provider was not asked
    _unchanged(plan, old_card)


def test_someone_elses_plan_is_404_through_both_doors_and_changes_nothing(
    client, plan, campaign, fake_gateway
):
    old_card = plan.provider_payment_method_id
    other = gift(campaign, 10_000, email="other@example.cn").donor
    before = len(fake_gateway.calls)
    _sign_in(client, other)

    assert client.get(f"/en/payments/account/monthly/{plan.pk}/card/").status_code == 404
    assert client.get(_link(plan, donor=other)).status_code == 404
    for url in (f"/en/payments/account/monthly/{plan.pk}/card/", _link(plan, donor=other)):
        for step in ("start", "finish"):
            response = client.post(f"{url}{step}/")
            assert response.status_code == 404
            assert response.json() == {"ok": False, "message": "This monthly gift is not one of yours."}
    assert fake_gateway.calls[before:] == []  # the provider was not asked
    _unchanged(plan, old_card)


def test_a_stopped_gift_shows_no_card_form_and_refuses_a_setup(client, plan, fake_gateway):
    old_card = plan.provider_payment_method_id
    before = len(fake_gateway.calls)
    monthly_plan_cancel(plan=plan, donor=plan.donor)

    page = client.get(_link(plan))
    response = client.post(_link(plan) + "start/")

    assert page.status_code == 200 and 'id="card-element"' not in page.content.decode()
    assert response.status_code == 400
    assert response.json()["message"] == "This monthly gift has stopped; start a new one instead."
    assert fake_gateway.calls[before:] == []  # the provider was not asked
    _unchanged(plan, old_card)


def test_the_provider_not_answering_is_a_502_and_an_unknown_step_a_404(client, plan, fake_gateway):
    old_card = plan.provider_payment_method_id
    fake_gateway.fail_next("setup_intent_create", RetryableGatewayError("timeout"))

    assert client.post(_link(plan) + "start/").status_code == 502
    assert client.post(_link(plan) + "charge/").status_code == 404
    assert client.get(_link(plan) + "start/").status_code == 405
    _unchanged(plan, old_card)
