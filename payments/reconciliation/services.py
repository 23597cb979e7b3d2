"""Reconciliation: every provider balance transaction matched to exactly one ledger entry.

Provider objects lead to our records, and our records to their ledger keys: a charge to the
donation with that charge id (``donation:<pk>:captured``), a refund to the ``Refund`` with that
provider id (its key), a transfer to the release with that transfer id (``release:<pk>:paid``).
A match also needs equal amounts. What is left on either side is stored as ``UnmatchedItem``s of
the run and listed in the admin. A refund made at the provider is a ``Refund`` too (key
``refund:provider:<id>``); a refund that failed after leaving (``refund_failure``) matches the
reversal of its entry (``<key>:failed``); a dispute's withdrawal and reinstatement (``adjustment``
with a ``dp_`` source) match ``dispute:<id>:opened`` and ``dispute:<id>:won``.
Provider payouts to our own bank and Stripe fees are not ledger
entries of their own and are skipped. Ledger entries younger than ``RECONCILIATION_GRACE`` are
not flagged yet (the provider reports with a delay).
"""

from __future__ import annotations

import logging
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from payments.donations.models import Donation
from payments.gateway.connect import BalanceTransaction, ConnectError, ConnectGateway, get_connect_gateway
from payments.ledger.models import LedgerEntry
from payments.reconciliation.models import ReconciliationRun, UnmatchedItem, UnmatchedSide
from payments.refunds.models import Refund
from payments.releases.models import Release

log = logging.getLogger(__name__)
SKIPPED_TYPES = {"payout", "stripe_fee", "application_fee"}
LEDGER_KINDS = ("donation.captured", "refund.issued", "payout.connect")


def _entry_key_for(txn: BalanceTransaction) -> str | None:
    source = txn.source
    if txn.type in ("charge", "payment"):
        donation = (
            Donation.objects.filter(provider_charge_id=source).first()
            or Donation.objects.filter(provider_payment_intent_id=source).first()
        )
        return f"donation:{donation.pk}:captured" if donation else None
    if txn.type in ("refund", "payment_refund", "refund_failure", "payment_failure_refund"):
        refund = Refund.objects.filter(provider_refund_id=source).first()
        if refund is None:
            return None
        # A refund that failed after it left gives the money back: the reversal of its entry.
        return f"{refund.key}:failed" if txn.type.endswith("failure") else refund.key
    if txn.type == "adjustment" and source.startswith("dp_"):
        # A dispute's withdrawal matches the hold posted when it opened; its reinstatement, the
        # return to escrow when it was won (a lost dispute moves nothing more at the provider).
        return f"dispute:{source}:opened" if txn.amount.amount < 0 else f"dispute:{source}:won"
    if txn.type == "transfer":
        release = Release.objects.filter(provider_transfer_id=source).first()
        return f"release:{release.pk}:paid" if release else None
    return None


def _entry_amount(entry: LedgerEntry) -> int:
    """The size of an entry: the sum of its positive postings."""
    return sum(p.amount_minor for p in entry.postings.all() if p.amount_minor > 0)


def reconciliation_run(
    *, since: datetime | None = None, gateway: ConnectGateway | None = None
) -> ReconciliationRun:
    """Match provider balance transactions since ``since`` (default: ``RECONCILIATION_WINDOW``
    ago) to ledger entries, and record what is unmatched on either side."""
    now = timezone.now()
    since = since or now - settings.RECONCILIATION_WINDOW
    gateway = gateway or get_connect_gateway()
    run = ReconciliationRun.objects.create(since=since)
    try:
        transactions = [t for t in gateway.balance_transactions(since=since) if t.type not in SKIPPED_TYPES]
    except ConnectError as exc:
        run.error = f"{exc.code}: {exc}"[:2000]
        run.finished_at = timezone.now()
        run.save(update_fields=["error", "finished_at"])
        log.error("reconciliation could not read provider balance transactions: %s", exc.code)
        return run
    entries = {
        e.key: e
        for e in LedgerEntry.objects.filter(kind__in=LEDGER_KINDS, created_at__gte=since)
        .filter(reversed_by__isnull=True)
        .prefetch_related("postings")
    }
    matched: set[str] = set()
    unmatched: list[UnmatchedItem] = []
    for txn in transactions:
        key = _entry_key_for(txn)
        entry = entries.get(key) if key else None
        if entry is None and key:
            entry = LedgerEntry.objects.filter(key=key).prefetch_related("postings").first()
        ok = entry is not None and key not in matched and _entry_amount(entry) == abs(txn.amount.to_minor())
        if ok:
            matched.add(key)
            continue
        note = (
            "no ledger entry" if entry is None else ("matched twice" if key in matched else "amount differs")
        )
        unmatched.append(UnmatchedItem(run=run, side=UnmatchedSide.PROVIDER, reference=f"{txn.id} ({txn.source})",
                                       kind=txn.type, amount_minor=txn.amount.to_minor(),
                                       currency=txn.amount.currency, note=note))  # fmt: skip
    settled_before = now - settings.RECONCILIATION_GRACE
    for key, entry in entries.items():
        if key in matched or entry.created_at > settled_before:
            continue
        currency = next((p.currency for p in entry.postings.all()), "")
        unmatched.append(UnmatchedItem(run=run, side=UnmatchedSide.LEDGER, reference=key, kind=entry.kind,
                                       amount_minor=_entry_amount(entry), currency=currency,
                                       note="no provider balance transaction"))  # fmt: skip
    with transaction.atomic():
        UnmatchedItem.objects.bulk_create(unmatched)
        run.provider_transactions = len(transactions)
        run.matched = len(matched)
        run.unmatched_provider = sum(1 for u in unmatched if u.side == UnmatchedSide.PROVIDER)
        run.unmatched_ledger = sum(1 for u in unmatched if u.side == UnmatchedSide.LEDGER)
        run.finished_at = timezone.now()
        run.save()
    log.info("reconciliation %s: %s matched, %s/%s unmatched", run.pk, run.matched, run.unmatched_provider,
             run.unmatched_ledger)  # fmt: skip
    return run
