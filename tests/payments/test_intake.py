"""The donation intake over HTTP: the happy path, card-testing defence, overload, provider 429s."""

import uuid

import pytest
from django.urls import reverse
from django.utils import translation

from payments.donations.protection import provider_slot
from payments.gateway.card import RetryableGatewayError, StripeGateway, with_retries
from payments.models import Donation, DonationStatus
from tests.payments.conftest import cny

pytestmark = pytest.mark.django_db


def form(**overrides):
    data = {"amount": "100", "frequency": "one_off", "email": "liu.yang@example.cn", "display_name": "刘洋",
            "attempt": str(uuid.uuid4()), "website": ""}  # fmt: skip
    data.update(overrides)
    return data


def start_url(campaign, language="zh-hans"):
    with translation.override(language):
        return reverse("payments:donation_start", kwargs={"slug": campaign.slug})


def start(client, campaign, language="zh-hans", **overrides):
    return client.post(start_url(campaign, language), form(**overrides))


def test_gift_over_http(client, fake_gateway, campaign, django_capture_on_commit_callbacks):
    started = start(client, campaign).json()
    assert started["status"] == "awaiting_card"
    donation = Donation.objects.get(public_id=started["donation"])
    fake_gateway.setup_intent_confirm(donation.provider_setup_intent_id, "pm_card_visa")

    with django_capture_on_commit_callbacks(execute=True):
        charged = client.post(started["charge_url"]).json()

    assert charged["status"] == "succeeded"
    thanks = client.get(charged["redirect"])
    assert "¥100" in thanks.content.decode()
    donation.refresh_from_db()
    assert donation.amount == cny("100") and donation.status == DonationStatus.SUCCEEDED


def test_another_browser_cannot_drive_someone_elses_gift(client, fake_gateway, campaign):
    from django.test import Client

    started = start(client, campaign).json()
    assert Client().post(started["charge_url"]).status_code == 404


def test_an_anonymous_gift_writes_no_session_and_its_browser_alone_may_drive_it(
    client, fake_gateway, campaign, django_capture_on_commit_callbacks
):
    from django.contrib.sessions.models import Session
    from django.test import Client

    from payments.donations.intake import GIFTS_COOKIE

    # given a gift started by an anonymous giver (ADR 0240)
    started = start(client, campaign).json()
    gift = Donation.objects.get(public_id=started["donation"])
    fake_gateway.setup_intent_confirm(gift.provider_setup_intent_id, "pm_card_visa")

    # then no session row was written, and the browser holds the gift in a signed, HttpOnly cookie
    assert Session.objects.count() == 0
    assert settings_session_cookie_not_sent(client)
    cookie = client.cookies[GIFTS_COOKIE]
    assert cookie["httponly"] and str(gift.public_id) in cookie.value

    # and a browser without it, or with a forged one (the id kept, the signature not), is refused
    assert Client().post(started["charge_url"]).status_code == 404
    forged = Client()
    forged.cookies[GIFTS_COOKIE] = f"{gift.public_id}:1tZ7xQ:forgedsignatureforgedsignaturexx"
    assert forged.post(started["charge_url"]).status_code == 404
    # nor can the thank-you page be opened from another browser
    assert (
        "¥100"
        not in Client().get(reverse("payments:donation_thanks", args=[gift.public_id])).content.decode()
    )

    # while the giver's browser charges it and sees its thank-you page
    with django_capture_on_commit_callbacks(execute=True):
        charged = client.post(started["charge_url"]).json()
    assert charged["status"] == "succeeded"
    assert "¥100" in client.get(charged["redirect"]).content.decode()


def test_a_second_gift_from_the_same_browser_keeps_the_first_drivable(client, fake_gateway, campaign):
    # given two gifts started in one browser, one after the other
    first = start(client, campaign).json()
    second = start(client, campaign, email="wang.fang@example.cn").json()

    # then each may still be charged from it (neither refused as another browser's)
    for started in (first, second):
        gift = Donation.objects.get(public_id=started["donation"])
        fake_gateway.setup_intent_confirm(gift.provider_setup_intent_id, "pm_card_visa")
        assert client.post(started["charge_url"]).status_code == 200


def settings_session_cookie_not_sent(client) -> bool:
    from django.conf import settings

    return settings.SESSION_COOKIE_NAME not in client.cookies


def test_below_minimum_is_refused_before_the_provider(client, fake_gateway, campaign):
    response = start(client, campaign, amount="9.99")
    assert response.status_code == 400
    assert "amount" in response.json()["errors"]
    assert not Donation.objects.exists() and fake_gateway.calls == []


def test_honeypot_blocks_with_a_clear_message_and_nothing_at_the_provider(client, fake_gateway, campaign):
    response = start(client, campaign, language="en", website="http://spam.example")
    assert response.status_code == 429
    assert response["Retry-After"]
    assert "could not be accepted" in response.json()["message"]
    assert not Donation.objects.exists() and fake_gateway.calls == []


def test_rate_limit_per_ip(client, fake_gateway, campaign, settings):
    settings.PAYMENTS_RATE_LIMIT_IP = "3/600"
    codes = [start(client, campaign, email=f"p{i}@example.cn").status_code for i in range(5)]
    assert codes == [200, 200, 200, 429, 429]
    assert Donation.objects.count() == 3
    assert fake_gateway.calls.count("setup_intent_create") == 3


def test_rate_limit_per_email_across_ips(client, fake_gateway, campaign, settings):
    settings.PAYMENTS_RATE_LIMIT_EMAIL = "2/600"
    codes = [
        client.post(start_url(campaign), form(), REMOTE_ADDR=f"10.0.0.{i}").status_code for i in range(3)
    ]
    blocked = client.post(start_url(campaign, "en"), form(), REMOTE_ADDR="10.0.0.9")
    assert codes == [200, 200, 429]
    assert blocked.status_code == 429
    assert "Too many payment attempts" in blocked.json()["message"]
    assert int(blocked["Retry-After"]) > 0


def test_overload_answers_503_with_retry_after_at_once(client, fake_gateway, campaign, settings):
    settings.PAYMENTS_MAX_IN_FLIGHT = 2
    with provider_slot(), provider_slot():  # two requests are already waiting on the provider
        response = start(client, campaign)
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert fake_gateway.calls.count("setup_intent_create") == 0


def test_provider_outage_answers_503_not_a_timeout(client, fake_gateway, campaign):
    fake_gateway.fail_next(
        "customer_create", RetryableGatewayError("429 Too Many Requests", code="rate_limit")
    )
    response = start(client, campaign)
    assert response.status_code == 503
    assert response["Retry-After"] == "30"


def test_retries_reuse_the_same_call_and_honour_retry_after(monkeypatch):
    sleeps, calls = [], []
    monkeypatch.setattr("payments.gateway.card.time.sleep", sleeps.append)

    def call():
        calls.append(1)
        if len(calls) < 3:
            raise RetryableGatewayError("slow down", code="rate_limit", retry_after=1.0)
        return "ok"

    assert with_retries(call, attempts=4, base_delay=0.1) == "ok"
    assert len(calls) == 3 and len(sleeps) == 2
    assert all(0.5 <= s <= 1.0 for s in sleeps)


def test_stripe_gateway_retries_a_429_with_the_same_idempotency_key(settings, monkeypatch):
    import stripe

    settings.PAYMENTS_PROVIDER_ATTEMPTS = 3
    monkeypatch.setattr("payments.gateway.card.time.sleep", lambda s: None)
    gateway = StripeGateway()
    seen = []

    def create(params, options):
        seen.append(options["idempotency_key"])
        if len(seen) < 3:
            raise stripe.RateLimitError("Too many requests", http_status=429)
        return type("Customer", (), {"id": "cus_123"})()

    monkeypatch.setattr(gateway.client.v1.customers, "create", create)
    assert gateway.customer_create(email="a@example.cn", key="customer:7") == "cus_123"
    assert seen == ["customer:7"] * 3


def test_stripe_gateway_tells_terminal_from_retryable(settings, monkeypatch):
    import stripe

    from payments.gateway.card import CardDeclined, TerminalGatewayError

    gateway = StripeGateway()
    for exc, expected in [
        (stripe.CardError("declined", param=None, code="card_declined"), CardDeclined),
        (stripe.InvalidRequestError("bad", param="amount"), TerminalGatewayError),
        (stripe.APIConnectionError("timeout"), RetryableGatewayError),
        (stripe.APIError("boom", http_status=500), RetryableGatewayError),
    ]:

        def create(params, options, exc=exc):
            raise exc

        monkeypatch.setattr(gateway.client.v1.customers, "create", create)
        monkeypatch.setattr("payments.gateway.card.time.sleep", lambda s: None)
        with pytest.raises(expected):
            gateway.customer_create(email="a@example.cn", key="k")


# --- what people type (issue #9 §7) ------------------------------------------------------------


def long_email() -> str:
    """A syntactically valid address of 267 characters: accepted by Django's form default (320),
    too long for the donor column (254)."""
    email = "a" * 64 + "@" + ("b" * 63 + ".") * 3 + "example.cn"
    assert len(email) == 267
    return email


def test_email_over_254_characters_is_a_form_error_not_a_500(client, fake_gateway, campaign):
    from payments.models import DonorProfile

    # when a donor sends a valid-looking address longer than the column
    response = start(client, campaign, language="en", email=long_email())

    # then the form says so and nothing is written or sent to the provider
    assert response.status_code == 400
    assert response.json()["errors"]["email"] == [
        "Ensure this value has at most 254 characters (it has 267)."
    ]
    assert not Donation.objects.exists() and not DonorProfile.objects.exists()
    assert fake_gateway.calls == []


def test_email_of_254_characters_is_accepted(client, fake_gateway, campaign):
    email = "a" * 64 + "@" + ("b" * 63 + ".") * 2 + "c" * 58 + ".cn"
    assert len(email) == 254

    response = start(client, campaign, email=email)

    assert response.status_code == 200
    assert Donation.objects.get().donor.email == email


def test_start_answers_the_exact_amount_the_server_will_charge(client, fake_gateway, campaign):
    # when the form is sent with ¥500
    started = start(client, campaign, language="en", amount="500").json()

    # then the answer carries the gift's amount as the server parsed and stored it, for the button
    donation = Donation.objects.get()
    assert donation.amount_minor == 50_000
    assert (started["amount"], started["currency"], started["amount_display"]) == ("500.00", "CNY", "¥500")
    # in the money format of the presets, mails and thank-you page: no ".00" on whole yuan
    assert started["submit_label"] == "Give ¥500"
    assert fake_gateway.calls.count("payment_charge_saved") == 0  # nothing charged yet


def test_start_answers_the_button_in_the_donors_language(client, fake_gateway, campaign):
    started = start(client, campaign, amount="500").json()  # the Chinese page
    monthly = start(client, campaign, language="en", amount="1234.5", frequency="monthly").json()

    assert started["submit_label"] == "捐赠 ¥500"
    assert started["confirm_note"] == "请核对按钮上的金额，确认无误后点击按钮完成捐赠。"
    assert monthly["submit_label"] == "Give ¥1,234.50 every month"


@pytest.mark.parametrize(
    ("typed", "minor"),
    [("１，０００元", 100_000), ("1,000", 100_000), ("¥100", 10_000), (" 20 ", 2_000), ("12.50", 1_250)],
)
def test_the_donate_form_reads_what_people_type_with_the_one_parser(
    client, fake_gateway, campaign, typed, minor
):
    response = start(client, campaign, "en", amount=typed)

    assert response.status_code == 200
    assert Donation.objects.get().amount_minor == minor


@pytest.mark.parametrize(
    ("typed", "says"),
    [
        ("100,00", "Did you mean 100.00 or 10,000?"),
        ("75,00", "Did you mean 75.00 or 7,500?"),
        ("1e5", "1e5"),
        ("1_000", "1_000"),
        ("١٠٠", "other digits"),
    ],
)
def test_the_donate_form_refuses_ambiguous_amounts_saying_what_it_understood(
    client, fake_gateway, campaign, typed, says
):
    response = start(client, campaign, "en", amount=typed)

    assert response.status_code == 400
    assert says in " ".join(response.json()["errors"]["amount"])
    assert not Donation.objects.exists() and fake_gateway.calls == []


@pytest.mark.parametrize(("language", "subject_word"), [("en", "Thank you"), ("zh-hans", "感谢")])
def test_a_gift_remembers_its_page_language_and_its_receipt_speaks_it(
    client, fake_gateway, campaign, mailoutbox, django_capture_on_commit_callbacks, language, subject_word
):
    # given a gift made on a page in ``language``
    started = start(client, campaign, language).json()
    donation = Donation.objects.get(public_id=started["donation"])
    fake_gateway.setup_intent_confirm(donation.provider_setup_intent_id, "pm_card_visa")
    mailoutbox.clear()

    # when it is charged and its receipt is sent
    with django_capture_on_commit_callbacks(execute=True):
        client.post(started["charge_url"])

    # then the gift keeps the language, and the receipt and its donor link are in it
    donation.refresh_from_db()
    assert donation.language == language
    receipt = next(m for m in mailoutbox if m.to == ["liu.yang@example.cn"])
    assert subject_word in receipt.subject, receipt.subject
    link = next(w for w in receipt.body.split() if "/payments/donor/" in w)
    assert ("/en/payments/donor/" in link) == (language == "en"), link


# --- ADR 0228: no provider call inside a transaction; the connection goes back to the pool ------


@pytest.mark.django_db(transaction=True)
def test_the_provider_is_called_with_no_connection_held_when_pooled(campaign, fake_gateway, monkeypatch):
    from django.db import connection

    from payments.donations import services

    # given a pooled database connection (the test database has no pool: closing the connection
    # stands in for giving it back) and a provider that notes whether one was held at each call
    monkeypatch.setattr(services, "pooled", lambda: True)
    gateway = fake_gateway
    held = []
    for name in ("customer_create", "setup_intent_create"):
        real = getattr(gateway, name)

        def noting(*args, _real=real, **kwargs):
            held.append((connection.connection is not None, connection.in_atomic_block))
            return _real(*args, **kwargs)

        monkeypatch.setattr(gateway, name, noting)
    gift = services.donation_create(campaign=campaign, amount=cny("100"), email="pool@example.cn",
                                    attempt=uuid.uuid4())  # fmt: skip

    # when its card is set up
    secret = services.donation_start_card(donation=gift)

    # then both provider calls happened with no connection held and no transaction open
    assert held == [(False, False), (False, False)]
    gift.refresh_from_db()
    assert gift.status == "awaiting_card" and secret.startswith(gift.provider_setup_intent_id)


def test_a_submit_that_read_the_gift_before_another_recorded_its_setup_answers_that_setup(
    campaign, fake_gateway
):
    from payments.donations.models import CardSetup
    from payments.donations.services import donation_create, donation_start_card

    # given one form submitted twice: both read the gift while it had no card setup
    gift = donation_create(
        campaign=campaign, amount=cny("100"), email="twice@example.cn", attempt=uuid.uuid4()
    )
    first_read, second_read = Donation.objects.get(pk=gift.pk), Donation.objects.get(pk=gift.pk)

    # when the first records its setup, then the second (same idempotency key) gets to the lock
    first = donation_start_card(donation=first_read)
    second = donation_start_card(donation=second_read)

    # then both answer the one recorded setup, recorded once
    gift.refresh_from_db()
    assert first == second and first.startswith(gift.provider_setup_intent_id)
    assert CardSetup.objects.filter(donation=gift).count() == 1
    assert gift.events.filter(to_status="awaiting_card").count() == 1


def test_a_new_donor_profile_is_made_once_and_found_again():
    from payments.donations.models import DonorProfile
    from payments.donations.services import donor_profile_for

    made = donor_profile_for(email=" New@Example.cn ")
    again = donor_profile_for(email="new@example.cn")
    assert made.pk == again.pk and DonorProfile.objects.filter(email="new@example.cn").count() == 1
    assert again.link_version == made.link_version == 1 and made.provider_customer_id == ""
