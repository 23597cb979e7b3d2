"""What the browser tests share: one headless Chromium per module, a fresh tab per test, Stripe.js
from a private localstripe, and the demo site loaded once per run and restored for each test that
needs it.

Why shared: launching Chromium and loading the demo campaigns were done again by every test (the
demo alone takes tens of seconds on a busy machine). What stays per test: the browser context (its
cookies, storage and viewport) and the database, emptied after each test as before.
"""

from __future__ import annotations

import json
import os
from io import StringIO

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection, connections
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import sync_playwright

# The Stripe stand-in (a private localstripe), the real gateway pointed at it, and the caches and
# gateway cleared before each test: the fixtures of the payments tests.
from tests.browser.steps import PHONE
from tests.payments.conftest import _fresh_cache, localstripe_url, stripe_api  # noqa: F401

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


@pytest.fixture(scope="module")
def chromium():
    """One headless Chromium for the module's tests (each test gets its own context from it).

    Playwright's sync API keeps an event loop on this thread while it runs, which Django takes for
    an async context; the ORM calls in the tests are still synchronous, so they are allowed."""
    before = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    # While Playwright's loop runs, Django hands this thread other connection objects (its
    # connection handler is context-local under a running loop). They lack the rows the test
    # database was created with, which serialized rollback restores before each transactional
    # test (without them it restores nothing, and the flush after the test makes content types
    # anew): give them the same rows, and close them when the loop ends.
    serialized = {
        alias: getattr(connections[alias], "_test_serialized_contents", None) for alias in connections
    }
    try:
        with sync_playwright() as playwright:
            for alias, rows in serialized.items():
                if rows is not None:
                    connections[alias]._test_serialized_contents = rows
            browser = _launch(playwright)
            yield browser
            browser.close()
            connections.close_all()
    finally:
        if before is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = before


def _launch(playwright):
    """Chromium, given two minutes to start (Playwright's 30 s default is not always enough on a
    busy two-core CI machine, where a module's first test then errored in setup) and one more try."""
    try:
        return playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS, timeout=120_000
        )
    except PlaywrightError:
        return playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS, timeout=120_000
        )


@pytest.fixture
def new_page(chromium):
    """``new_page(viewport=PHONE, **context_options)``: a tab in a context of its own (a phone, by
    default). Every context the test opened in the browser is closed when it ends."""

    def make(viewport: dict | None = None, *, timeout_ms: int = 30_000, **options):
        options = {"is_mobile": True, "has_touch": True, **options}
        page = chromium.new_context(viewport=viewport or PHONE, **options).new_page()
        page.set_default_timeout(timeout_ms)
        return page

    yield make
    for context in chromium.contexts:
        context.close()


@pytest.fixture
def page(new_page):
    """A phone's tab (390 × 844, touch)."""
    return new_page()


@pytest.fixture
def stripe_js(stripe_api, settings):  # noqa: F811
    """Pages load Stripe.js from the private localstripe. Returns its URL."""
    settings.STRIPE_JS_URL = stripe_api + "/js.stripe.com/v3/"
    return stripe_api


@pytest.fixture(autouse=True)
def _locales(transactional_db):
    # Wagtail's locales, made by its migrations; an earlier transactional test's flush may have
    # removed them where serialized rollback does not put them back.
    from wagtail.models import Locale

    for code in ("zh-hans", "en"):
        Locale.objects.get_or_create(language_code=code)


_demo_snapshot: dict[str, str] = {}


@pytest.fixture
def demo_site(transactional_db, settings, tmp_path_factory):
    """The demo campaigns (``manage.py demo_campaigns``), in this test's database.

    The command runs once per test run; its rows are then kept as a snapshot (Django's own
    test serialisation, as ``serialized_rollback`` does for the migrations' rows) and loaded again
    for each later test, after the previous test's flush. The pictures stay in one media folder for
    the run. Request it before any fixture that writes rows (those would join the snapshot)."""
    settings.MEDIA_ROOT = tmp_path_factory.getbasetemp() / "demo-media"
    if "rows" in _demo_snapshot:
        _drop_locales_made_again(_demo_snapshot["rows"])
        connection.creation.deserialize_db_from_string(_demo_snapshot["rows"])
    else:
        call_command("demo_campaigns", stdout=StringIO())
        _demo_snapshot["rows"] = connection.creation.serialize_db_to_string()
    cache.clear()  # Wagtail's site root paths, page caches: as after a fresh load


def _drop_locales_made_again(rows: str) -> None:
    """The English locale is not among the rows serialized rollback restores: a test that found
    it missing made it again under another id. Drop such a twin before the snapshot brings back
    the one its pages point to (nothing refers to the twin yet)."""
    from wagtail.models import Locale

    kept = {
        row["fields"]["language_code"]: row["pk"]
        for row in json.loads(rows)
        if row["model"] == "wagtailcore.locale"
    }
    for code, pk in kept.items():
        Locale.objects.filter(language_code=code).exclude(pk=pk).delete()
