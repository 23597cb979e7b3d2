"""Whether supporters' pages are public at once (moderated after) or wait for an editor.

The switch is a site setting (``cms.SiteSettings.supporter_pages_public_at_once``); ``payments`` may
not import the CMS (DESIGN §6), so the CMS registers where it is read from ``CmsConfig.ready``, as
it does for the organisation's name (``campaigns.site_name``). Without a source, or when the
database cannot be read, pages wait for approval: the safe side.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db import DatabaseError

_source: Callable[[], bool | None] | None = None


def public_at_once_source(source: Callable[[], bool | None]) -> None:
    """Register where the setting is read: ``source()`` gives it, or None for no settings."""
    global _source
    _source = source


def pages_public_at_once() -> bool:
    """True when a new supporter page is public at once; False (wait for approval) by default."""
    if _source is None:
        return False
    try:
        return bool(_source())
    except DatabaseError:
        return False
