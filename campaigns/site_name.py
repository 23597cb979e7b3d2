"""The organisation's name in the reader's language, from one place: the site settings.

Pages, mails and PDFs name the organisation running the site by the name its staff set in the
admin (``cms.SiteSettings``: a Chinese and an English name), never a name written into a template.
``campaigns``, ``payments`` and ``reports`` may not import the CMS (DESIGN §6), so the CMS registers
where the name is read (``site_name_source``, from ``CmsConfig.ready``); until it does, or when the
database cannot be read, the name is the settings' defaults (``SITE_NAME_FALLBACK``).
"""

from __future__ import annotations

from collections.abc import Callable
from email.headerregistry import Address
from email.utils import parseaddr

from django.conf import settings
from django.db import DatabaseError
from django.utils.translation import get_language

# The names a site without settings uses (the defaults of cms.SiteSettings' two fields).
SITE_NAME_FALLBACK = {"zh-hans": "清源公益", "en": "Clearfund"}

_source: Callable[[str], str | None] | None = None


def site_name_source(source: Callable[[str], str | None]) -> None:
    """Register where the name is read: ``source(language_code)`` gives the name, or None."""
    global _source
    _source = source


def _language_code(language: str | None) -> str:
    code = (language or get_language() or settings.LANGUAGE_CODE).lower()
    return "en" if code.startswith("en") else "zh-hans"


def site_name_fallback(language: str | None = None) -> str:
    """The default name for ``language`` (default: the active one), read from no database: for the
    pages shown when the database fails or cannot be reached."""
    return SITE_NAME_FALLBACK[_language_code(language)]


def site_name(language: str | None = None) -> str:
    """The organisation's name for ``language`` (default: the active one), e.g. "清源公益基金会" or
    "Clearfund Charitable Foundation". Never raises: a database error gives the fallback name."""
    code = _language_code(language)
    name = None
    if _source is not None:
        try:
            name = _source(code)
        except DatabaseError:
            name = None
    return name or SITE_NAME_FALLBACK[code]


def from_address(language: str | None = None) -> str:
    """The From header of a mail in ``language`` (default: the active one): the site's name in
    that language before the address of ``DEFAULT_FROM_EMAIL`` (whose own display name, e.g.
    "Clearfund", is replaced), e.g. ``清源公益基金会 <noreply@clearfund.example>``. A Chinese mail
    is not sent from "Clearfund" (issue 13). Never raises (``site_name`` falls back)."""
    _display, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    return str(Address(display_name=site_name(language), addr_spec=address))
