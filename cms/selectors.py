"""Reads for the public pages: listings, filters and figures (money from ``payments.selectors``)."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _
from wagtail.models import Page

from campaigns.models import CampaignKind, CampaignStatus
from campaigns.money import Money
from payments.selectors import campaign_totals

PUBLIC_STATUSES = (CampaignStatus.LIVE, CampaignStatus.FUNDED, CampaignStatus.FAILED, CampaignStatus.CLOSED)
STATUS_FILTERS = [
    (CampaignStatus.LIVE.value, _("Raising funds")),
    (CampaignStatus.FUNDED.value, CampaignStatus.FUNDED.label),
    (CampaignStatus.FAILED.value, CampaignStatus.FAILED.label),
    (CampaignStatus.CLOSED.value, CampaignStatus.CLOSED.label),
]


def public_campaign_pages() -> QuerySet:
    """Live pages, in the active language, whose campaign has been approved."""
    from cms.models import CampaignPage

    return (
        CampaignPage.objects.live()
        .public()
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
    raised: list[Money]  # one amount per currency
    released: list[Money]
    campaigns: int
    units_funded: int


def platform_figures() -> PlatformFigures:
    """Sums of ``campaign_totals`` over every approved campaign, per currency."""
    from campaigns.models import Campaign

    raised: dict[str, Money] = {}
    released: dict[str, Money] = {}
    units = 0
    campaigns = Campaign.objects.filter(status__in=PUBLIC_STATUSES)
    for campaign in campaigns:
        totals = campaign_totals(campaign=campaign)
        cur = campaign.currency
        raised[cur] = raised.get(cur, Money.zero(cur)) + totals.raised
        released[cur] = released.get(cur, Money.zero(cur)) + totals.released
        units += totals.units_funded(campaign.unit_cost)
    order = sorted(raised)
    return PlatformFigures(
        raised=[raised[c] for c in order],
        released=[released[c] for c in order],
        campaigns=len(campaigns),
        units_funded=units,
    )


def campaign_listing(*, index: Page, params: QueryDict, per_page: int) -> dict:
    """Filtered, searched and paginated campaign pages below ``index``."""
    pages = public_campaign_pages().descendant_of(index)
    regions = sorted({r for r in pages.values_list("campaign__region", flat=True) if r})
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
        "status_choices": STATUS_FILTERS,
        "querystring": kept.urlencode(),
    }


def campaign_page_context(*, page) -> dict:
    campaign = page.campaign
    if campaign is None:
        return {"campaign": None, "totals": None, "updates": []}
    from cms.models import CampaignUpdatePage

    updates = CampaignUpdatePage.objects.live().public().child_of(page).order_by("-date")
    totals = campaign_totals(campaign=campaign)
    return {
        "campaign": campaign,
        "totals": totals,
        "units_funded": totals.units_funded(campaign.unit_cost),
        "partners": list(campaign.partners.all()),
        "updates": list(updates),
    }
