"""A donor's own gifts with a token from the sign-in link; nobody else's, ever."""

from datetime import timedelta

import pytest
from django.utils import timezone

from payments.donor_accounts.models import DonorSignInLink
from payments.donor_accounts.services import sign_in_link_send
from tests.builders import gift

pytestmark = pytest.mark.django_db


def link_token(donor) -> str:
    link = DonorSignInLink.objects.create(donor=donor, language="en",
                                          expires_at=timezone.now() + timedelta(minutes=30))  # fmt: skip
    sent = []
    sign_in_link_send(link_id=link.pk, send=lambda _link, token: sent.append(token))
    return sent[0]


def test_a_donor_sees_their_own_gifts_and_traces_only(api, campaign, fake_gateway):
    mine = gift(campaign, 50_000, email="me@example.com")
    gift(campaign, 70_000, email="someone.else@example.com")

    token = api.post("/api/v1/donor/token/", {"link_token": link_token(mine.donor)}, format="json")
    assert token.status_code == 201 and token["Cache-Control"] == "private, no-store"
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {token.json()['token']}")
    listed = api.get("/api/v1/donor/gifts/")

    assert listed.status_code == 200 and listed["Cache-Control"] == "private, no-store"
    gifts = listed.json()["results"]
    assert [g["gift"] for g in gifts] == [str(mine.public_id)]
    assert gifts[0]["amount"] == "500.00" and gifts[0]["breakdown"]["held"] == "500.00"
    assert gifts[0]["breakdown"]["paid"] == "0.00" and gifts[0]["disbursements"] == []
    assert "email" not in listed.content.decode()


def test_a_link_works_once_and_tokens_can_be_revoked(api, campaign, fake_gateway):
    mine = gift(campaign, 50_000, email="me@example.com")
    token_of_link = link_token(mine.donor)
    token = api.post("/api/v1/donor/token/", {"link_token": token_of_link}, format="json").json()["token"]

    used = api.post("/api/v1/donor/token/", {"link_token": token_of_link}, format="json")
    assert used.status_code == 401 and used.json()["error"]["code"] == "authentication_failed"
    assert api.get("/api/v1/donor/gifts/").status_code == 401
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {token}x")
    assert api.get("/api/v1/donor/gifts/").status_code == 401

    # revoking the donor's links (a new link_version) ends the token too
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    assert api.get("/api/v1/donor/gifts/").status_code == 200
    mine.donor.link_version += 1
    mine.donor.save()
    refused = api.get("/api/v1/donor/gifts/")
    assert refused.status_code == 401 and refused["WWW-Authenticate"] == "Bearer"
