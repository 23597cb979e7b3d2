import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
REQUIRED = {
    "DJANGO_SECRET_KEY": "a-long-random-production-secret-key-for-the-deploy-check-0123456789",
    "DJANGO_ALLOWED_HOSTS": "clearfund.example",
    "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/postgres",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
    "STRIPE_SECRET_KEY": "sk_live_example",
    "STRIPE_PUBLISHABLE_KEY": "pk_live_example",
    "STRIPE_WEBHOOK_SECRET": "whsec_example",
    "CLEARFUND_IDENTITY_HASH_KEY": "identity-key",
    # base64 of 32 bytes, as Fernet.generate_key() makes them; the second is an older key kept for rotation
    "CLEARFUND_FIELD_ENCRYPTION_KEYS": "cHJvZHVjdGlvbi10ZXN0LWZpZWxkLWtleS1uZXdlc3Q=,"
    "cHJvZHVjdGlvbi10ZXN0LWZpZWxkLWtleS1vbGRlcjA=",
}


def _check(extra: dict[str, str]) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in REQUIRED}
    env.update({"DJANGO_SETTINGS_MODULE": "config.settings.production", **extra})
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_passes_the_deploy_check_with_its_variables():
    result = _check(REQUIRED)

    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_its_secrets():
    missing_stripe = {k: v for k, v in REQUIRED.items() if k != "STRIPE_WEBHOOK_SECRET"}

    result = _check(missing_stripe)

    assert result.returncode != 0
    assert "STRIPE_WEBHOOK_SECRET" in result.stderr
    assert "DJANGO_SECRET_KEY" not in result.stderr.split("variables:")[-1]


def test_production_refuses_to_start_without_the_field_encryption_keys():
    # given production's variables without the keys that encrypt restricted registry data
    without_keys = {k: v for k, v in REQUIRED.items() if k != "CLEARFUND_FIELD_ENCRYPTION_KEYS"}

    # when Django starts
    result = _check(without_keys)

    # then it refuses, naming the variable and only that one
    assert result.returncode != 0
    assert result.stderr.split("variables:")[-1].strip() == "CLEARFUND_FIELD_ENCRYPTION_KEYS"


def test_production_refuses_a_malformed_field_encryption_key_without_repeating_it():
    # given a second key that is not a Fernet key (a typo while rotating)
    keys = "cHJvZHVjdGlvbi10ZXN0LWZpZWxkLWtleS1uZXdlc3Q=,not-a-fernet-key-but-a-secret"

    # when Django starts
    result = _check({**REQUIRED, "CLEARFUND_FIELD_ENCRYPTION_KEYS": keys})

    # then it refuses, saying which key is wrong and never printing it
    assert result.returncode != 0
    assert "key 2 of CLEARFUND_FIELD_ENCRYPTION_KEYS is not a Fernet key" in result.stderr
    assert "not-a-fernet-key-but-a-secret" not in result.stderr + result.stdout


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("PAYMENTS_GATEWAY", "payments.gateway.card_fake.FakeGateway"),
        ("CLEARFUND_CONNECT_GATEWAY", "payments.gateway.connect_fake.FakeConnectGateway"),
    ],
)
def test_production_refuses_to_start_with_a_fake_gateway(name, value):
    # given production's variables and a fake gateway named in the environment
    # when Django starts (the deploy check)
    result = _check({**REQUIRED, name: value})

    # then it refuses, naming the setting
    assert result.returncode != 0
    assert "refuses fake payment gateways" in result.stderr
    assert f"{name}={value}" in result.stderr


@pytest.mark.parametrize(
    "base",
    ["http://127.0.0.1:8420", "https://localhost:8420", "https://[::1]:8420", "http://api.stripe.com",
     "https://0.0.0.0", "https://stripe.localhost"],
)  # fmt: skip
def test_production_refuses_a_stripe_api_base_on_this_machine_or_without_https(base):
    result = _check({**REQUIRED, "STRIPE_API_BASE": base})

    assert result.returncode != 0
    assert f"STRIPE_API_BASE {base!r}" in result.stderr


def test_deploy_check_fails_on_a_fake_gateway_under_another_name():
    # given a fake gateway subclassed under a name that does not say "fake"
    # when the deploy check runs
    result = _check({**REQUIRED, "PAYMENTS_GATEWAY": "tests.unit.disguised_gateway.PlainGateway"})

    # then the system check names it with its error id
    assert result.returncode != 0
    assert "payments.E001" in result.stderr
    assert "tests.unit.disguised_gateway.PlainGateway" in result.stderr


def test_deploy_check_errors_in_process(settings):
    from payments.gateway.checks import check_gateways

    settings.PAYMENTS_GATEWAY = "payments.gateway.card.StripeGateway"
    settings.CLEARFUND_CONNECT_GATEWAY = "payments.gateway.connect.StripeConnectGateway"
    settings.STRIPE_API_BASE = ""
    assert check_gateways() == []

    settings.PAYMENTS_GATEWAY = "payments.gateway.card_fake.FakeGateway"
    settings.CLEARFUND_CONNECT_GATEWAY = "payments.gateway.nowhere.Gateway"
    settings.STRIPE_API_BASE = "http://127.0.0.1:8420"
    assert [e.id for e in check_gateways()] == ["payments.E001", "payments.E001", "payments.E002"]


def test_demo_and_tests_name_their_connect_gateway_explicitly(settings):
    from payments.gateway.connect import StripeConnectGateway, _instance, get_connect_gateway
    from payments.gateway.connect_fake import FakeConnectGateway

    # the test settings name the fake; setting STRIPE_API_BASE no longer swaps it in silently
    assert isinstance(get_connect_gateway(), FakeConnectGateway)
    settings.CLEARFUND_CONNECT_GATEWAY = "payments.gateway.connect.StripeConnectGateway"
    settings.STRIPE_API_BASE = "http://127.0.0.1:8420"
    _instance.cache_clear()
    try:
        assert isinstance(get_connect_gateway(), StripeConnectGateway)
    finally:
        _instance.cache_clear()


def test_production_sends_outbound_webhooks_over_https_only_whatever_the_environment_says():
    env = {k: v for k, v in os.environ.items() if k not in REQUIRED}
    env.update({"DJANGO_SETTINGS_MODULE": "config.settings.production", **REQUIRED,
                "CLEARFUND_WEBHOOKS_ALLOW_HTTP": "true", "DJANGO_DEBUG": "true"})  # fmt: skip
    code = "from django.conf import settings; print(settings.INTEGRATIONS_WEBHOOKS_ALLOW_HTTP)"

    result = subprocess.run([sys.executable, "-c", f"import django; django.setup(); {code}"], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=120)  # fmt: skip

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"
