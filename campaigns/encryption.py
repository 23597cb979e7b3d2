"""Restricted data encrypted at rest: a model field that stores Fernet tokens, and key rotation.

Registry ID numbers, names, phones, townships and villages (ADR 0304) are stored as Fernet tokens
(AES-128-CBC + HMAC-SHA256, from ``cryptography``) under the keys in
``settings.FIELD_ENCRYPTION_KEYS`` (environment: ``CLEARFUND_FIELD_ENCRYPTION_KEYS``, comma-separated,
newest first). The newest key encrypts; every listed key decrypts (``MultiFernet``), so a key is
rotated by putting a new one first, running ``manage.py reencrypt_restricted``, then removing
the old one (ADR 0306).

Tokens are randomised, so the database cannot compare them: the field refuses every lookup but
``isnull``. Records are found by the keyed hash (``campaigns.identity``), never by value.
"""

from __future__ import annotations

from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.apps import apps
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models, transaction

KEYS_VARIABLE = "CLEARFUND_FIELD_ENCRYPTION_KEYS"


class RestrictedDataUnreadable(ImproperlyConfigured):
    """A stored token opens with none of the configured keys (a key removed too early, or wrong)."""


def key_problem(keys: list[str] | tuple[str, ...]) -> str | None:
    """Why ``keys`` cannot encrypt restricted data, or ``None``. Never repeats a key."""
    if not keys:
        return f"{KEYS_VARIABLE} must name at least one key"
    for position, key in enumerate(keys, start=1):
        try:
            Fernet(key)
        except (ValueError, TypeError):
            return (
                f"key {position} of {KEYS_VARIABLE} is not a Fernet key "
                "(32 url-safe base64-encoded bytes, e.g. from Fernet.generate_key())"
            )
    return None


@lru_cache(maxsize=4)
def _keyring(keys: tuple[str, ...]) -> MultiFernet:
    problem = key_problem(keys)
    if problem:
        raise ImproperlyConfigured(problem)
    return MultiFernet([Fernet(key) for key in keys])


def keyring() -> MultiFernet:
    """The ``MultiFernet`` of ``settings.FIELD_ENCRYPTION_KEYS`` (first key encrypts).

    Raises ``ImproperlyConfigured`` when no key is set or one is malformed.
    """
    return _keyring(tuple(settings.FIELD_ENCRYPTION_KEYS))


def encrypt(plaintext: str) -> str:
    """A Fernet token (ASCII) of ``plaintext`` under the newest key."""
    return keyring().encrypt(plaintext.encode()).decode("ascii")


def decrypt(token: str) -> str:
    """The text in ``token``. Raises ``RestrictedDataUnreadable`` if no configured key opens it."""
    try:
        return keyring().decrypt(token.encode("ascii")).decode()
    except (InvalidToken, UnicodeEncodeError, UnicodeDecodeError) as error:
        raise RestrictedDataUnreadable(
            f"A restricted value opens with none of the keys in {KEYS_VARIABLE}: was a key removed "
            "before `manage.py reencrypt_restricted` ran? (ADR 0306)"
        ) from error


def is_token(value: str) -> bool:
    """Whether ``value`` is a token one of the configured keys opens (used by the data migration)."""
    try:
        decrypt(value)
    except RestrictedDataUnreadable:
        return False
    return True


class EncryptedTextField(models.TextField):
    """Text encrypted at rest: Python sees the plain value, the database only a Fernet token.

    The empty string is stored as is (an empty phone stays ``""``): it carries no restricted
    data and keeps ``blank=True`` fields cheap. ``max_length`` limits the plain value in forms;
    the column is ``text`` because a token is about four times longer than what it holds.
    """

    description = "Text encrypted at rest (Fernet)"

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return encrypt(value)

    def from_db_value(self, value, expression, connection):
        if value is None or value == "":
            return value
        return decrypt(value)

    def get_lookup(self, lookup_name):
        # Tokens are randomised: equal values never compare equal in SQL. Match by keyed hash.
        return super().get_lookup(lookup_name) if lookup_name == "isnull" else None

    def get_transform(self, lookup_name):
        return None


def encrypted_fields() -> dict[type[models.Model], list[str]]:
    """Every model with encrypted fields, and the names of those fields."""
    found: dict[type[models.Model], list[str]] = {}
    for model in apps.get_models():
        names = [f.name for f in model._meta.concrete_fields if isinstance(f, EncryptedTextField)]
        if names:
            found[model] = names
    return found


def restricted_reencrypt(*, batch_size: int = 500) -> dict[str, int]:
    """Re-encrypt every encrypted value under the newest key; rows per model (``app.Model``).

    Run after putting a new key first in ``FIELD_ENCRYPTION_KEYS``; once it has finished, the
    old keys can be removed (ADR 0306). Each batch is one transaction, so the command can be
    stopped and run again. Raises ``RestrictedDataUnreadable`` if a value opens with no key.
    """
    counts: dict[str, int] = {}
    for model, names in encrypted_fields().items():
        done = 0
        pks = list(model._base_manager.order_by("pk").values_list("pk", flat=True))
        for start in range(0, len(pks), batch_size):
            with transaction.atomic():
                rows = list(
                    model._base_manager.filter(pk__in=pks[start : start + batch_size])
                    .select_for_update()
                    .only("pk", *names)
                )
                # Reading decrypted under any key; writing encrypts under the newest.
                model._base_manager.bulk_update(rows, names)
            done += len(rows)
        counts[model._meta.label] = done
    return counts
