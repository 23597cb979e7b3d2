"""Production: refuses to start without its secrets or with a stand-in payment provider; passes
``manage.py check --deploy``."""

import sys

from django.core.exceptions import ImproperlyConfigured

from campaigns.encryption import key_problem
from config.settings.base import *  # noqa: F403
from config.settings.base import database_pool, env, web_pool_size
from payments.gateway.deployment import GATEWAY_SETTINGS, api_base_problem, named_as_fake

REQUIRED = [
    "DJANGO_SECRET_KEY",
    "DJANGO_ALLOWED_HOSTS",
    "DATABASE_URL",
    "REDIS_URL",
    "STRIPE_SECRET_KEY",
    "STRIPE_PUBLISHABLE_KEY",
    "STRIPE_WEBHOOK_SECRET",
    "CLEARFUND_IDENTITY_HASH_KEY",
    "CLEARFUND_FIELD_ENCRYPTION_KEYS",
]
_missing = [name for name in REQUIRED if not env.str(name, default="")]
if _missing:
    raise ImproperlyConfigured("Production settings need these environment variables: " + ", ".join(_missing))
# Restricted registry data is encrypted with these (ADR 0306); a malformed key would fail on the
# first registry read, so it is refused here. The message never repeats a key.
if key_problem(FIELD_ENCRYPTION_KEYS):
    raise ImproperlyConfigured("Production refuses " + key_problem(FIELD_ENCRYPTION_KEYS))

# Real money only: no fake gateway, no Stripe stand-in on this machine (also the deploy check
# payments.E001/E002, which catches a fake under another name). ADR 0208.
_fakes = [f"{name}={globals()[name]}" for name in GATEWAY_SETTINGS if named_as_fake(globals()[name])]
if _fakes:
    raise ImproperlyConfigured("Production refuses fake payment gateways: " + ", ".join(_fakes))
if api_base_problem(STRIPE_API_BASE):
    raise ImproperlyConfigured("Production refuses " + api_base_problem(STRIPE_API_BASE))

DEBUG = False
# A connection pool per web process (ADR 0228): web threads and the intake's provider waits share it.
# Not in Celery processes: a prefork worker forks its children after start, and a pool its parent had
# opened would be shared by all of them; each worker child keeps its own connection instead.
database_pool(DATABASES["default"], web_pool_size(sys.argv, env.int("DATABASE_POOL_MAX_SIZE", default=20)))
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Production sits behind a reverse proxy (hence the header above): rate limits count the address
# that proxy saw, not the proxy's own (ADR 0010). Set 2 behind a CDN and a load balancer.
TRUSTED_PROXY_COUNT = env.int("CLEARFUND_TRUSTED_PROXY_COUNT", default=1)
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
X_FRAME_OPTIONS = "DENY"
EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.smtp.EmailBackend")
# Outbound webhooks go over https only in production, whatever the environment says (ADR 0420).
INTEGRATIONS_WEBHOOKS_ALLOW_HTTP = False
