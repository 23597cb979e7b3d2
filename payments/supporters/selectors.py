"""Reads of supporters' pages and teams: public pages, their figures and leaderboards (ADR 0234).

Figures come from the kept ``SupporterPageTotal`` rows (one join, no sum over gifts); a leaderboard
is one query. ``page_raised_recomputed`` is the same figure summed over the page's gifts from their
money (refunds, allocations, disputes): what the check compares the kept figure with.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.cache import cache
from django.db.models import Q, QuerySet, Sum
from django.http import Http404

from campaigns.money import Money
from payments.donations.models import DonorProfile
from payments.supporters.models import SupporterGift, SupporterPage, SupporterPageStatus, Team

LEADERBOARD_SIZE = 10
SUPPORTER_CAMPAIGNS_KEY = "payments:supporters:campaigns"
SUPPORTER_CAMPAIGNS_SECONDS = 300


@dataclass(frozen=True)
class PageFigures:
    raised: Money
    goal: Money
    gifts: int

    @property
    def percent(self) -> int:
        if self.goal.amount <= 0:
            return 0
        return int(self.raised.amount * 100 / self.goal.amount)


def page_figures(page: SupporterPage) -> PageFigures:
    """The page's kept figures (``total`` is read with the page by the public selectors)."""
    total = page.total
    return PageFigures(raised=Money.from_minor(total.raised_minor, page.currency), goal=page.goal,
                       gifts=total.gifts)  # fmt: skip


def _with_total(pages: QuerySet[SupporterPage]) -> QuerySet[SupporterPage]:
    return pages.select_related("total", "campaign", "team", "photo")


def public_page(*, slug: str) -> SupporterPage:
    """The public (approved) page ``slug``, with its figure, campaign, team and photo. Raises
    ``Http404`` for any other status: waiting, rejected, hidden and closed pages are not shown."""
    page = _with_total(SupporterPage.objects.filter(slug=slug, status=SupporterPageStatus.APPROVED)).first()
    if page is None:
        raise Http404("no such supporter page")
    return page


def public_team(*, slug: str) -> Team:
    """The team ``slug`` unless hidden, with its campaign. Raises ``Http404``."""
    team = Team.objects.filter(slug=slug, hidden=False).select_related("campaign").first()
    if team is None:
        raise Http404("no such team")
    return team


def leaderboard(*, campaign_id: int | None = None, team: Team | None = None,
                limit: int = LEADERBOARD_SIZE) -> list[SupporterPage]:  # fmt: skip
    """The public pages of a team or a campaign ranked by raised (then oldest first): one query."""
    pages = SupporterPage.objects.filter(status=SupporterPageStatus.APPROVED)
    if team is not None:
        pages = pages.filter(team=team)
    if campaign_id is not None:
        pages = pages.filter(campaign_id=campaign_id)
    return list(_with_total(pages).order_by("-total__raised_minor", "created_at", "pk")[:limit])


def team_figures(team: Team) -> PageFigures:
    """What the team's pages raised (all of them, whatever their status: gifts given stay counted),
    of the sum of its public pages' goals, and their gifts: one query."""
    row = SupporterPage.objects.filter(team=team).aggregate(
        raised=Sum("total__raised_minor"),
        gifts=Sum("total__gifts"),
        goal=Sum("goal_minor", filter=Q(status=SupporterPageStatus.APPROVED)),
    )
    currency = team.campaign.currency
    return PageFigures(raised=Money.from_minor(int(row["raised"] or 0), currency),
                       goal=Money.from_minor(int(row["goal"] or 0), currency), gifts=int(row["gifts"] or 0))  # fmt: skip


def teams_of_campaign(campaign_id: int) -> list[Team]:
    """The campaign's teams a new page may join (not hidden), by name."""
    return list(Team.objects.filter(campaign_id=campaign_id, hidden=False).order_by("name", "pk"))


def owner_pages(owner: DonorProfile) -> list[SupporterPage]:
    """Every page of ``owner``, newest first, with figures and campaigns."""
    return list(_with_total(SupporterPage.objects.filter(owner=owner)))


def campaigns_with_supporter_pages() -> frozenset[int]:
    """Ids of campaigns with at least one supporter page, cached for five minutes and forgotten
    when a page is started (``receivers``): a gift to another campaign queues no follow-up."""
    found = cache.get(SUPPORTER_CAMPAIGNS_KEY)
    if found is None:
        found = frozenset(SupporterPage.objects.values_list("campaign_id", flat=True).distinct())
        cache.set(SUPPORTER_CAMPAIGNS_KEY, found, SUPPORTER_CAMPAIGNS_SECONDS)
    return found


def page_raised_recomputed(page: SupporterPage) -> Money:
    """The page's figure summed over its gifts' money (captured − refunded − disputed − lost, per
    gift): what the kept ``SupporterPageTotal`` must equal. Its cost grows with the page's gifts;
    for checks and tests, never for a page view."""
    from payments.supporters.services import gift_counts_minor

    gifts = SupporterGift.objects.filter(page=page).select_related("donation")
    return Money.from_minor(sum(gift_counts_minor(g.donation) for g in gifts), page.currency)


def page_differences() -> list[tuple[SupporterPage, int, int]]:
    """Every page whose kept figure differs from the recomputed one, by page id, with the kept and
    the recomputed ``raised`` in minor units: the balance check's part for pages
    (``payments.figures.balance_check``). Costs a sum over every page's gifts: for the check and
    tests only."""
    found = []
    for page in _with_total(SupporterPage.objects.order_by("pk")):
        kept, recomputed = page_figures(page).raised, page_raised_recomputed(page)
        if kept != recomputed:
            found.append((page, kept.to_minor(), recomputed.to_minor()))
    return found


def pages_drifted() -> list[SupporterPage]:
    """Pages whose kept figure differs from the recomputed one (``page_differences``)."""
    return [page for page, _kept, _recomputed in page_differences()]
