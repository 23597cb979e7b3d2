"""Version stamps for the cached public panels of a campaign page.

The campaign page caches the panels that change only when the campaign's record changes
(verified beneficiaries, where each release went, releases in their notice period, the latest
impact report, partners) as one template fragment. Its cache key holds the live ledger totals and
this campaign's panel version; receivers in each area (``campaigns.receivers``,
``payments.releases.receivers``, ``reports.receivers``) call ``bump_campaign_panels`` when such a
record is saved or deleted, so the next view renders fresh panels. A missed signal is bounded by
the fragment's timeout (``CAMPAIGN_PANELS_CACHE_SECONDS``).
"""

from __future__ import annotations

from uuid import uuid4

from django.core.cache import cache
from django.db import transaction


def _key(campaign_id: int) -> str:
    return f"campaigns:panels-version:{campaign_id}"


def campaign_panels_version(*, campaign_id: int) -> str:
    """The current version stamp of a campaign's public panels (a fresh one if none is stored)."""
    key = _key(campaign_id)
    version = cache.get(key)
    if version is None:
        fresh = uuid4().hex
        version = fresh if cache.add(key, fresh, None) else cache.get(key, fresh)
    return version


def bump_campaign_panels(*, campaign_id: int | None) -> None:
    """Start a new version now and again after commit (a reader in between could otherwise store
    panels read before the commit under the new version)."""
    if campaign_id is None:
        return

    def bump() -> None:
        cache.set(_key(campaign_id), uuid4().hex, None)

    bump()
    transaction.on_commit(bump)
