"""The balance check: kept balances and figures against the postings and gifts they summarise.

Balances and the donor count are kept by database triggers as money moves (ADR 0211), and each
supporter page's figure per gift (ADR 0234). This check recomputes them from their definitions,
reading both sides in one snapshot, and turns every difference into an open ``BalanceDrift``
alert (a page's on its campaign's escrow account, family ``page:<id>``: ADR 0235): logged as an
error, audited, and, while it is open, releases from that account are refused (``payments.ledger.services.entry_post`` and
``release_approve``). It never corrects a kept row: a difference means a bug or a hand edit, and
finance decides what happened (``balance_drift_resolve``). It runs every
``CLEARFUND_LEDGER_BALANCE_CHECK_SECONDS`` (Celery beat, default hourly) and on demand (``manage.py ledger_balances_check``).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import Sum
from django.utils import timezone

from campaigns.models import Campaign
from campaigns.roles import Actor
from campaigns.services import audit
from payments.figures.selectors import MONEY_FIGURES, campaign_totals_from_postings, campaign_totals_uncached
from payments.ledger.models import AccountKind, BalanceDrift, LedgerAccount, LedgerBalance, Posting
from payments.ledger.services import escrow_account
from payments.supporters.selectors import page_differences

logger = logging.getLogger("payments.ledger")

# ``BalanceDrift.family`` of a whole account's balance, and the prefixes of a campaign figure's
# and of a supporter page's figure (followed by the page's id).
WHOLE_ACCOUNT = "*"
FIGURE = "figure:"
SUPPORTER_PAGE = "page:"


@dataclass(frozen=True)
class Difference:
    account_id: int
    family: str
    kept_minor: int
    posted_minor: int


def _account_differences() -> list[Difference]:
    kept = dict(LedgerBalance.objects.values_list("account_id").annotate(t=Sum("amount_minor")).order_by())
    posted = dict(Posting.objects.values_list("account_id").annotate(t=Sum("amount_minor")).order_by())
    return [
        Difference(pk, WHOLE_ACCOUNT, int(kept.get(pk) or 0), int(posted.get(pk) or 0))
        for pk in sorted(set(kept) | set(posted))
        if int(kept.get(pk) or 0) != int(posted.get(pk) or 0)
    ]


def _figure_differences() -> list[tuple[Campaign, str, int, int]]:
    with_escrow = LedgerAccount.objects.filter(kind=AccountKind.CAMPAIGN_ESCROW).values("campaign_id")
    out = []
    for campaign in Campaign.objects.filter(pk__in=with_escrow).order_by("pk"):
        kept = campaign_totals_uncached(campaign=campaign)
        posted = campaign_totals_from_postings(campaign=campaign)
        for name in MONEY_FIGURES:
            k, p = getattr(kept, name).to_minor(), getattr(posted, name).to_minor()
            if k != p:
                out.append((campaign, FIGURE + name, k, p))
        if kept.donors != posted.donors:
            out.append((campaign, FIGURE + "donors", kept.donors, posted.donors))
    return out


def _page_differences() -> list[tuple[Campaign, str, int, int]]:
    return [
        (page.campaign, f"{SUPPORTER_PAGE}{page.pk}", kept, recomputed)
        for page, kept, recomputed in page_differences()
    ]


def _read_differences() -> tuple[list[Difference], list[tuple[Campaign, str, int, int]]]:
    # Both sides from one snapshot, so a posting committed mid-check is on both or on neither.
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if outermost:  # inside a caller's transaction (tests) its snapshot rules stand
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        return _account_differences(), _figure_differences() + _page_differences()


def balances_check() -> list[BalanceDrift]:
    """Compare every kept balance, campaign figure and supporter page figure with its definition;
    open an alert for each difference not already under an open alert. Returns the alerts opened
    now (empty when all agree). Raises nothing; never changes a kept balance.
    """
    accounts, figures = _read_differences()
    found = list(accounts)
    for campaign, family, kept, posted in figures:
        found.append(Difference(escrow_account(campaign).pk, family, kept, posted))
    opened = []
    for d in found:
        with transaction.atomic():
            if BalanceDrift.objects.filter(
                account_id=d.account_id, family=d.family, resolved_at__isnull=True
            ).exists():
                continue
            drift = BalanceDrift.objects.create(
                account_id=d.account_id, family=d.family, kept_minor=d.kept_minor, posted_minor=d.posted_minor
            )
            audit(actor=None, action="ledger.balance_drift", subject=drift,
                  data={"account": drift.account.code, "family": d.family,
                        "kept_minor": d.kept_minor, "posted_minor": d.posted_minor})  # fmt: skip
        logger.error(
            "Balance drift on %s (%s): kept %s, postings say %s; releases from it are stopped",
            drift.account.code, d.family, d.kept_minor, d.posted_minor,
        )  # fmt: skip
        opened.append(drift)
    return opened


def balance_drift_resolve(*, drift: BalanceDrift, actor: Actor, resolution: str) -> BalanceDrift:
    """Finance closes an alert once it knows why the balance drifted (releases resume if no other
    alert is open on the account). Raises ``ValueError`` without a resolution text. The kept
    balance is not touched here: a wrong kept row is corrected by a migration or a reviewed SQL
    fix, and the next check opens a new alert if it still differs."""
    if not resolution.strip():
        raise ValueError("say what was found")
    drift.resolved_at = timezone.now()
    drift.resolved_by = actor if actor is not None and actor.is_authenticated else None
    drift.resolution = resolution.strip()
    drift.save(update_fields=["resolved_at", "resolved_by", "resolution"])
    audit(actor=actor, action="ledger.balance_drift_resolved", subject=drift, reason=drift.resolution)
    return drift
