"""The money vocabulary: every figure a page, feed, PDF, mail or admin screen shows about a
campaign (or the platform), computed here and nowhere else, from the ledger.

Each figure is defined once in ``docs/glossary.md`` (with its Chinese term); ADR 0207 records
why. In short, for one campaign, in the campaign's currency:

- ``raised``: postings of ``donation.*`` entries on the campaign's escrow: gifts captured into it,
  plus gifts moved in from a failed sibling, minus gifts moved out to one.
- ``refunded``: what ``refund.*`` entries took out of escrow, net of their reversals (a refund
  that failed at the provider is reversed and does not count), plus what the platform fronted for
  refunds made at the provider after the gift had been released (the campaign's
  ``platform_receivable`` legs of those entries, ADR 0208).
- ``to_recover``: what the platform fronted that way (or for the released part of a chargeback)
  and has not recovered: minus the balance of the campaign's ``platform_receivable`` account. Zero
  unless such a refund or chargeback happened.
- ``disputed``: the campaign's disputed account now (open disputes; a won dispute returns the
  money to escrow, a lost one moves it to ``lost_to_disputes``).
- ``lost_to_disputes``: the campaign's dispute-losses account.
- ``approved_unpaid``: what ``release.*`` entries moved from escrow to a partner's payable for
  releases whose payout entry (``release:<id>:paid``) does not exist yet.
- ``paid``: the same for releases whose payout entry exists (a payout always pays its whole
  release, ``payments.releases.payouts.payout_post``).
- ``held``: the escrow balance. By double entry:
  ``raised + matched + to_recover = held + approved_unpaid + paid + refunded + disputed +
  lost_to_disputes``.
- ``counted``: what counts towards the goal (and the all-or-nothing decision):
  ``raised + matched − refunded − disputed − lost_to_disputes`` (= held + approved_unpaid + paid −
  to_recover).
- ``matched``: what ``match.*`` entries moved into escrow from matching pools, net of what
  refunds and lost disputes of matched gifts gave back (ADR 0227).
- ``donors``: distinct donors with at least one gift whose counted part in this campaign is above
  zero (see ``donors_count``).

Pages read the kept balances (``LedgerBalance``, per account and entry family) and the kept donor
count (``DonorCount``), so a figure costs the same at a thousand gifts as at a million; the same
definitions over every posting and every gift (``campaign_totals_from_postings``,
``donors_count``) are what the balance check compares them with (ADR 0211).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.models import CharField, Exists, F, OuterRef, Q, Sum, Value
from django.db.models.functions import Cast, Concat, Replace

from campaigns.models import Campaign, CampaignStatus
from campaigns.money import Money
from payments.allocation.services import campaign_gifts, with_breakdown
from payments.figures.models import DonorCount
from payments.ledger.models import AccountKind, LedgerBalance, LedgerEntry, Posting

# Entry kinds by family (the prefix before the first dot); reversals keep their family
# (``entry_reverse`` names them ``<kind>.reversal``), so sums are net of them.
RAISED_KINDS = "donation."
REFUND_KINDS = "refund."
RELEASE_KINDS = "release."
MATCH_KINDS = "match."
# The money figures read from the ledger (``counted`` derives from them).
MONEY_FIGURES = (
    "raised", "held", "approved_unpaid", "paid", "refunded", "disputed", "lost_to_disputes", "to_recover",
    "matched",
)  # fmt: skip
# A campaign's money refunded at the provider after release, fronted by the platform (ADR 0208).
RECEIVABLE = "platform_receivable"


def counted(figures: CampaignTotals | CurrencyTotals) -> Money:
    """Raised and matched, less refunded, disputed and lost to disputes: what counts towards the
    goal (docs/glossary.md, "counts towards the goal"). One definition for a campaign and the
    platform."""
    return figures.raised + figures.matched - figures.refunded - figures.disputed - figures.lost_to_disputes


@dataclass(frozen=True)
class CampaignTotals:
    """A campaign's figures, all in the campaign's currency. Definitions: module docstring."""

    raised: Money
    held: Money
    approved_unpaid: Money
    paid: Money
    refunded: Money
    disputed: Money
    lost_to_disputes: Money
    donors: int
    to_recover: Money
    goal: Money
    campaign_id: int = 0
    matched: Money | None = None  # set in __post_init__ to zero when not given

    def __post_init__(self) -> None:
        if self.matched is None:
            object.__setattr__(self, "matched", Money.zero(self.raised.currency))

    def are_for(self, campaign: Campaign) -> bool:
        """Templates reuse totals already read for the page: only for the same campaign."""
        return self.campaign_id == campaign.pk and self.goal == campaign.goal

    counted = property(lambda self: counted(self))

    @property
    def goal_met(self) -> bool:
        """The all-or-nothing test: the money that still counts reaches the goal."""
        return self.counted >= self.goal

    @property
    def percent(self) -> int:
        """``counted`` as a whole percentage of the goal (the progress bar)."""
        return self.counted.percent_of(self.goal)

    def units_funded(self, unit_cost: Money | None) -> int:
        """Whole units (surgeries, terms) that ``counted`` pays for."""
        if unit_cost is None:
            return 0
        return self.counted.split_units(unit_cost)[0]

    @property
    def signature(self) -> tuple[int, ...]:
        """Changes whenever any money figure changes: part of the page fragments' cache keys."""
        return tuple(getattr(self, name).to_minor() for name in MONEY_FIGURES)


def release_paid(release_id: OuterRef) -> Exists:
    """For a row that refers to a release (``release_id`` an ``OuterRef`` to its id): the
    release's payout entry ``release:<id>:paid`` is in the ledger, i.e. it is in "paid"."""
    key = Concat(Value("release:"), Cast(release_id, CharField()), Value(":paid"))
    return Exists(LedgerEntry.objects.filter(key=key))


def _paid_out() -> Exists:
    """For a ``release.*`` escrow posting: the release's payout entry exists."""
    paid_key = Replace(OuterRef("entry__key"), Value(":approved"), Value(":paid"))
    return Exists(LedgerEntry.objects.filter(key=paid_key, kind__startswith="payout."))


def _figure_sums(postings, *, group_by_currency: bool = False):
    escrow = Q(account__kind=AccountKind.CAMPAIGN_ESCROW)
    release = escrow & Q(entry__kind__startswith=RELEASE_KINDS)
    sums = {
        "raised": Sum("amount_minor", filter=escrow & Q(entry__kind__startswith=RAISED_KINDS)),
        "held": Sum("amount_minor", filter=escrow),
        "approved_unpaid": Sum(-F("amount_minor"), filter=release & ~Q(_paid_out())),
        "paid": Sum(-F("amount_minor"), filter=release & Q(_paid_out())),
        "refunded": Sum(
            -F("amount_minor"),
            filter=(escrow | Q(account__kind=RECEIVABLE)) & Q(entry__kind__startswith=REFUND_KINDS),
        ),
        "disputed": Sum("amount_minor", filter=Q(account__kind=AccountKind.DISPUTED)),
        "lost_to_disputes": Sum("amount_minor", filter=Q(account__kind=AccountKind.DISPUTE_LOSSES)),
        "to_recover": Sum(-F("amount_minor"), filter=Q(account__kind=RECEIVABLE)),
        "matched": Sum("amount_minor", filter=escrow & Q(entry__kind__startswith=MATCH_KINDS)),
    }
    # The EXISTS sits inside each FILTER after the kind test, so it runs for release postings only.
    if group_by_currency:
        return postings.values("currency").annotate(**sums).order_by("currency")
    return postings.aggregate(**sums)


def _kept_figures(rows) -> dict[str, int]:
    """The money figures from kept balance rows ``(account kind, entry family, amount)``; the
    families are those of the balance trigger (kind up to its first dot; ``release.paid``)."""
    f = dict.fromkeys(MONEY_FIGURES, 0)
    for kind, family, amount in rows:
        amount = int(amount or 0)
        if kind == AccountKind.CAMPAIGN_ESCROW:
            f["held"] += amount
            if family == RAISED_KINDS:
                f["raised"] += amount
            elif family == RELEASE_KINDS:
                f["approved_unpaid"] -= amount
            elif family == "release.paid":
                f["paid"] -= amount
            elif family == REFUND_KINDS:
                f["refunded"] -= amount
            elif family == MATCH_KINDS:
                f["matched"] += amount
        elif kind == RECEIVABLE:
            f["to_recover"] -= amount
            if family == REFUND_KINDS:
                f["refunded"] -= amount
        elif kind == AccountKind.DISPUTED:
            f["disputed"] += amount
        elif kind == AccountKind.DISPUTE_LOSSES:
            f["lost_to_disputes"] += amount
    return f


# The query of ``campaign_totals_uncached``, written out: it runs on every uncached page render, and
# building it through the ORM each time cost more CPU than the database spent on it (issue 11, ADR
# 0228). Rows: (account kind, entry family, kept amount, the campaign's kept donor count).
_KEPT_TOTALS_SQL = (
    "SELECT a.kind, b.family, SUM(b.amount_minor), "
    "(SELECT SUM(d.donors) FROM payments_donorcount d WHERE d.campaign_id = %s) "
    "FROM payments_ledgerbalance b JOIN payments_ledgeraccount a ON a.id = b.account_id "
    "WHERE a.campaign_id = %s GROUP BY 1, 2"
)


def campaign_totals_uncached(*, campaign: Campaign) -> CampaignTotals:
    """A campaign's figures from its kept balances and kept donor count: one small query (the
    donor count rides along as a scalar subquery; ADR 0212) whose cost does not grow with the
    number of gifts. Raises nothing; no postings, every figure zero.
    """
    cur = campaign.currency
    with connection.cursor() as cursor:
        cursor.execute(_KEPT_TOTALS_SQL, [campaign.pk, campaign.pk])
        rows = cursor.fetchall()
    sums = _kept_figures((kind, family, total) for kind, family, total, _donors in rows)
    # No kept row yet: nothing posted; the count is still read, not assumed.
    kept_donors = int(rows[0][3] or 0) if rows else donors_kept(campaign=campaign)
    return CampaignTotals(
        **{name: Money.from_minor(sums[name], cur) for name in MONEY_FIGURES},
        donors=kept_donors,
        goal=campaign.goal,
        campaign_id=campaign.pk,
    )


def campaign_totals_from_postings(*, campaign: Campaign) -> CampaignTotals:
    """The same figures by their definitions: one aggregate over every posting of the campaign
    and a count over every gift. What the balance check compares the kept figures with."""
    cur = campaign.currency
    sums = _figure_sums(Posting.objects.filter(account__campaign=campaign))
    return CampaignTotals(
        **{name: Money.from_minor(int(sums[name] or 0), cur) for name in MONEY_FIGURES},
        donors=donors_count(campaign=campaign),
        goal=campaign.goal,
        campaign_id=campaign.pk,
    )


def campaign_totals(*, campaign: Campaign) -> CampaignTotals:
    """Totals for a campaign page, at most ``TOTALS_CACHE_SECONDS`` old (ADR 0101)."""
    seconds = settings.TOTALS_CACHE_SECONDS
    if seconds <= 0:
        return campaign_totals_uncached(campaign=campaign)
    # v2: the vocabulary of ADR 0207 (entries cached with the old fields are never read).
    key = f"campaign-totals:v2:{campaign.pk}"
    totals = cache.get(key)
    if totals is None:
        totals = campaign_totals_uncached(campaign=campaign)
        cache.set(key, totals, seconds)
    return totals


def donors_kept(*, campaign: Campaign) -> int:
    """The kept count of ``donors_count``: maintained by the database as gifts change."""
    total = DonorCount.objects.filter(campaign=campaign).aggregate(total=Sum("donors"))["total"]
    return int(total or 0)


def donors_count(*, campaign: Campaign) -> int:
    """Distinct donors with a gift whose money still counts in this campaign.

    A gift counts where its escrow is (a gift moved to a sibling counts there, not here) while
    its amount exceeds what was refunded (net of failed refunds: ``refunded_minor`` is written in
    the same transaction as each refund entry and its reversal) and what open or lost disputes
    took. ADR 0207 explains why this reads the gifts' ledger-mirrored amounts and not statuses.
    """
    gifts = with_breakdown(campaign_gifts(campaign)).filter(
        amount_minor__gt=F("refunded_minor") + F("disputed_minor")
    )
    return gifts.order_by().values("donor_id").distinct().count()  # DISTINCT on the donor only


@dataclass(frozen=True)
class CurrencyTotals:
    """The platform's figures in one currency (every campaign's ledger accounts together)."""

    currency: str
    raised: Money
    held: Money
    approved_unpaid: Money
    paid: Money
    refunded: Money
    disputed: Money
    lost_to_disputes: Money
    to_recover: Money
    matched: Money

    counted = property(lambda self: counted(self))


# Campaigns the public sees (drafts and campaigns in review are not): the platform's figures, on
# the transparency page, its report and the home page, are over these.
PUBLISHED_STATUSES = (
    CampaignStatus.LIVE,
    CampaignStatus.FUNDED,
    CampaignStatus.FAILED,
    CampaignStatus.CLOSED,
)


def platform_totals() -> list[CurrencyTotals]:
    """The same figures as ``campaign_totals`` summed over every published campaign, one row per
    currency, from the kept balances in one aggregate query (its cost grows with campaigns, not
    gifts). Raises nothing; no postings gives an empty list."""
    rows = (
        LedgerBalance.objects.filter(account__campaign__status__in=PUBLISHED_STATUSES)
        .values_list("account__currency", "account__kind", "family")
        .annotate(total=Sum("amount_minor"))
        .order_by()
    )
    by_currency: dict[str, list[tuple[str, str, int]]] = defaultdict(list)
    for cur, kind, family, total in rows:
        by_currency[cur].append((kind, family, total))
    return [
        CurrencyTotals(
            currency=cur,
            **{name: Money.from_minor(v, cur) for name, v in _kept_figures(kept).items()},
        )
        for cur, kept in sorted(by_currency.items())
    ]
