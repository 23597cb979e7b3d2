"""PostgreSQL unavailable: 503 with Retry-After and a page that needs no database, never 500.

The first test points the web process at a PostgreSQL server of its own and stops it mid-test;
the second cuts the test's own connection on the run's server, as a restart cuts live sessions.
Neither stops the run's or the machine's server.
"""

import shutil
import tempfile
from pathlib import Path

import environ
import psycopg
import pytest
from django.db import close_old_connections, connection
from django.urls import reverse
from django.utils import translation

from config import embedded
from payments.donations.models import Donation
from payments.webhooks.models import WebhookEvent
from tests.payments.conftest import event, post_signed

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

ZH_MESSAGE = "网站暂时无法访问，请一分钟后再试。"
EN_MESSAGE = "The site is briefly unavailable. Please try again in a minute."


@pytest.fixture
def own_postgres():
    """A PostgreSQL server of this test alone; yields its folder and URL, stopped and removed after."""
    folder = Path(tempfile.mkdtemp(prefix="cf-faults-pg-"))
    url = embedded.ensure_postgres(database="faults", var_dir=folder)
    yield folder, url
    embedded.stop_postgres(var_dir=folder)
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def restore_connection():
    """Puts the test database connection back on the run's server (also after a failure)."""
    saved = dict(connection.settings_dict)

    def restore() -> None:
        connection.close()
        connection.settings_dict.clear()
        connection.settings_dict.update(saved)

    yield restore
    restore()


def start_gift(client, campaign, *, accept: str = "application/json"):
    with translation.override("zh-hans"):
        url = reverse("payments:donation_start", kwargs={"slug": campaign.slug})
    return client.post(
        url,
        {"amount": "100", "frequency": "one_off", "email": "faults@example.cn", "attempt": "a" * 32},
        HTTP_ACCEPT=accept,
    )


def test_with_postgresql_stopped_pages_gifts_and_webhooks_get_503_with_retry_after(
    client, campaign_page, own_postgres, restore_connection
):
    # given the campaign page served, and the site then moved to a PostgreSQL server that answers
    url = campaign_page.url
    assert client.get(url).status_code == 200
    folder, own_url = own_postgres
    connection.close()
    connection.settings_dict.update(environ.Env.db_url_config(own_url))
    connection.ensure_connection()
    connection.close()

    # when that server stops and a donor, a reader and the provider come
    assert embedded.stop_postgres(var_dir=folder)
    page = client.get(url)
    english = client.get("/en" + url)
    gift = start_gift(client, campaign_page.campaign)
    webhook = post_signed(client, event("evt_faults_pg_down", "customer.created", {"id": "cus_pg"}))

    # then each gets 503 with Retry-After; the page (in the reader's language) and the JSON say so
    assert [r.status_code for r in (page, english, gift, webhook)] == [503, 503, 503, 503]
    assert {r["Retry-After"] for r in (page, english, gift, webhook)} == {"30"}
    assert ZH_MESSAGE in page.content.decode()
    assert '<html lang="zh-hans">' in page.content.decode()
    assert EN_MESSAGE in english.content.decode()
    assert gift.json() == {"status": "error", "message": ZH_MESSAGE}

    # and once the site is back on its server, nothing was stored and the page is served again
    restore_connection()
    assert not WebhookEvent.objects.exists() and not Donation.objects.exists()
    assert client.get(url).status_code == 200


def test_a_connection_cut_by_a_restart_gets_503_then_the_next_request_reconnects(client, campaign_page):
    # given the page served over the test's connection
    url = campaign_page.url
    assert client.get(url).status_code == 200

    # when PostgreSQL ends that session, as a restart does to every open one
    with psycopg.connect(**connection.get_connection_params()) as other:
        other.execute("SELECT pg_terminate_backend(%s)", [connection.connection.info.backend_pid])
    cut = client.get(url)

    # then the request gets 503 with Retry-After, not 500
    assert cut.status_code == 503
    assert cut["Retry-After"] == "30"
    assert ZH_MESSAGE in cut.content.decode()

    # when the next request starts (Django drops an unusable connection then; the test client
    # skips that step, so it is done here) the page is served again
    close_old_connections()
    assert client.get(url).status_code == 200
