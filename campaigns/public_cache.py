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


# The site's content generation: a new one on any page publish, unpublish, move or delete, a
# Site, Locale or SiteSettings save (``cms.selectors.header_cache_bump``). Kept here, beside the
# panel versions, so that a page outside the CMS (the giving page) can validate against it too.
SITE_GENERATION_KEY = "cms:header:generation"


def site_generation() -> str:
    """The current site content generation (a fresh one if none is stored)."""
    generation = cache.get(SITE_GENERATION_KEY)
    if generation is None:
        fresh = uuid4().hex
        generation = (
            fresh if cache.add(SITE_GENERATION_KEY, fresh, None) else cache.get(SITE_GENERATION_KEY, fresh)
        )
    return generation


def campaign_page_versions(*, campaign_id: int) -> tuple[str, str]:
    """``(site_generation(), campaign_panels_version(campaign_id))`` in one cache round trip."""
    key = _key(campaign_id)
    found = cache.get_many([SITE_GENERATION_KEY, key])
    generation = found.get(SITE_GENERATION_KEY) or site_generation()
    version = found.get(key) or campaign_panels_version(campaign_id=campaign_id)
    return generation, version
