"""National ID numbers (GB 11643-1999): check digits and the keyed hash used for matching.

The ID number is restricted data. Code outside the registry importer and the admin's restricted
views handles only ``identity_hash(...)``, never the number itself.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import unicodedata
from datetime import date

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_DIGITS = frozenset("0123456789")
# Whitespace (any, after NFKC), hyphens and dashes, dots and middle dots, and invisible joiners.
_SEPARATORS = re.compile(r"[\s\-\u2010-\u2015\u2212.\u00b7\u30fb\u200b-\u200d\u2060\ufeff]+")
_CHECK = "10X98765432"


def normalise_id_number(value: str) -> str:
    """The canonical form of a typed or imported ID number: the only form that is hashed or stored.

    NFKC turns full-width digits and letters (a Chinese IME's "１１０…Ｘ") into ASCII; spaces,
    dashes and dots people type between digit groups are removed; the final check character x is
    upper-cased. Any spelling of one number gives one ``identity_hash`` (issue 9 §7, ADR 0305).
    Does not validate: ``gb11643_problem`` says whether the result is a well-formed number.
    """
    return _SEPARATORS.sub("", unicodedata.normalize("NFKC", value)).upper()


def gb11643_check_digit(first17: str) -> str:
    """The 18th character for the first 17 digits (ISO 7064 MOD 11-2)."""
    return _CHECK[sum(int(d) * w for d, w in zip(first17, _WEIGHTS, strict=True)) % 11]


def gb11643_problem(value: str) -> str | None:
    """Why ``value`` is not a well-formed 18-character ID number, or ``None`` if it is.

    The message never contains the number itself, so it is safe to show and log.
    """
    number = normalise_id_number(value)
    # ASCII digits only: str.isdigit() and int() also take Arabic-Indic and other scripts' digits,
    # which would hash as a second identity for the same person.
    if len(number) != 18 or not _DIGITS.issuperset(number[:17]) or number[17] not in _DIGITS | {"X"}:
        return "must be 17 digits followed by a digit or X"
    try:
        date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return "contains an impossible date of birth"
    if gb11643_check_digit(number[:17]) != number[17]:
        return "has a wrong check digit"
    return None


def birth_date_in(value: str) -> date:
    number = normalise_id_number(value)
    return date(int(number[6:10]), int(number[10:12]), int(number[12:14]))


def keyed_hash(text: str) -> str:
    """HMAC-SHA256 of ``text`` with ``settings.IDENTITY_HASH_KEY``, as 64 hex characters.

    Raises ``ImproperlyConfigured`` when the key is not set.
    """
    key = settings.IDENTITY_HASH_KEY
    if not key:
        raise ImproperlyConfigured("IDENTITY_HASH_KEY must be set to match registry records.")
    return hmac.new(key.encode(), text.encode(), hashlib.sha256).hexdigest()


def identity_hash(id_number: str) -> str:
    """HMAC-SHA256 of the normalised ID number with ``settings.IDENTITY_HASH_KEY`` (hex)."""
    return keyed_hash(normalise_id_number(id_number))


def household_hash(*, household_id: str, county: str, township: str, village: str) -> str:
    """The registry household's identity (ADR 0300) as a keyed hash (hex), not in clear.

    The township and village are restricted and stored encrypted (ADR 0306); a key made of
    them in clear would leak them in every dump. The ``household|`` prefix keeps these hashes
    apart from ID number hashes made with the same key.
    """
    return keyed_hash("|".join(("household", household_id, county, township, village)))
