"""Reads for sharing: the shared page, its absolute URL and the cache keys of what is drawn from it."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.http import Http404

from campaigns.reader_language import in_reader_language
from campaigns.templatetags.link_preview import absolute_url
from payments.figures.selectors import CampaignTotals

# Previews and posters are redrawn when the progress moves into another bucket of this many
# percent (or their cache entry expires): a chat app's preview needs the rough picture, not the cent.
PROGRESS_BUCKET_PERCENT = 5


def progress_bucket(totals: CampaignTotals) -> int:
    """The coarse progress step of ``totals`` (0 for 0–4 %, 1 for 5–9 % …; capped at 200 %)."""
    return min(max(totals.percent, 0), 200) // PROGRESS_BUCKET_PERCENT


def shared_campaign_page(*, page_id: int):
    """The live, public campaign page ``page_id`` whose campaign is public, with its campaign and
    locale. Raises ``Http404`` otherwise (drafts, private pages and unapproved campaigns are
    never drawn)."""
    from cms.models import CampaignPage
    from cms.selectors import PUBLIC_STATUSES, public_unless_unrestricted

    page = (
        public_unless_unrestricted(CampaignPage.objects.live())
        .filter(pk=page_id, campaign__status__in=PUBLIC_STATUSES)
        .select_related("campaign", "locale")
        .first()
    )
    if page is None:
        raise Http404("no such campaign page")
    return page


def campaign_title_in(page, *, language: str):
    """The campaign's title for a card served in ``language`` (the URL's): the title of the page's
    live, public translation in that language where there is one (one query), else the campaign
    record's title in that language (its English twin, or the Chinese original marked "not yet
    translated": ``campaigns.reader_language``)."""
    from cms.models import CampaignPage
    from cms.selectors import public_unless_unrestricted

    if page.locale.language_code == language:
        return page.title
    twin = (
        public_unless_unrestricted(CampaignPage.objects.live())
        .filter(translation_key=page.translation_key, locale__language_code=language)
        .values_list("title", flat=True)
        .first()
    )
    return twin or in_reader_language(page.campaign, "title", language=language)


def page_absolute_url(page) -> str:
    """The page's public address on ``SITE_URL`` (its language prefix included)."""
    return absolute_url(urlsplit(page.get_url() or "/").path)


def page_version(page) -> str:
    """Changes whenever the page is published again (a new title or summary redraws)."""
    return str(page.live_revision_id or page.last_published_at or "")
