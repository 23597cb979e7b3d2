"""Whole anonymous responses of a campaign's public pages, kept until what they show changes.

A campaign page or giving page holds nothing personal (no CSRF token, no user), and between two
gifts nothing on it changes but the date. So its anonymous response is kept whole under its
path and language together with a *validator*: a digest of everything the page is built from
that can change, read before the render:

- the site's content generation (any page publish, unpublish, move or delete; a Site, Locale or
  SiteSettings save: navigation, the fundraising notice, the page's own revision);
- the campaign's panel version (its record, beneficiaries, milestones, evidence, partners,
  releases, reports and matching pools: ``campaigns.public_cache.bump_campaign_panels``);
- the campaign's money figures (``CampaignTotals.signature``: every gift, refund, dispute, match,
  release and payout changes it, and with it the donor count and the wall of support);
- the site-time date (days left, the deadline, overdue evidence).

A request reads the kept response and the validator's parts (one cache round trip for the two
versions, and the figures: live from the ledger's kept balances when ``TOTALS_CACHE_SECONDS`` is
0, otherwise from their short cache) and serves the kept body only when the validator it was
stored under is the one computed now; otherwise the page is rendered and kept again. The figures
on a served page are therefore exactly the ones a render would show now. What no validator part
follows (an image replaced in the image library, a matching pool's window opening or closing by
the clock) shows within ``PUBLIC_PAGE_KEEP_SECONDS``, the entry's timeout. Issue 11; ADR 0241.

A kept render is also kept with the headers the whole middleware stack gave it and served before
that stack by ``payments.public_pages.early`` (ADR 0242).
"""

from __future__ import annotations

import hashlib
from contextvars import ContextVar
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse

from campaigns.models import Campaign
from campaigns.public_cache import SITE_GENERATION_KEY, campaign_page_versions
from campaigns.site_time import site_today
from payments.figures.selectors import CampaignTotals, campaign_totals


@dataclass(frozen=True)
class KeptPage:
    """A kept response: its validator, body and content type, and the campaign it shows (so that
    a request can validate it without routing or reading the campaign's row)."""

    validator: str
    body: bytes
    content_type: str
    campaign: Campaign


# Set by ``payments.public_pages.early`` while a request it had no early copy to serve passes
# through the stack: the view then renders and keeps instead of serving its own kept copy, because
# only a render through the whole stack can make the early copy (it records the stack's headers).
# Without this a view's copy shared by another host (the giving page's key has none), or one that
# outlived the early copy, would be served until it expired and no early copy made (ADR 0242).
render_for_early_copy: ContextVar[bool] = ContextVar("render_for_early_copy", default=False)


def keep_seconds() -> int:
    """How long a kept page may be served while its validator holds (0: pages are not kept)."""
    return int(getattr(settings, "PUBLIC_PAGE_KEEP_SECONDS", 0))


def page_validator(
    *, campaign: Campaign, versions: tuple[str, str] | None = None, totals: CampaignTotals | None = None
) -> str:
    """The digest of what a public page of ``campaign`` shows that can change (module docstring).
    Costs one cache round trip and one ``campaign_totals`` read, less what the caller has already
    read: ``versions`` (site generation, panel version) and ``totals`` (``validator_parts``)."""
    generation, version = versions or campaign_page_versions(campaign_id=campaign.pk)
    signature = (totals or campaign_totals(campaign=campaign)).signature
    parts = (generation, version, signature, site_today().isoformat())
    return hashlib.blake2b(repr(parts).encode(), digest_size=16).hexdigest()


def validator_keys(campaign_id: int) -> list[str]:
    """The cache keys of the validator's parts, for a caller to read with its own entry in one
    round trip (``validator_parts``): the site generation and the campaign's panel version
    (``campaigns.public_cache``) and, when ``TOTALS_CACHE_SECONDS`` > 0, the figures' short cache
    (``payments.figures.selectors.campaign_totals``). Their owners' keys, written out here: a key
    that drifted from its owner's only costs the round trips back (``validator_parts`` finds
    nothing), and a test pins them (``tests/payments/test_kept_pages_early.py``)."""
    keys = [SITE_GENERATION_KEY, f"campaigns:panels-version:{campaign_id}"]
    if settings.TOTALS_CACHE_SECONDS > 0:
        keys.append(f"campaign-totals:v2:{campaign_id}")
    return keys


def validator_parts(found: dict, *, campaign_id: int) -> tuple[tuple[str, str] | None, CampaignTotals | None]:
    """From a ``get_many`` of ``validator_keys(campaign_id)``: ``(versions, totals)``, each None
    where it was not found (``page_validator`` then reads it itself)."""
    keys = validator_keys(campaign_id)
    generation, version = found.get(keys[0]), found.get(keys[1])
    totals = found.get(keys[2]) if len(keys) > 2 else None
    if not isinstance(totals, CampaignTotals) or totals.campaign_id != campaign_id:
        totals = None
    return ((generation, version) if generation and version else None), totals


def kept_page(key: str) -> HttpResponse | None:
    """The response kept under ``key`` if what it shows is still what a render would show now,
    else None (nothing kept, expired, any validator part changed, or the request is to make the
    early copy: ``render_for_early_copy``)."""
    if keep_seconds() <= 0 or render_for_early_copy.get():
        return None
    entry = cache.get(key)
    if not isinstance(entry, KeptPage) or entry.validator != page_validator(campaign=entry.campaign):
        return None
    return HttpResponse(entry.body, content_type=entry.content_type)


def keep_page(key: str, *, campaign: Campaign, validator: str, response: HttpResponse) -> None:
    """Keep ``response`` (rendered after ``validator`` was read) under ``key``. Only a complete 200
    that sets no cookie is kept. Reading the validator before the render errs on the safe side: a
    change during the render leaves the kept page under an old validator, so the next request
    renders again."""
    seconds = keep_seconds()
    if seconds <= 0 or response.status_code != 200 or response.cookies or response.streaming:
        return
    entry = KeptPage(
        validator=validator, body=response.content, content_type=response["Content-Type"], campaign=campaign
    )
    cache.set(key, entry, seconds)
    # The response now goes out through the rest of the middleware stack; on its way out,
    # ``payments.public_pages.early`` keeps it again with the headers the stack gave it (ADR 0242).
    response.kept_page = KeptMark(key=key, campaign=campaign, validator=validator)


@dataclass(frozen=True)
class KeptMark:
    """What ``keep_page`` leaves on a response it kept: the key of the view's entry, the campaign and
    the validator read before the render."""

    key: str
    campaign: Campaign
    validator: str
