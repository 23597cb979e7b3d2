"""The CSP sources Stripe.js needs, from the Stripe settings (payments.gateway.page_sources)."""

import pytest

from payments.gateway.page_sources import stripe_page_sources


def test_real_stripe_needs_its_script_frame_and_api_origins():
    # when
    sources = stripe_page_sources(js_url="https://js.stripe.com/v3/", api_base="")

    # then
    assert sources == {
        "script-src": ["https://js.stripe.com", "https://*.js.stripe.com"],
        "frame-src": ["https://js.stripe.com", "https://*.js.stripe.com", "https://hooks.stripe.com"],
        "connect-src": ["https://api.stripe.com"],
    }


def test_localstripe_serves_script_and_api_from_one_origin():
    # when
    sources = stripe_page_sources(
        js_url="http://127.0.0.1:8421/js.stripe.com/v3/", api_base="http://127.0.0.1:8421"
    )

    # then the port stays, the path goes
    assert sources == {
        "script-src": ["http://127.0.0.1:8421"],
        "frame-src": ["http://127.0.0.1:8421"],
        "connect-src": ["http://127.0.0.1:8421"],
    }


def test_an_api_base_with_a_path_allows_only_its_origin():
    sources = stripe_page_sources(
        js_url="https://js.stripe.com/v3/", api_base="https://Stripe.Example.com/proxy/"
    )

    assert sources["connect-src"] == ["https://stripe.example.com"]


@pytest.mark.parametrize(
    ("js_url", "api_base"),
    [("/static/stripe.js", ""), ("", ""), ("https://js.stripe.com/v3/", "api.stripe.com")],
)
def test_a_relative_url_is_refused(js_url, api_base):
    with pytest.raises(ValueError, match="is not an absolute URL"):
        stripe_page_sources(js_url=js_url, api_base=api_base)
