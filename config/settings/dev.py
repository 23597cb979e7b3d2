"""Local development and the demo: embedded PostgreSQL and Redis unless URLs are given."""

import os

from config import embedded

os.environ.update(embedded.environment())

from config.settings.base import *  # noqa: F403
from config.settings.base import BASE_DIR, env

DEBUG = env.bool("DJANGO_DEBUG", default=True)
# The demo runs on one machine, often offline: outbound webhooks may go to a local receiver
# (http://127.0.0.1:…) to try them (ADR 0420). Never in production (production.py forces https).
INTEGRATIONS_WEBHOOKS_ALLOW_HTTP = env.bool("CLEARFUND_WEBHOOKS_ALLOW_HTTP", default=True)
INTEGRATIONS_WEBHOOKS_ALLOW_PRIVATE = env.bool("CLEARFUND_WEBHOOKS_ALLOW_PRIVATE", default=True)
SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="dev-only-not-secret-" + "x" * 40)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
STRIPE_SECRET_KEY = env.str("STRIPE_SECRET_KEY", default="sk_test_clearfund_demo")
STRIPE_PUBLISHABLE_KEY = env.str("STRIPE_PUBLISHABLE_KEY", default="pk_test_clearfund_demo")
STRIPE_WEBHOOK_SECRET = env.str("STRIPE_WEBHOOK_SECRET", default="whsec_clearfund_demo")
STRIPE_API_BASE = env.str("STRIPE_API_BASE", default="http://127.0.0.1:8420")
STRIPE_JS_URL = env.str("STRIPE_JS_URL", default="http://127.0.0.1:8420/js.stripe.com/v3/")
IDENTITY_HASH_KEY = env.str("CLEARFUND_IDENTITY_HASH_KEY", default="dev-identity-hash-key")
# base64 of "dev-only-not-secret-field-key-00": a fixed, public key for the demo's synthetic data.
FIELD_ENCRYPTION_KEYS = env.list(
    "CLEARFUND_FIELD_ENCRYPTION_KEYS", default=["ZGV2LW9ubHktbm90LXNlY3JldC1maWVsZC1rZXktMDA="]
)
EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.filebased.EmailBackend")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# The demo runs with DEBUG off (real 404/500 pages, ADR 0404): static files then come from the
# apps' folders through WhiteNoise, and uploaded media from MEDIA_ROOT (config/urls.py).
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG
CLEARFUND_SERVE_MEDIA = True
_ = BASE_DIR
