"""Reads for the public pages: listings, filters and figures (money from ``payments.selectors``)."""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass
from uuid import uuid4

from django.core.paginator import Paginator
from django.core.signals import request_finished, request_started
from django.db.models import Q, QuerySet
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _
from wagtail.models import Page

from campaigns.models import CampaignKind, CampaignStatus
from campaigns.money import Money
from campaigns.public_cache import SITE_GENERATION_KEY, site_generation
from campaigns.reader_language import in_reader_language
from payments.figures.selectors import campaign_totals

PUBLIC_STATUSES = (CampaignStatus.LIVE, CampaignStatus.FUNDED, CampaignStatus.FAILED, CampaignStatus.CLOSED)
STATUS_FILTERS = [
    (CampaignStatus.LIVE.value, _("Raising funds")),
    (CampaignStatus.FUNDED.value, CampaignStatus.FUNDED.label),
    (CampaignStatus.FAILED.value, CampaignStatus.FAILED.label),
    (CampaignStatus.CLOSED.value, CampaignStatus.CLOSED.label),
]


def public_unless_unrestricted(pages: QuerySet) -> QuerySet:
    """``pages.public()``, without its restriction query while no page anywhere is private."""
    from cms.routing import any_view_restriction

    return pages.public() if any_view_restriction() else pages


def public_campaign_pages() -> QuerySet:
    """Live pages, in the active language, whose campaign has been approved."""
    from cms.models import CampaignPage

    return (
        public_unless_unrestricted(CampaignPage.objects.live())
        .filter(locale__language_code=_active_locale_code(), campaign__status__in=PUBLIC_STATUSES)
        .select_related("campaign", "hero_image")
    )


def _active_locale_code() -> str:
    from wagtail.models import Locale

    return Locale.get_active().language_code


def featured_campaign_pages(*, home) -> list:
    chosen = [f.page.localized for f in home.featured_campaigns.select_related("page")]
    chosen = [p.specific for p in chosen if p.live]
    if not chosen:
        chosen = list(
            public_campaign_pages()
            .filter(campaign__status=CampaignStatus.LIVE)
            .order_by("-first_published_at")[:3]
        )
    return [{"page": p, "totals": campaign_totals(campaign=p.campaign)} for p in chosen if p.campaign_id]


@dataclass(frozen=True)
class PlatformFigures:
    raised: list[Money]  # one amount per currency; figures as defined in docs/glossary.md
    paid: list[Money]  # paid to partners (approved releases not yet paid are not counted)
    campaigns: int
    units_funded: int


def platform_figures() -> PlatformFigures:
    """Sums of ``campaign_totals`` over every approved campaign, per currency."""
    from campaigns.models import Campaign

    raised: dict[str, Money] = {}
    paid: dict[str, Money] = {}
    units = 0
    campaigns = Campaign.objects.filter(status__in=PUBLIC_STATUSES)
    for campaign in campaigns:
        totals = campaign_totals(campaign=campaign)
        cur = campaign.currency
        raised[cur] = raised.get(cur, Money.zero(cur)) + totals.raised
        paid[cur] = paid.get(cur, Money.zero(cur)) + totals.paid
        units += totals.units_funded(campaign.unit_cost)
    order = sorted(raised)
    return PlatformFigures(
        raised=[raised[c] for c in order],
        paid=[paid[c] for c in order],
        campaigns=len(campaigns),
        units_funded=units,
    )


@dataclass(frozen=True)
class _Region:
    region: str
    region_en: str


def campaign_listing(*, index: Page, params: QueryDict, per_page: int) -> dict:
    """Filtered, searched and paginated campaign pages below ``index``."""
    pages = public_campaign_pages().descendant_of(index)
    named = dict(pages.values_list("campaign__region", "campaign__region_en"))
    regions = sorted(r for r in named if r)
    # Each region offered under its name in the reader's language (ADR 0403); the value stays the
    # campaign's region, which the filter matches.
    region_labels = [(r, in_reader_language(_Region(r, named[r]), "region")) for r in regions]
    kind, region, status = params.get("kind", ""), params.get("region", ""), params.get("status", "")
    query = params.get("q", "").strip()[:100]
    if kind in CampaignKind.values:
        pages = pages.filter(campaign__kind=kind)
    if region:
        pages = pages.filter(campaign__region=region)
    if status in CampaignStatus.values:
        pages = pages.filter(campaign__status=status)
    if query:
        # Full-text search does not split Chinese words, so substring matches count too.
        found = [p.pk for p in pages.model.objects.live().search(query)]
        pages = pages.filter(
            Q(pk__in=found)
            | Q(title__icontains=query)
            | Q(intro__icontains=query)
            | Q(region__icontains=query)
        )
    pages = pages.order_by("-first_published_at", "-pk")
    page_obj = Paginator(pages, per_page).get_page(params.get("page"))
    kept = params.copy()
    kept.pop("page", None)
    return {
        "campaign_pages": [{"page": p, "totals": campaign_totals(campaign=p.campaign)} for p in page_obj],
        "page_obj": page_obj,
        "filters": {"kind": kind, "region": region, "status": status, "q": query},
        "kind_choices": CampaignKind.choices,
        "region_choices": regions,
        "region_labels": region_labels,
        "status_choices": STATUS_FILTERS,
        "querystring": kept.urlencode(),
    }


def campaign_page_context(*, page, preview: bool = False) -> dict:
    """The campaign page's figures, read live, and the key parts of its cached fragments: the panels
    (keyed by the live totals and the campaign's panel version) and the page's own content, hero
    image, summary and story (``story_key``: the page, its live revision and the header generation,
    which starts anew on any page publish, move or delete, so a link to another page follows it; an
    image changed in the image library shows within ``CAMPAIGN_PANELS_CACHE_SECONDS``). A preview
    (``preview``) is never cached: it shows a revision that is not live (ADR 0228)."""
    from django.conf import settings
    from django.utils.functional import SimpleLazyObject

    from campaigns.public_cache import campaign_panels_version
    from campaigns.verification.selectors import campaign_outcome_counts

    seconds = settings.CAMPAIGN_PANELS_CACHE_SECONDS
    if preview or not page.live_revision_id or not seconds:
        story = {"story_seconds": 0, "story_key": uuid4().hex}
    else:
        story = {"story_seconds": seconds, "story_key": f"{page.live_revision_id}:{header_generation()}"}
    campaign = page.campaign
    if campaign is None:
        return {"campaign": None, "totals": None, "updates": [], "panels_seconds": 0, **story}
    from cms.models import CampaignUpdatePage

    def updates():
        return list(
            public_unless_unrestricted(CampaignUpdatePage.objects.live()).child_of(page).order_by("-date")
        )

    totals = campaign_totals(campaign=campaign)
    return {
        "campaign": campaign,
        "totals": totals,
        "units_funded": totals.units_funded(campaign.unit_cost),
        # Read only when the panels fragment is rendered (a cache miss):
        "partners": campaign.partners.all(),
        "outcome_counts": SimpleLazyObject(lambda: campaign_outcome_counts(campaign=campaign)),
        # Pages, so their list changes only with a new header generation (publish, unpublish, move,
        # a view restriction): read only when the updates fragment is rendered (a cache miss).
        "updates": SimpleLazyObject(updates) if story["story_seconds"] else updates(),
        "panels_seconds": seconds,
        "panels_version": campaign_panels_version(campaign_id=campaign.pk) if seconds else "",
        **story,
    }


# --- Site header and footer (base.html) -------------------------------------------------------
# Navigation, language-switcher targets and site settings are the same for every visitor of a
# host and language, so they are cached for HEADER_CACHE_SECONDS. Every entry carries the
# generation it was computed under; ``header_cache_bump`` (page publish/unpublish/save/move/delete,
# Site, Locale and SiteSettings saves: see ``cms.templatetags.cms_tags``) starts a new generation,
# so a change shows on the next request and the short timeout bounds any signal that was missed.
HEADER_GENERATION_KEY = SITE_GENERATION_KEY

# Reads of the shared cache that one request makes more than once (the header generation, whether
# any page is private) are kept for the rest of that request: each was a Redis round trip, four
# per campaign page render (issue 11). Set when a request starts and dropped when it finishes
# (``request_started`` / ``request_finished``, connected below); outside a request (tasks,
# commands) nothing is kept. A bump in the request empties it.
_request_reads: ContextVar[dict | None] = ContextVar("cms_request_reads", default=None)


def request_reads() -> dict | None:
    """This request's kept cache reads, or None outside a request."""
    return _request_reads.get()


def _request_started(**kwargs) -> None:
    _request_reads.set({})


def _request_finished(**kwargs) -> None:
    _request_reads.set(None)


request_started.connect(_request_started, dispatch_uid="cms.request_reads_started")
request_finished.connect(_request_finished, dispatch_uid="cms.request_reads_finished")


def _header_seconds() -> int:
    from django.conf import settings

    return getattr(settings, "CMS_HEADER_CACHE_SECONDS", 10)


def header_cache_bump() -> None:
    """Start a new generation now and again once the current transaction commits (readers in
    between could otherwise store data from before the commit under the new generation)."""
    from uuid import uuid4

    from django.core.cache import cache
    from django.db import transaction

    def bump() -> None:
        cache.set(HEADER_GENERATION_KEY, uuid4().hex, None)
        kept = request_reads()
        if kept:
            kept.clear()

    bump()
    transaction.on_commit(bump)


def header_generation() -> str:
    """The current header-cache generation (a fresh one if none is stored), kept for the request."""
    kept = request_reads()
    if kept is not None and HEADER_GENERATION_KEY in kept:
        return kept[HEADER_GENERATION_KEY]
    generation = site_generation()
    if kept is not None and generation is not None:
        kept[HEADER_GENERATION_KEY] = generation
    return generation


def cached_credentials():
    """The default site's registration and fundraising qualification (``campaigns.compliance``'s
    source, ADR 0413), cached under the header generation (a SiteSettings save starts a new one)
    and kept for the request: the donate panel shows them on every page without a query."""
    from django.core.cache import cache

    from campaigns.compliance import Credentials
    from cms.models.site_settings import credentials_of_default_site

    key = f"cms:credentials:{header_generation()}"
    kept = request_reads()
    if kept is not None and key in kept:
        return kept[key]
    found = cache.get(key)
    if found is None:
        value = credentials_of_default_site() or Credentials()
        found = (value.registration_number, value.fundraising_qualification, value.address, value.address_en,
                 value.name, value.name_en, value.fundraising_qualification_en)  # fmt: skip
        cache.set(key, found, _header_seconds())
    credentials = Credentials(*found)
    if kept is not None:
        kept[key] = credentials
    return credentials


def _home_for(site, locale) -> Page | None:
    if site is None or locale is None:
        return None
    root = site.root_page
    return root if root.locale_id == locale.pk else root.get_translation_or_none(locale)


def _site_header(request, language: str) -> dict:
    from django.conf import settings
    from wagtail.models import Locale, Site

    from cms.models import SiteSettings

    site = Site.find_for_request(request)
    if site is None:
        return {"settings": None, "nav": {"home": False, "home_url": None, "items": []}, "homes": {}}
    locales = {locale.language_code: locale for locale in Locale.objects.all()}
    homes = {code: _home_for(site, locales.get(code)) for code, _name in settings.LANGUAGES}
    if language not in homes:
        homes[language] = _home_for(site, locales.get(language))
    home = homes[language]
    items = list(home.get_children().live().in_menu().specific()) if home is not None else []
    return {
        "settings": SiteSettings.for_request(request),
        "nav": {
            "home": home is not None,
            "home_url": home.get_url(request) if home is not None else None,
            "items": [{"pk": item.pk, "title": item.title, "url": item.get_url(request)} for item in items],
        },
        # The language switcher's fallback: each language's home page URL, if that home is live.
        "homes": {code: h.get_url(request) for code, h in homes.items() if h is not None and h.live},
    }


def _page_translations(page, request) -> dict[str, str | None]:
    from django.conf import settings
    from wagtail.models import Locale

    locales = {locale.language_code: locale for locale in Locale.objects.all()}
    urls = {}
    for code, _name in settings.LANGUAGES:
        locale = locales.get(code)
        if locale is not None and locale.pk == page.locale_id:
            translation = page
        else:
            translation = page.get_translation_or_none(locale) if locale else None
        urls[code] = translation.get_url(request) if translation is not None and translation.live else None
    return urls


def site_header(*, request, page=None) -> dict:
    """Cached header/footer data for ``request``'s host and the active language.

    ``settings`` (SiteSettings or None), ``nav`` (``home``, ``home_url``, ``items`` of pk/title/url),
    ``homes`` (language code → live home URL) and, for a Page, ``translations`` (language code →
    URL of its live translation or None). Costs one cache round trip when warm.
    """
    from django.conf import settings
    from django.core.cache import cache
    from django.utils.translation import get_language

    language = (get_language() or settings.LANGUAGE_CODE).lower()
    host = request.get_host()
    site_key = f"cms:header:site:{host}:{language}"
    page_key = f"cms:header:page:{host}:{page.pk}" if isinstance(page, Page) else None
    keys = [HEADER_GENERATION_KEY, site_key] + ([page_key] if page_key else [])
    found = cache.get_many(keys)
    # None on first use or after an eviction: a fresh generation, so no old entry matches
    generation = found.get(HEADER_GENERATION_KEY) or header_generation()
    seconds = _header_seconds()
    to_store = {}
    entry = found.get(site_key)
    if not entry or entry[0] != generation:
        entry = (generation, _site_header(request, language))
        to_store[site_key] = entry
    data = dict(entry[1])
    if page_key:
        translations = found.get(page_key)
        if not translations or translations[0] != generation:
            translations = (generation, _page_translations(page, request))
            to_store[page_key] = translations
        data["translations"] = translations[1]
    if to_store and seconds:
        cache.set_many(to_store, seconds)
    return data


def page_review_authors(*, page: Page) -> set[int]:
    """Who has a hand in what a review of ``page`` would publish (ADR 0103): the person who sent
    it for review, and everyone who saved a revision since the page was last published (all of its
    revisions if it never was). Ids of users; revisions saved by no one (imports) add none."""
    revisions = page.revisions.exclude(user=None)
    if page.live_revision_id is not None:
        revisions = revisions.filter(pk__gt=page.live_revision_id)
    authors = set(revisions.values_list("user_id", flat=True))
    state = page.current_workflow_state
    if state is not None and state.requested_by_id is not None:
        authors.add(state.requested_by_id)
    return authors


def review_approval_of(*, revision):
    """The approved ``TaskState`` of the campaign review of ``revision``, or ``None`` when no review
    approved exactly this revision (the approver is its ``finished_by``)."""
    from wagtail.models import TaskState

    from cms.models.workflow import CampaignReviewTask

    return (
        TaskState.objects.filter(
            revision=revision,
            status=TaskState.STATUS_APPROVED,
            task__in=CampaignReviewTask.objects.all(),
        )
        .select_related("finished_by", "workflow_state__requested_by")
        .order_by("-finished_at", "-pk")
        .first()
    )


def campaign_id_of_update(*, page: Page) -> int | None:
    """The Campaign record of a campaign update's parent page (None if it has none yet)."""
    parent = page.get_parent()
    return getattr(parent.specific, "campaign_id", None) if parent is not None else None


def campaign_update_texts(*, page: Page) -> dict[str, dict[str, str]]:
    """A published campaign update in each language it is live in: title, summary and absolute
    address, keyed by language code (what the donors' mail quotes)."""
    texts = {}
    for translation in page.get_translations(inclusive=True).live().specific().select_related("locale"):
        texts[translation.locale.language_code] = {
            "title": translation.title,
            "summary": getattr(translation, "summary", ""),
            "url": translation.get_full_url() or "",
        }
    return texts
