"""The donor's signed page, the wall of support, anonymity."""

import pytest

from payments.donations.donor_links import donor_page_url, donor_token
from payments.models import DonorProfile
from tests.payments.factories import give

pytestmark = pytest.mark.django_db


def test_signed_link_shows_only_that_donors_gifts(client, fake_gateway, campaign):
    mine = give(campaign, "88", email="me@example.cn")
    give(campaign, "99", email="other@example.cn")

    html = client.get(donor_page_url(mine.donor, absolute=False)).content.decode()

    assert "¥88" in html
    assert "¥99" not in html


def test_forged_tampered_and_revoked_links_are_404(client, fake_gateway, campaign):
    gift = give(campaign, "88", email="me@example.cn")
    token = donor_token(gift.donor)
    assert client.get(f"/payments/donor/{token[:-2]}xx/").status_code == 404
    assert client.get("/payments/donor/not-a-token/").status_code == 404
    DonorProfile.objects.filter(pk=gift.donor.pk).update(link_version=2)
    assert client.get(f"/payments/donor/{token}/").status_code == 404


def test_anonymous_donor_is_never_named_on_the_wall(client, fake_gateway, campaign):
    give(campaign, "3000", email="chen.jing@example.cn", display_name="陈静", anonymous=True,
         public_message="早日康复")  # fmt: skip
    give(campaign, "100", email="wu.ming@example.cn", display_name="吴明")

    html = client.get(f"/payments/donate/{campaign.slug}/").content.decode()  # the default, Chinese page

    assert "陈静" not in html and "chen.jing" not in html
    assert "早日康复" in html and "匿名爱心人士" in html  # "Anonymous"
    assert "吴明" in html
    assert "¥3,000<" not in html.split("wall-of-support")[1]  # no amounts on the wall
