"""What the public and the matcher see of matching pools, read from the kept ledger balances of
the pools' accounts (ADR 0211, 0227): a pool's figures cost a read of a few rows whatever the
number of gifts it matched."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, F, OuterRef, Sum
from django.utils import timezone

from campaigns.models import Campaign
from campaigns.money import Money
from payments.figures.selectors import release_paid
from payments.ledger.models import LedgerBalance
from payments.matching.models import MatchAllocation, Matcher, MatchPool, PoolMatch, PoolStatus

PAID_IN = "pledge."
MATCHES = "match."
RETURNED = "pool_return."  # the leftover of a closed pool returned to its matcher (ADR 0238)


@dataclass(frozen=True)
class PoolFigures:
    """A pool in money: ``pledged`` (its cap), ``paid_in`` (confirmed pay-ins), ``unpaid`` (pledged,
    not paid in yet), ``matched`` (net of what refunds gave back), ``returned`` (returned to the
    matcher once the pool closed, ADR 0238) and ``left`` (paid in, not matched, not returned: what
    it can still match, or still return)."""

    pool: MatchPool
    pledged: Money
    paid_in: Money
    matched: Money
    left: Money
    returned: Money

    @property
    def unpaid(self) -> Money:
        return max(Money.zero(self.pledged.currency), self.pledged - self.paid_in)

    @property
    def ends_at(self) -> datetime:
        return self.pool.ends_at

    @property
    def open_now(self) -> bool:
        now = timezone.now()
        return self.pool.status == PoolStatus.OPEN and self.pool.starts_at <= now < self.pool.ends_at


def pools_figures(pools: Iterable[MatchPool]) -> list[PoolFigures]:
    """Figures of ``pools`` in one query over their accounts' kept balance rows."""
    pools = list(pools)
    codes = {p.account_code: p for p in pools}
    sums: dict[tuple[str, str], int] = defaultdict(int)
    rows = (
        LedgerBalance.objects.filter(account__code__in=list(codes))
        .values_list("account__code", "family")
        .annotate(t=Sum("amount_minor"))
        .order_by()
    )
    for code, family, total in rows:
        sums[(code, family)] += int(total or 0)
    out = []
    for p in pools:
        m = lambda minor, cur=p.currency: Money.from_minor(minor, cur)  # noqa: E731
        paid_in = sums[(p.account_code, PAID_IN)]
        matched = -sums[(p.account_code, MATCHES)]
        returned = -sums[(p.account_code, RETURNED)]
        out.append(PoolFigures(pool=p, pledged=p.cap, paid_in=m(paid_in), matched=m(matched),
                               returned=m(returned), left=m(paid_in - matched - returned)))  # fmt: skip
    return out


# Campaigns any pool names, kept in the cache so a gift's event can skip matching without a query
# (``receivers``); forgotten whenever a pool's campaigns change, and at most this old otherwise.
MATCHING_CAMPAIGNS_KEY = "matching:campaigns:v1"
MATCHING_CAMPAIGNS_SECONDS = 300


def campaigns_with_matching() -> frozenset[int]:
    """Ids of the campaigns some pool (open or not) names: one small query per
    ``MATCHING_CAMPAIGNS_SECONDS`` at most, none while cached."""
    ids = cache.get(MATCHING_CAMPAIGNS_KEY)
    if ids is None:
        ids = frozenset(MatchPool.campaigns.through.objects.values_list("campaign_id", flat=True).distinct())
        cache.set(MATCHING_CAMPAIGNS_KEY, ids, MATCHING_CAMPAIGNS_SECONDS)
    return ids


def campaign_match_offers(*, campaign: Campaign) -> list[PoolFigures]:
    """``campaign_match_offers_uncached`` at most ``TOTALS_CACHE_SECONDS`` old, like the campaign's
    totals beside it (ADR 0101): the page's query budget does not grow with matching."""
    seconds = settings.TOTALS_CACHE_SECONDS
    if seconds <= 0:
        return campaign_match_offers_uncached(campaign=campaign)
    key = f"campaign-match-offers:v1:{campaign.pk}"
    offers = cache.get(key)
    if offers is None:
        offers = campaign_match_offers_uncached(campaign=campaign)
        cache.set(key, offers, seconds)
    return offers


def campaign_match_offers_uncached(*, campaign: Campaign) -> list[PoolFigures]:
    """Pools matching gifts to ``campaign`` right now (open, in their window, in its currency),
    with what each can still match: the campaign page's "¥X left to match until …". One query,
    two when there are pools."""
    now = timezone.now()
    pools = (
        MatchPool.objects.filter(campaigns=campaign, currency=campaign.currency, status=PoolStatus.OPEN,
                                 starts_at__lte=now, ends_at__gt=now)
        .select_related("matcher")
        .order_by("ends_at", "pk")
    )  # fmt: skip
    return pools_figures(pools)


@dataclass(frozen=True)
class GiftMatch:
    matcher: Matcher
    amount: Money


def gifts_matches(donation_ids: Iterable[int]) -> dict[int, list[GiftMatch]]:
    """Each gift's matches now (net of what was given back), by gift id: one query."""
    out: dict[int, list[GiftMatch]] = defaultdict(list)
    rows = (
        PoolMatch.objects.filter(donation_id__in=list(donation_ids), reduced_minor__lt=F("amount_minor"))
        .select_related("pool__matcher")
        .order_by("pk")
    )
    for m in rows:
        out[m.donation_id].append(GiftMatch(matcher=m.pool.matcher, amount=m.net))
    return dict(out)


@dataclass(frozen=True)
class CampaignMatched:
    campaign: Campaign
    matched: Money
    gifts: int


@dataclass(frozen=True)
class MatcherSummary:
    """``approved_unpaid`` and ``paid``: the matcher's matched cents that releases consumed (the
    figures of the same names, per currency; only currencies with money)."""

    matcher: Matcher
    pools: list[PoolFigures]
    campaigns: list[CampaignMatched]
    approved_unpaid: dict[str, Money] = field(default_factory=dict)
    paid: dict[str, Money] = field(default_factory=dict)

    def total(self, name: str) -> dict[str, Money]:
        """A pool figure summed over the matcher's pools, per currency."""
        out: dict[str, Money] = {}
        for f in self.pools:
            value = getattr(f, name)
            out[value.currency] = out.get(value.currency, Money.zero(value.currency)) + value
        return out

    @property
    def matched(self) -> list[Money]:
        return list(self.total("matched").values())


def matcher_summary(*, matcher: Matcher) -> MatcherSummary:
    """A matcher's pools with their figures, the campaigns its matches went to (net matched and
    the number of gifts still matched there) and what of it releases took to partners; a fixed
    number of queries."""
    pools = list(matcher.pools.order_by("-starts_at", "pk"))
    by_campaign = (
        PoolMatch.objects.filter(pool__matcher=matcher, reduced_minor__lt=F("amount_minor"))
        .values("campaign_id", "currency")
        .annotate(net=Sum(F("amount_minor") - F("reduced_minor")), n=Count("pk"))
        .order_by("-net")
    )
    campaigns = Campaign.objects.in_bulk([r["campaign_id"] for r in by_campaign])
    released = (
        MatchAllocation.objects.filter(match__pool__matcher=matcher)
        .annotate(paid_out=release_paid(OuterRef("release_id")))
        .values("currency", "paid_out")
        .annotate(t=Sum("amount_minor"))
        .order_by()
    )
    approved_unpaid: dict[str, Money] = {}
    paid: dict[str, Money] = {}
    for row in released:
        (paid if row["paid_out"] else approved_unpaid)[row["currency"]] = Money.from_minor(
            int(row["t"]), row["currency"]
        )
    return MatcherSummary(
        matcher=matcher,
        approved_unpaid=approved_unpaid,
        paid=paid,
        pools=pools_figures(pools),
        campaigns=[CampaignMatched(campaign=campaigns[r["campaign_id"]],
                                   matched=Money.from_minor(int(r["net"]), r["currency"]), gifts=int(r["n"]))
                   for r in by_campaign],
    )  # fmt: skip


def showcase() -> list[tuple[Matcher, list[Money], list[Money]]]:
    """Every matcher with a pool, with what it has matched and what was returned to it once its
    pools closed (ADR 0238), per currency (the "enterprises helping villages" list): two queries."""
    pools = list(MatchPool.objects.select_related("matcher").order_by("matcher__name", "pk"))
    figures = pools_figures(pools)
    matched: dict[int, dict[str, Money]] = defaultdict(dict)
    returned: dict[int, dict[str, Money]] = defaultdict(dict)
    matchers: dict[int, Matcher] = {}
    for f in figures:
        matchers[f.pool.matcher_id] = f.pool.matcher
        for per, value in ((matched, f.matched), (returned, f.returned)):
            cur = value.currency
            per[f.pool.matcher_id][cur] = per[f.pool.matcher_id].get(cur, Money.zero(cur)) + value
    return [
        (matchers[pk], list(matched[pk].values()), [m for m in returned[pk].values() if m]) for pk in matchers
    ]
