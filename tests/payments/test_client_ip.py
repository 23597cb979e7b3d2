"""Rate limits count the real client, behind a proxy or not, and never a header the client wrote
(issue 10, "Rate limits behind a proxy"; ADR 0010)."""

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation

from payments.donations.client_ip import client_ip
from payments.models import Donation

pytestmark = pytest.mark.django_db
PROXY = "10.0.0.1"


def start(client, campaign, *, remote=PROXY, forwarded=None, email=None):
    with translation.override("en"):
        url = reverse("payments:donation_start", kwargs={"slug": campaign.slug})
    data = {"amount": "100", "frequency": "one_off", "email": email or f"{uuid.uuid4().hex[:8]}@example.cn",
            "attempt": str(uuid.uuid4()), "website": ""}  # fmt: skip
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return client.post(url, data, **extra)


def request(remote="192.0.2.10", forwarded=None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().post("/", **extra)


# --- the function ----------------------------------------------------------------------------
def test_without_a_proxy_the_header_is_ignored(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_ip(request("192.0.2.10", forwarded="198.51.100.7")) == "192.0.2.10"


def test_behind_one_proxy_the_last_hop_is_the_client(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    # the client wrote "1.2.3.4" itself; the proxy appended the address it saw
    assert client_ip(request(PROXY, forwarded="1.2.3.4, 203.0.113.7")) == "203.0.113.7"


def test_behind_two_proxies_the_second_hop_from_the_right_is_the_client(settings):
    settings.TRUSTED_PROXY_COUNT = 2
    assert client_ip(request(PROXY, forwarded="1.2.3.4,203.0.113.7, 10.0.0.2")) == "203.0.113.7"


@pytest.mark.parametrize("forwarded", [None, "", " , ", "not-an-ip", "203.0.113.7, 2001:db8::1:zz"])
def test_behind_a_proxy_a_missing_or_broken_header_counts_the_remote_address(settings, forwarded):
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_ip(request(PROXY, forwarded=forwarded)) == PROXY


def test_fewer_hops_than_proxies_counts_the_remote_address(settings):
    settings.TRUSTED_PROXY_COUNT = 2
    assert client_ip(request(PROXY, forwarded="203.0.113.7")) == PROXY


def test_addresses_are_normalised_so_one_client_is_one_bucket(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_ip(request(PROXY, forwarded=" 2001:DB8:0:0::1 ")) == "2001:db8::1"


# --- the limits over HTTP --------------------------------------------------------------------
def test_behind_a_proxy_each_donor_has_their_own_bucket(client, fake_gateway, campaign, settings):
    # given one proxy, and a limit of 2 attempts per client
    settings.TRUSTED_PROXY_COUNT = 1
    settings.PAYMENTS_RATE_LIMIT_IP = "2/600"

    # when 10 donors give through the proxy, twice each
    codes = [
        start(client, campaign, forwarded=f"203.0.113.{i}").status_code for i in range(10) for _ in range(2)
    ]

    # then none is refused (counting REMOTE_ADDR would have stopped everyone after the second)
    assert codes == [200] * 20
    assert sorted(set(Donation.objects.values_list("client_ip", flat=True))) == sorted(
        f"203.0.113.{i}" for i in range(10)
    )


def test_behind_a_proxy_a_spoofed_header_does_not_escape_the_limit(client, fake_gateway, campaign, settings):
    # given one proxy, and a limit of 2 attempts per client
    settings.TRUSTED_PROXY_COUNT = 1
    settings.PAYMENTS_RATE_LIMIT_IP = "2/600"

    # when one client writes a new X-Forwarded-For each time (the proxy appends its real address)
    codes = [start(client, campaign, forwarded=f"198.51.100.{i}, 203.0.113.7").status_code for i in range(4)]

    # then it is counted as itself
    assert codes == [200, 200, 429, 429]
    assert Donation.objects.count() == 2
    assert fake_gateway.calls.count("setup_intent_create") == 2


def test_without_a_proxy_a_spoofed_header_does_not_escape_the_limit(client, fake_gateway, campaign, settings):
    # given no proxy, and a limit of 2 attempts per client
    settings.TRUSTED_PROXY_COUNT = 0
    settings.PAYMENTS_RATE_LIMIT_IP = "2/600"

    # when one client sends a different X-Forwarded-For each time
    codes = [start(client, campaign, remote="192.0.2.10", forwarded=f"198.51.100.{i}").status_code
             for i in range(4)]  # fmt: skip

    # then it is counted by its own address, and nothing it wrote is recorded
    assert codes == [200, 200, 429, 429]
    assert list(Donation.objects.values_list("client_ip", flat=True)) == ["192.0.2.10"] * 2
    assert fake_gateway.calls.count("setup_intent_create") == 2


def test_without_a_proxy_a_client_cannot_take_another_donors_bucket(client, fake_gateway, campaign, settings):
    # given no proxy; a donor at 192.0.2.20
    settings.TRUSTED_PROXY_COUNT = 0
    settings.PAYMENTS_RATE_LIMIT_IP = "2/600"

    # when an attacker names the donor's address in the header until it is refused
    for _ in range(3):
        start(client, campaign, remote="192.0.2.10", forwarded="192.0.2.20")

    # then the donor still gives
    assert start(client, campaign, remote="192.0.2.20").status_code == 200


def test_production_expects_one_proxy():
    root = Path(__file__).resolve().parents[2]
    from tests.unit.test_production_settings import REQUIRED  # every variable production needs

    secrets = {k: v for k, v in REQUIRED.items() if k not in ("DATABASE_URL", "REDIS_URL")}  # keep the test's
    env = {**os.environ, **secrets, "DJANGO_SETTINGS_MODULE": "config.settings.production"}
    env.pop("CLEARFUND_TRUSTED_PROXY_COUNT", None)
    code = "from django.conf import settings; print(settings.TRUSTED_PROXY_COUNT)"
    result = subprocess.run([sys.executable, "manage.py", "shell", "-c", code], cwd=root, env=env,
                            capture_output=True, text=True, timeout=120)  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "1"
