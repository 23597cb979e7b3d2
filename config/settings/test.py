"""Test suite: PostgreSQL and Redis named by the environment, else throwaway embedded ones.

Throwaway servers (``config.embedded.throwaway_environment``) live in a temporary folder of the test
process, listen on Unix sockets only and are stopped when it exits. Their URLs go into the process
environment, so every subprocess a test starts with it (Celery workers, ``manage.py``) reaches the
same servers and starts none of its own.
"""

import os

from config import embedded

os.environ.update(embedded.throwaway_environment())

from config.settings.base import *  # noqa: F403
from config.settings.base import CACHES, env

DEBUG = False
SECRET_KEY = "test-only-not-secret-" + "x" * 40
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STRIPE_SECRET_KEY = "sk_test_clearfund_tests"
STRIPE_PUBLISHABLE_KEY = "pk_test_clearfund_tests"
STRIPE_WEBHOOK_SECRET = "whsec_clearfund_tests"
STRIPE_API_BASE = env.str("STRIPE_API_BASE", default="http://127.0.0.1:8421")
STRIPE_JS_URL = STRIPE_API_BASE + "/js.stripe.com/v3/"
# localstripe has no Connect: transfers go through the in-memory fake with Stripe's rules.
CLEARFUND_CONNECT_GATEWAY = "payments.gateway.connect_fake.FakeConnectGateway"
IDENTITY_HASH_KEY = "test-identity-hash-key"
FIELD_ENCRYPTION_KEYS = ["dGVzdC1vbmx5LW5vdC1zZWNyZXQtZmllbGQta2V5LTA="]  # "test-only-not-secret-field-key-0"
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CELERY_TASK_ALWAYS_EAGER = True
# The tests' webhook receiver is a local http.server: allowed here explicitly (ADR 0420).
INTEGRATIONS_WEBHOOKS_ALLOW_HTTP = True
INTEGRATIONS_WEBHOOKS_ALLOW_PRIVATE = True
CACHES["default"]["KEY_PREFIX"] = "clearfund-test-" + str(os.getpid())
TOTALS_CACHE_SECONDS = 0
# Kept whole pages (ADR 0241) outlive a test's rolled-back rows in the shared cache: a later test's
# page at the same path could be served from an earlier test's campaign. Tests that exercise them
# switch them on and clear the cache (tests/payments/test_kept_pages.py); the browser and demo tests
# run the demo's settings, where they are on.
PUBLIC_PAGE_KEEP_SECONDS = 0
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
