"""Settings for the donations benchmarks: the real stack, the in-memory provider stand-in.

DATABASE_URL / REDIS_URL come from the environment (use a database of its own, e.g.
``cf_donations_bench``). Celery runs eagerly so a webhook is processed inside its request (the
one-client mode of the webhook benchmark); ``CELERY_TASK_ALWAYS_EAGER=false`` in the environment
gives the production shape (gunicorn and a Celery worker, ``bench/webhook_throughput.py``).
``PAYMENTS_GATEWAY`` may name ``bench.gateway.BenchGateway``, whose intents any process can read.
"""

from config.settings.base import *  # noqa: F403
from config.settings.base import LOGGING, env

DEBUG = False
SECRET_KEY = "bench-only-not-secret-" + "x" * 40
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]
ROOT_URLCONF = "bench.urls"
PAYMENTS_GATEWAY = env.str("PAYMENTS_GATEWAY", default="payments.gateway.card_fake.FakeGateway")
PAYMENTS_FAKE_LATENCY_SECONDS = env.float("PAYMENTS_FAKE_LATENCY_SECONDS", default=0.0)
PAYMENTS_RATE_LIMIT_IP = "100000000/60"
PAYMENTS_RATE_LIMIT_EMAIL = "100000000/60"
STRIPE_SECRET_KEY = "sk_test_bench"
STRIPE_PUBLISHABLE_KEY = "pk_test_bench"
STRIPE_WEBHOOK_SECRET = "whsec_bench"
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=True)
EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
LOGGING = {**LOGGING, "root": {"handlers": ["console"], "level": "WARNING"}}
