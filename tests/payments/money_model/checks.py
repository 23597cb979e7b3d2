"""After every step: the ledger's own rules, then every figure a person can read, against the model.

Each check names the page or report it stands for and says which value disagreed, so a shrunk
failure reads as "campaign page K: held product=¥300.00 model=¥0.00".
"""

from __future__ import annotations

from collections import Counter

from django.core import mail
from django.db.models import Sum
from django.utils import translation

from campaigns.money import Money
from payments.allocation.services import breakdown_of
from payments.donations.selectors import donor_gifts, wall_of_support
from payments.figures.selectors import campaign_totals_uncached
from payments.ledger.models import NON_NEGATIVE_KINDS
from payments.matching.models import PoolMatch
from payments.matching.selectors import pools_figures
from payments.models import Donation, DonorProfile, LedgerEntry, Posting
from payments.trace.selectors import gift_trace
from payments.trace.selectors import platform_transparency as trace_transparency
from reports.selectors.donor_statement import donor_statement
from reports.selectors.transparency import platform_transparency as report_transparency
from tests.payments.money_model.model import AON, KEEP, Gift, Model
from tests.payments.money_model.world import World, donor_email

# New names the figure vocabulary (issue 9 §3) may give these on CampaignTotals / Breakdown.
VOCABULARY = {
    "approved": ("approved_unpaid", "approved_not_paid", "approved_not_yet_paid", "payable"),
    "paid": ("paid", "paid_to_partners"),
    "lost": ("lost", "lost_to_disputes", "dispute_losses"),
    "to_recover": ("to_recover",),
}


def yuan(minor: int) -> Money:
    return Money.from_minor(minor, "CNY")


def same(where: str, what: str, product, model) -> None:
    assert product == model, f"{where}: {what} product={product} model={model}"


def _vocabulary(obj, name: str):
    for attr in VOCABULARY[name]:
        if hasattr(obj, attr):
            return attr
    return None


def figure(obj, name: str) -> Money:
    """A figure by the model's name, on the old (``released``) or new vocabulary of issue 9 §3."""
    if isinstance(obj, dict):
        obj = type("Figures", (), obj)
    if name == "released" and not hasattr(obj, "released"):
        return figure(obj, "approved") + figure(obj, "paid")
    if name in VOCABULARY:
        return getattr(obj, _vocabulary(obj, name))
    return getattr(obj, name)


def check_ledger() -> None:
    unbalanced = list(
        LedgerEntry.objects.annotate(total=Sum("postings__amount_minor"))
        .exclude(total=0)
        .values_list("key", "total")
    )
    assert not unbalanced, f"ledger: entries that do not sum to zero: {unbalanced}"
    negative = list(
        Posting.objects.filter(account__kind__in=NON_NEGATIVE_KINDS)
        .values("account__code")
        .annotate(total=Sum("amount_minor"))
        .filter(total__lt=0)
        .values_list("account__code", "total")
    )
    assert not negative, f"ledger: escrow, disputed or payable below zero: {negative}"


def check_campaign(world: World, model: Model, name: str) -> None:
    campaign = world.campaigns[name]
    campaign.refresh_from_db()
    expected = model.totals(name)
    totals = campaign_totals_uncached(campaign=campaign)
    where = f"campaign page {name}"
    for name_ in ("raised", "held", "released", "refunded", "disputed"):
        same(where, name_, figure(totals, name_), yuan(expected[name_]))
    for name_ in ("approved", "paid", "lost", "to_recover"):
        if _vocabulary(totals, name_):
            same(where, name_, figure(totals, name_), yuan(expected[name_]))
    if hasattr(totals, "counted"):
        same(where, "counted", totals.counted, yuan(expected["counted"]))
    same(where, "matched", totals.matched, yuan(expected["matched"]))
    same(where, "donors", totals.donors, expected["donors"])
    if name == AON:
        same(where, "status", campaign.status, model.aon_status)
    with translation.override("en"):
        wall = wall_of_support(campaign=campaign, limit=10_000)
    names = Counter(e.name for e in wall)
    want = Counter(
        "Anonymous" if g.anonymous else f"Donor {g.donor}" if g.named else "A friend"
        for g in model.captured_gifts(name)
        if model.on_wall(g)
    )
    same(f"wall of support {name}", "names", dict(names), dict(want))


def check_gift(world: World, model: Model, g: Gift, pk: int) -> None:
    donation = Donation.objects.get(pk=pk)
    where = f"gift {g.label} (pk {pk}, ¥{g.amount / 100:.2f} to {g.campaign})"
    assert donation.status in model.status(g), (
        f"{where}: status product={donation.status} model={sorted(model.status(g))}"
    )
    if not g.captured:
        same(where, "captured", donation.captured_at is not None, False)
        return
    # The admin's gift list shows what is left to refund from this column.
    same(f"admin {where}", "refunded", donation.refunded_minor, g.refunded + g.receivable)
    b = breakdown_of(donation)
    lost_attr = _vocabulary(b, "lost")
    disputed = model.disputed(g) + (0 if lost_attr else model.lost(g))
    expect = {"captured": g.amount, "held": model.held(g), "released": model.released(g),
              "refunded": g.refunded + g.receivable, "disputed": disputed}  # fmt: skip
    if hasattr(b, "to_recover"):
        expect["to_recover"] = model.to_recover(g)
    for name_, value in expect.items():
        same(f"donor page {where}", name_, figure(b, name_), yuan(value))
    if lost_attr:
        same(f"donor page {where}", lost_attr, getattr(b, lost_attr), yuan(model.lost(g)))
    if _vocabulary(b, "paid"):
        same(f"donor page {where}", "paid", figure(b, "paid"), yuan(model.released(g, ("paid",))))
    trace = gift_trace(donation=donation)
    parts: Counter = Counter()
    for part in trace.disbursements if hasattr(trace, "disbursements") else trace.released:
        label = world.release_labels[part.release_id]
        parts[label] += part.amount.to_minor()
        same(f"trace {where}", f"release {label} status", part.status, model.releases[label].state)
    want = {r: c for r, c in g.allocations.items() if model.releases[r].state != "requested"}
    same(f"trace {where}", "released parts", dict(parts), want)


def check_donor(model: Model, donor: int, labels_to_pk: dict[str, int]) -> None:
    profile = DonorProfile.objects.filter(email=donor_email(donor)).first()
    mine = [g for g in model.gifts.values() if g.donor == donor]
    if profile is None:
        assert not mine, f"donor {donor}: no profile but the model has gifts {[g.label for g in mine]}"
        return
    where = f"donor {donor}"
    same(f"donor page {where}", "gifts", sorted(d.pk for d in donor_gifts(donor=profile)),
         sorted(labels_to_pk[g.label] for g in mine))  # fmt: skip
    with translation.override("en"):
        statement = donor_statement(donor_id=profile.pk, period="")
    captured = [g for g in mine if g.captured]
    same(f"donor statement {where}", "gifts", len(statement.gifts), len(captured))
    total = model.statement_total(donor)
    same(f"donor statement {where}", "totals", statement.totals, [yuan(total)] if captured else [])
    by_receipt: Counter = Counter()
    held: Counter = Counter()
    for line in statement.trace:
        by_receipt[line.receipt_number[-8:]] += line.amount.to_minor()
        if line.state == "Held in escrow":
            held[int(line.receipt_number[-8:])] += line.amount.to_minor()
    for g in captured:
        pk = labels_to_pk[g.label]
        # Glossary: captured + to_recover = held + approved_unpaid + paid + refunded + disputed + lost.
        same(f"donor statement {where}", f"trace of {g.label} adds up to", by_receipt[f"{pk:08d}"],
             g.amount + model.to_recover(g))  # fmt: skip
        same(f"donor statement {where}", f"held of {g.label}", held[pk], max(0, model.held(g)))
    # Receipts: the donor's mails other than monthly notices and the news of what their gift did
    # (those carry List-Unsubscribe, ADR 0217; a receipt is not optional).
    receipts = [
        m
        for m in mail.outbox
        if m.to == [donor_email(donor)]
        and "monthly" not in m.subject.lower()
        and "List-Unsubscribe" not in m.extra_headers
    ]
    same(where, "receipts mailed", len(receipts), len(captured))


def check_platform(model: Model) -> None:
    names = (KEEP, AON)
    sums = {
        f: sum(model.totals(c)[f] for c in names)
        for f in ("raised", "held", "released", "refunded", "disputed")
    }
    for where, totals in (("transparency page", trace_transparency()["totals"]),
                          ("transparency report", report_transparency().totals)):  # fmt: skip
        if isinstance(totals, dict):
            cny = totals.get("CNY")
        else:
            cny = next((t for t in totals if t.currency == "CNY"), None)
        if cny is None:  # no money has moved yet
            assert not any(sums.values()), f"{where}: no CNY figures, model {sums}"
            continue
        for name_ in sums:
            if name_ != "disputed" or not isinstance(cny, dict) or "disputed" in cny:
                same(where, name_, figure(cny, name_), yuan(sums[name_]))


def check_balances(world: World, model: Model) -> None:
    """Every account's balance against the model, in one query (after every step)."""
    rows = (
        Posting.objects.values("account__kind", "account__campaign_id", "account__partner_id")
        .annotate(total=Sum("amount_minor"))
        .values_list("account__kind", "account__campaign_id", "account__partner_id", "total")
    )
    product = {(kind, campaign, partner): total for kind, campaign, partner, total in rows if total}
    expected: dict[tuple, int] = {}

    def put(key: tuple, minor: int) -> None:
        if minor:
            expected[key] = expected.get(key, 0) + minor

    gifts = model.captured_gifts()
    put(("donor_funds", None, None), -sum(g.amount for g in gifts))
    put(("refunds", None, None), sum(g.refunded + g.receivable for g in gifts))
    for name in (KEEP, AON):
        pk = world.campaigns[name].pk
        t = model.totals(name)
        put(("campaign_escrow", pk, None), t["held"])
        put(("disputed", pk, None), t["disputed"])
        put(("dispute_losses", pk, None), t["lost"])
        put(("platform_receivable", pk, None), -t["to_recover"])
    if model.pool is not None:
        put(("matcher_funds", None, None), -model.pool.paid_in)
        put(("match_pool", None, None), model.pool.balance)
        put(("matcher_returned", None, None), model.pool.returned)
    for r in model.releases.values():
        partner = world.partners[r.connect].pk
        if r.state == "approved":
            put(("partner_payable", None, partner), r.amount)
        elif r.state == "paid":
            put(("partner_paid", None, partner), r.amount)
    diff = {k: (product.get(k, 0), expected.get(k, 0)) for k in set(product) | set(expected)
            if product.get(k, 0) != expected.get(k, 0)}  # fmt: skip
    assert not diff, f"ledger balances (kind, campaign, partner): (product, model) {diff}"


def check_pool(world: World, model: Model, labels_to_pk: dict[str, int]) -> None:
    """The pool's figures (matcher page, statement, admin) and each gift's match, against the model."""
    pool = model.pool
    if pool is None:
        return
    figures = pools_figures([world.pool])[0]
    where = "matcher page"
    for name_, value in (("paid_in", pool.paid_in), ("matched", pool.matched), ("returned", pool.returned),
                         ("left", pool.balance), ("unpaid", pool.cap - pool.paid_in)):  # fmt: skip
        same(where, name_, getattr(figures, name_), yuan(value))
    pk_to_label = {pk: label for label, pk in labels_to_pk.items()}
    product = {pk_to_label[m.donation_id]: (m.amount_minor, m.reduced_minor) for m in PoolMatch.objects.all()}
    want = {label: (m.amount, m.reduced) for label, m in pool.matches.items()}
    same("gifts' matches (amount, given back)", "by gift", product, want)


def check_after_step(world: World, model: Model, labels_to_pk: dict[str, int]) -> None:
    """The ledger's rules and every account against the model; both campaign pages' figures, wall
    and donor count (a few queries); the pool's figures and every match; the money columns and
    status of each gift."""
    check_ledger()
    check_balances(world, model)
    check_pool(world, model, labels_to_pk)
    for name in (KEEP, AON):
        check_campaign(world, model, name)
    rows = {d.pk: d for d in Donation.objects.filter(pk__in=labels_to_pk.values())}
    for label, g in model.gifts.items():
        d = rows[labels_to_pk[label]]
        where = f"gift {g.label} (pk {d.pk}, ¥{g.amount / 100:.2f} to {g.campaign})"
        assert d.status in model.status(g), (
            f"{where}: status product={d.status} model={sorted(model.status(g))}"
        )
        same(where, "captured", d.captured_at is not None, g.captured)
        if g.captured:
            same(f"admin {where}", "refunded", d.refunded_minor, g.refunded + g.receivable)


def check_pages(world: World, model: Model, labels_to_pk: dict[str, int]) -> None:
    """Every page, report and admin figure against the model (at the end of each example, or after
    every step with ``MONEY_MODEL_PAGES_EVERY_STEP=1``)."""
    check_ledger()
    for name in (KEEP, AON):
        check_campaign(world, model, name)
    for label, g in model.gifts.items():
        check_gift(world, model, g, labels_to_pk[label])
    for donor in sorted({g.donor for g in model.gifts.values()}):
        check_donor(model, donor, labels_to_pk)
    check_platform(model)


def gift_fingerprint(model: Model, g: Gift) -> tuple:
    """Everything the model says about a gift that a page shows (statuses, cents by state, parts
    by release and each release's state)."""
    parts = tuple(sorted((r, c, model.releases[r].state) for r, c in g.allocations.items()))
    return (tuple(sorted(model.status(g))), g.captured, model.held(g), model.released(g),
            model.released(g, ("paid",)), g.refunded, g.receivable, model.disputed(g), model.lost(g),
            model.to_recover(g), parts)  # fmt: skip


def check_pages_that_changed(world: World, model: Model, labels_to_pk: dict[str, int], seen: dict) -> None:
    """After every step, the pages whose figures the model says this step changed: the donor page
    and trace of each such gift, the statement of each donor with such a gift, the transparency
    page and report when a campaign's totals changed. (``check_after_step`` already compares both
    campaign pages and every account's balance after every step, so a product change the model
    did not make shows there or on a gift the model did change.) ``seen`` keeps the fingerprints
    between steps."""
    changed_donors = set()
    for label, g in model.gifts.items():
        mark = gift_fingerprint(model, g)
        if seen.get(("gift", label)) != mark:
            seen[("gift", label)] = mark
            check_gift(world, model, g, labels_to_pk[label])
            changed_donors.add(g.donor)
    for donor in sorted(changed_donors):
        check_donor(model, donor, labels_to_pk)
    totals = tuple(sorted(model.totals(name).items()) for name in (KEEP, AON))
    if seen.get("platform") != totals:
        seen["platform"] = totals
        check_platform(model)
