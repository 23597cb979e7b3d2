"""Donor accounts without passwords (issue #12): a sign-in link by email, single-use and
time-limited, stored only as a hash; signed in, a donor sees every gift of theirs and nobody
else's."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from payments.donor_accounts.services import token_digest
from payments.models import DonorSignInLink
from tests.builders import gift

pytestmark = pytest.mark.django_db

SIGN_IN = "/en/payments/sign-in/"


@pytest.fixture
def client(client):
    client.defaults["REMOTE_ADDR"] = "203.0.113.7"
    return client


def _ask(client, email, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(SIGN_IN, {"email": email})


def _token_from(mail) -> str:
    return re.search(r"/en/payments/sign-in/([^/\s]+)/", mail.body).group(1)


def test_a_known_donor_gets_a_single_use_link_stored_only_as_a_hash(
    client, campaign, mailoutbox, django_capture_on_commit_callbacks
):
    gift(campaign, 10_000, email="li.na@example.cn")
    mailoutbox.clear()

    response = _ask(client, "Li.Na@example.cn", django_capture_on_commit_callbacks)

    assert response.status_code == 302
    assert response["Location"] == "/en/payments/sign-in/sent/"
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["li.na@example.cn"]
    assert mailoutbox[0].subject == "Your sign-in link to Clearfund"
    token = _token_from(mailoutbox[0])
    link = DonorSignInLink.objects.get()
    assert link.token_hash == token_digest(token)
    assert token not in link.token_hash


def test_an_unknown_address_gets_the_same_answer_and_no_mail(
    client, campaign, mailoutbox, django_capture_on_commit_callbacks
):
    gift(campaign, 10_000, email="li.na@example.cn")
    mailoutbox.clear()

    response = _ask(client, "nobody@example.cn", django_capture_on_commit_callbacks)

    assert response.status_code == 302
    assert response["Location"] == "/en/payments/sign-in/sent/"
    assert mailoutbox == []
    assert not DonorSignInLink.objects.exists()


def test_asking_too_often_is_refused_with_429_and_sends_nothing(
    client, campaign, mailoutbox, settings, django_capture_on_commit_callbacks
):
    settings.PAYMENTS_SIGN_IN_RATE_EMAIL = "2/3600"
    gift(campaign, 10_000, email="li.na@example.cn")
    mailoutbox.clear()
    for _ in range(2):
        _ask(client, "li.na@example.cn", django_capture_on_commit_callbacks)

    response = _ask(client, "li.na@example.cn", django_capture_on_commit_callbacks)

    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert len(mailoutbox) == 2
    assert DonorSignInLink.objects.count() == 2


def test_a_malformed_address_is_a_400_not_a_500(client):
    response = client.post(SIGN_IN, {"email": "not an address"})

    assert response.status_code == 400
    assert not DonorSignInLink.objects.exists()


def _signed_in_link(client, campaign, mailoutbox, capture) -> str:
    gift(campaign, 10_000, email="li.na@example.cn")
    mailoutbox.clear()
    _ask(client, "li.na@example.cn", capture)
    return _token_from(mailoutbox[0])


def test_the_link_signs_in_once_and_the_account_shows_every_gift_of_the_donor_only(
    client, campaign, mailoutbox, django_capture_on_commit_callbacks
):
    from tests.factories import CampaignFactory

    other_campaign = CampaignFactory(status="live", min_donation_minor=1000)
    mine = gift(other_campaign, 20_000, email="li.na@example.cn")
    theirs = gift(campaign, 30_000, email="someone.else@example.cn")
    token = _signed_in_link(client, campaign, mailoutbox, django_capture_on_commit_callbacks)

    # opening the link changes nothing; the button signs in
    assert client.get(f"{SIGN_IN}{token}/").status_code == 200
    assert DonorSignInLink.objects.get().used_at is None
    response = client.post(f"{SIGN_IN}{token}/")
    assert response.status_code == 302
    assert response["Location"] == "/en/payments/account/"

    page = client.get("/en/payments/account/")
    assert page.status_code == 200
    assert page["Referrer-Policy"] == "same-origin"
    body = page.content.decode()
    assert body.count('data-testid="gift"') == 2  # both of hers, across two campaigns
    assert str(mine.public_id) in body
    assert str(theirs.public_id) not in body
    assert "someone.else@example.cn" not in body

    # her receipt downloads; the other donor's does not, even by its id
    receipt = client.get(f"/en/payments/account/gifts/{mine.public_id}/receipt/")
    assert receipt.status_code == 200
    assert mine.receipt_number in receipt.content.decode()
    assert client.get(f"/en/payments/account/gifts/{theirs.public_id}/receipt/").status_code == 404


def test_a_used_link_is_refused(client, campaign, mailoutbox, django_capture_on_commit_callbacks):
    token = _signed_in_link(client, campaign, mailoutbox, django_capture_on_commit_callbacks)
    client.post(f"{SIGN_IN}{token}/")
    client.post("/en/payments/account/sign-out/")

    response = client.post(f"{SIGN_IN}{token}/")

    assert response.status_code == 410
    assert client.get("/en/payments/account/")["Location"] == SIGN_IN


def test_an_expired_link_is_refused(client, campaign, mailoutbox, django_capture_on_commit_callbacks):
    token = _signed_in_link(client, campaign, mailoutbox, django_capture_on_commit_callbacks)
    DonorSignInLink.objects.update(expires_at=timezone.now() - timedelta(seconds=1))

    response = client.post(f"{SIGN_IN}{token}/")

    assert response.status_code == 410
    assert DonorSignInLink.objects.get().used_at is None
    assert client.get("/en/payments/account/")["Location"] == SIGN_IN


def test_a_forged_link_is_refused(client):
    response = client.post(f"{SIGN_IN}forged-token/")

    assert response.status_code == 410


def test_revoking_the_donors_links_ends_their_session(
    client, campaign, mailoutbox, django_capture_on_commit_callbacks
):
    from payments.models import DonorProfile

    token = _signed_in_link(client, campaign, mailoutbox, django_capture_on_commit_callbacks)
    client.post(f"{SIGN_IN}{token}/")
    assert client.get("/en/payments/account/").status_code == 200

    DonorProfile.objects.update(link_version=2)

    assert client.get("/en/payments/account/")["Location"] == SIGN_IN
