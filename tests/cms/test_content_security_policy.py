"""Every page kind answers with the Content-Security-Policy of ADR 0102: the strict public policy
with Stripe's origins on the public site, the admin policy under /admin/."""

import re

import pytest
from django.contrib.auth.models import User

from payments.donations.donor_links import donor_page_url
from payments.donations.intake import SESSION_KEY
from tests.cms_factories import CampaignPageFactory
from tests.payments.conftest import _fresh_cache  # noqa: F401
from tests.payments.factories import give

pytestmark = pytest.mark.django_db

LOCALSTRIPE = "http://127.0.0.1:8421"

PUBLIC_POLICY = {
    "default-src": ["'self'"],
    "script-src": ["'self'", LOCALSTRIPE],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'", LOCALSTRIPE],
    "frame-src": [LOCALSTRIPE],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "frame-ancestors": ["'self'"],
    "form-action": ["'self'"],
}
ADMIN_POLICY = {
    **PUBLIC_POLICY,
    "script-src": ["'self'", "'unsafe-inline'"],
    "style-src": ["'self'", "'unsafe-inline'"],
    "img-src": ["'self'", "data:", "blob:"],
    "connect-src": ["'self'"],
    "frame-src": ["'self'"],
}

PUBLIC_PAGES = [
    "home",
    "campaign index",
    "campaign page",
    "English campaign page",
    "donate page",
    "thank-you page",
    "donor page",
    "gift trace",
    "transparency",
    "needs board",
    "disbursement feed",
    "not found",
]
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/(ld\+)?json)[^>]*>", re.IGNORECASE)


def policy_of(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {name: sources for name, *sources in (part.split() for part in header.split(";"))}


@pytest.fixture(autouse=True)
def _stripe_at_localstripe(settings):
    settings.STRIPE_API_BASE = LOCALSTRIPE
    settings.STRIPE_JS_URL = LOCALSTRIPE + "/js.stripe.com/v3/"


@pytest.fixture
def public_urls(client, index, english, fake_gateway):
    """One URL of each public page kind, and a browser session that made the gift."""
    page = CampaignPageFactory(parent=index)
    english_page = page.copy_for_translation(english, copy_parents=True)
    english_page.save_revision().publish()
    gift = give(page.campaign, "300", email="wang.fang@example.cn")
    session = client.session
    session[SESSION_KEY] = [str(gift.public_id)]
    session.save()
    slug = page.campaign.slug
    return {
        "home": "/",
        "campaign index": index.url,
        "campaign page": page.url,
        "English campaign page": english_page.url,
        "donate page": f"/payments/donate/{slug}/",
        "thank-you page": f"/payments/gifts/{gift.public_id}/thanks/",
        "donor page": donor_page_url(gift.donor, absolute=False),
        "gift trace": f"/payments/trace/{gift.public_id}/",
        "transparency": "/payments/transparency/",
        "needs board": "/payments/needs/",
        "disbursement feed": f"/payments/campaigns/{slug}/disbursements/",
        "not found": "/no-such-page/",
    }


@pytest.mark.parametrize("kind", PUBLIC_PAGES)
def test_public_page_has_the_strict_policy_and_no_inline_script_or_style(client, public_urls, kind):
    # when
    response = client.get(public_urls[kind])

    # then
    assert response.status_code == (404 if kind == "not found" else 200)
    assert policy_of(response) == PUBLIC_POLICY
    html = response.content.decode()
    assert INLINE_SCRIPT.search(html) is None
    assert "<style" not in html and " style=" not in html


@pytest.mark.parametrize("path", ["/admin/login/", "/django-admin/login/"])
def test_admin_sign_in_pages_have_the_admin_policy(client, db, path):
    # when
    response = client.get(path)

    # then
    assert response.status_code == 200
    assert policy_of(response) == ADMIN_POLICY


@pytest.mark.parametrize("path", ["/admin/", "/admin/pages/", "/admin/reports/"])
def test_admin_pages_have_the_admin_policy(client, editor, path):
    # given an editor signed in
    client.force_login(editor)

    # when
    response = client.get(path)

    # then
    assert response.status_code == 200
    assert policy_of(response) == ADMIN_POLICY


def test_policy_follows_the_stripe_settings_of_the_moment(client, home, settings):
    # given the real Stripe: Stripe.js from js.stripe.com, the API at api.stripe.com
    settings.STRIPE_JS_URL = "https://js.stripe.com/v3/"
    settings.STRIPE_API_BASE = ""

    # when
    policy = policy_of(client.get("/"))

    # then its sub-domains and 3-D Secure frames are allowed too, and nothing else changes
    assert policy == {
        **PUBLIC_POLICY,
        "script-src": ["'self'", "https://js.stripe.com", "https://*.js.stripe.com"],
        "connect-src": ["'self'", "https://api.stripe.com"],
        "frame-src": ["https://js.stripe.com", "https://*.js.stripe.com", "https://hooks.stripe.com"],
    }


def test_wagtail_preview_of_a_campaign_page_has_the_public_policy(client, index):
    # given an editor viewing the draft of a campaign page, whose donate panel loads Stripe.js
    page = CampaignPageFactory(parent=index)
    page.save_revision()
    client.force_login(User.objects.create_superuser("root", "root@example.cn", "pw-root"))

    # when
    response = client.get(f"/admin/pages/{page.pk}/view_draft/")

    # then the preview carries the live page's policy (Wagtail renders it as a request for the
    # page's URL), so Stripe.js may load there as on the live page
    assert response.status_code == 200
    assert policy_of(response) == PUBLIC_POLICY
    assert LOCALSTRIPE + "/js.stripe.com/v3/" in response.content.decode()
