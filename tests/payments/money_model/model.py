"""The reference model: what each donor gave and where each cent is, in plain Python.

It knows nothing of the product's code. Every rule it encodes comes from issue 9 and
``DESIGN.md`` §3: a gift's cents are held, approved but not yet paid, paid to a partner, refunded,
disputed (frozen while a chargeback is open) or lost to a dispute; a refund or a dispute takes
only the gift's own held cents (released cents are never taken back from other donors' gifts);
a release consumes gifts earmarked for its beneficiary first, then unearmarked gifts first in,
first out; every provider event moves money at most once, in whatever order it arrives.

Amounts are integer minor units (fen) of CNY throughout.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from tests.payments.money_model import flags

KEEP = "K"  # keep-what-is-raised campaign with two beneficiaries
AON = "N"  # all-or-nothing campaign (goal AON_GOAL), no beneficiaries
AON_GOAL = 100_000  # ¥1,000


@dataclass
class Dispute:
    provider_id: str
    amount: int  # what the bank disputes
    frozen: int = 0  # what our side froze when it opened: the amount, capped at what was not refunded
    fronted: int = 0  # the part of it already released to a partner: the platform fronts it
    state: str = ""  # "" until our side hears of it; open | won | lost
    provider_state: str = "open"  # what the bank decided: open | won | lost


@dataclass
class DashboardRefund:
    """A refund made at the provider, not through the app."""

    provider_id: str
    amount: int
    heard: bool = False


@dataclass
class Release:
    label: str
    campaign: str
    beneficiary: int
    amount: int
    connect: bool  # paid by Connect transfer at once, else a recorded bank transfer later
    state: str = "requested"  # requested | approved | paid


@dataclass
class Refund:
    label: str
    gift: str
    amount: int
    state: str = "pending"  # pending | retrying | succeeded | failed
    automatic: bool = False  # asked for by the all-or-nothing job, not by a finance officer
    at_provider: bool = False  # the provider refunded it but our worker died before recording it


@dataclass
class Match:
    """A gift's match by the pool: moved into escrow at ``amount``, ``reduced`` of it given back."""

    amount: int
    reduced: int = 0

    @property
    def net(self) -> int:
        return self.amount - self.reduced


@dataclass
class Pool:
    """The matching pool on the all-or-nothing campaign (ADR 0227, 0238): ``ratio_tenths`` (10 is
    1:1), a pledge of ``cap``, ``paid_in`` confirmed, ``returned`` to the matcher once closed."""

    ratio_tenths: int
    cap: int
    paid_in: int = 0
    returned: int = 0
    open: bool = True
    matches: dict[str, Match] = field(default_factory=dict)  # gift label -> its match

    @property
    def matched(self) -> int:
        return sum(m.net for m in self.matches.values())

    @property
    def balance(self) -> int:
        return self.paid_in - self.matched - self.returned


@dataclass
class Gift:
    label: str
    campaign: str
    donor: int
    amount: int
    earmark: int | None = None
    anonymous: bool = False
    named: bool = True  # the donor gave a name for the wall (a monthly renewal carries none)
    monthly: bool = False
    seq: int | None = None  # order of capture (None: not captured)
    charged: bool = False  # the provider took the money (whether or not we heard)
    failed: bool = False
    refunded: int = 0  # out of escrow to the donor (requested refunds count at once)
    refunded_done: int = 0  # refunds the provider has carried out and we know of
    provider_refunded: int = 0  # what the provider has refunded, whether we know or not
    receivable: int = 0  # provider refunds beyond the gift's held cents (the platform fronts them)
    dashboard: list[DashboardRefund] = field(default_factory=list)
    allocations: dict[str, int] = field(default_factory=dict)  # release label -> cents
    dispute: Dispute | None = None

    @property
    def captured(self) -> bool:
        return self.seq is not None

    def dispute_fronted(self) -> int:
        """The released part of an open or lost dispute (frozen, but not out of this gift's held cents)."""
        return self.dispute.fronted if self.dispute and self.dispute.state in ("open", "lost") else 0


class Model:
    """State and transitions. Methods named like the product's actions return what the product
    must answer (True/False for allowed/refused) and update the state only when allowed."""

    def __init__(self) -> None:
        self.gifts: dict[str, Gift] = {}
        self.releases: dict[str, Release] = {}
        self.refunds: dict[str, Refund] = {}
        self.next_seq = 0
        self.aon_status = "live"  # live | funded | failed
        self.aon_deadline_passed = False
        self.pool: Pool | None = None  # on the all-or-nothing campaign (flags.MATCHING)

    # --- derived cents -------------------------------------------------------------------
    def released(self, g: Gift, states: tuple[str, ...] = ("approved", "paid")) -> int:
        return sum(c for r, c in g.allocations.items() if self.releases[r].state in states)

    @staticmethod
    def disputed(g: Gift) -> int:
        """Cents frozen by an open dispute (the whole disputed amount, released cents included)."""
        return g.dispute.frozen if g.dispute and g.dispute.state == "open" else 0

    @staticmethod
    def lost(g: Gift) -> int:
        return g.dispute.frozen if g.dispute and g.dispute.state == "lost" else 0

    @staticmethod
    def to_recover(g: Gift) -> int:
        """What the platform fronted for this gift and has not recovered: provider refunds beyond
        its held cents, and the released part of an open or lost dispute."""
        fronted = g.dispute.fronted if g.dispute and g.dispute.state in ("open", "lost") else 0
        return g.receivable + fronted

    def held(self, g: Gift) -> int:
        if not g.captured:
            return 0
        return (
            g.amount - g.refunded - self.released(g) - self.disputed(g) - self.lost(g) + g.dispute_fronted()
        )

    def counted(self, g: Gift) -> int:
        """What of the gift still counts towards the goal (held or released; not refunded, frozen
        by an open dispute or lost to one), from the ledger's point of view."""
        if not g.captured:
            return 0
        return g.amount - g.refunded - g.receivable - self.disputed(g) - self.lost(g)

    def matched(self, campaign: str) -> int:
        """Matched funds in the campaign's escrow (the pool matches the all-or-nothing campaign)."""
        if self.pool is None or campaign != AON:
            return 0
        return self.pool.matched

    def captured_gifts(self, campaign: str | None = None) -> list[Gift]:
        gifts = [g for g in self.gifts.values() if g.captured and campaign in (None, g.campaign)]
        return sorted(gifts, key=lambda g: g.seq)

    def totals(self, campaign: str) -> dict[str, int]:
        gifts = self.captured_gifts(campaign)
        matched = self.matched(campaign)  # in escrow, belongs to no gift (no releases here)
        return {
            "raised": sum(g.amount for g in gifts),
            "matched": matched,
            "held": sum(self.held(g) for g in gifts) + matched,
            "released": sum(self.released(g) for g in gifts),
            "approved": sum(self.released(g, ("approved",)) for g in gifts),
            "paid": sum(self.released(g, ("paid",)) for g in gifts),
            "refunded": sum(g.refunded + g.receivable for g in gifts),
            "to_recover": sum(self.to_recover(g) for g in gifts),
            "disputed": sum(self.disputed(g) for g in gifts),
            "lost": sum(self.lost(g) for g in gifts),
            "counted": sum(self.counted(g) for g in gifts) + matched,
            "donors": len({g.donor for g in gifts if self.still_given(g) > 0}),
        }

    def status(self, g: Gift) -> set[str]:
        """The statuses the gift may show. A gift refunded in full is refunded whatever follows;
        a refund asked for but not yet carried out may show either side."""
        if not g.captured:
            return {"failed"} if g.failed else {"processing", "created", "awaiting_card"}
        return {self._status_for(g, g.refunded_done), self._status_for(g, g.refunded + g.receivable)}

    def _status_for(self, g: Gift, refunded: int) -> str:
        if refunded >= g.amount:
            return "refunded"
        if g.dispute and g.dispute.state == "lost":
            return "charged_back"
        if g.dispute and g.dispute.state == "open":
            return "disputed"
        return "partially_refunded" if refunded else "succeeded"

    def still_given(self, g: Gift) -> int:
        """What the donor has not had back: the gift less every refund (the part the platform
        fronted too) and what an open or lost chargeback took from the card (the disputed amount,
        whether or not escrow could cover it). The donor count and the wall follow this
        (glossary, "donors"): a donor who had everything back is no longer a donor."""
        if not g.captured:
            return 0
        taken = g.dispute.amount if g.dispute and g.dispute.state in ("open", "lost") else 0
        return g.amount - g.refunded - g.receivable - taken

    def on_wall(self, g: Gift) -> bool:
        return self.still_given(g) > 0

    def statement_total(self, donor: int) -> int:
        return sum(
            g.amount - g.refunded - g.receivable - (self.lost(g) if flags.STATEMENT_NET_OF_LOST else 0)
            for g in self.captured_gifts()
            if g.donor == donor
        )

    # --- transitions ---------------------------------------------------------------------
    def accepts_gift(self, campaign: str) -> bool:
        if campaign == KEEP:
            return True
        if self.aon_status == "failed":
            return False
        if flags.DEADLINE_AT_ACTION:
            return not self.aon_deadline_passed  # funded or not, gifts close with the deadline day
        return not (self.aon_status == "live" and self.aon_deadline_passed)

    def capture(self, g: Gift) -> bool:
        if g.captured or not g.charged:
            return False
        g.seq = self.next_seq
        self.next_seq += 1
        self.match_follow(g)  # the capture's event queues matching, run on commit
        return True

    # --- matching (ADR 0227, 0238) ---------------------------------------------------------
    def still_counts(self, g: Gift) -> int:
        """What of the gift the match follows: less refunds (ours and the provider's, failed ones
        back) and what a lost dispute took; an open dispute does not count."""
        lost = g.dispute.amount if g.dispute and g.dispute.state == "lost" else 0
        return max(0, g.amount - g.refunded - g.receivable - lost)

    def match_follow(self, g: Gift) -> None:
        """Give back the share of the gift's match it lost (never brought back), then match it if
        it lost nothing, the pool is open and holds money: floor(gift × ratio), at most the pool's
        balance."""
        pool = self.pool
        if pool is None or g.campaign != AON or not g.captured:
            return
        counts = self.still_counts(g)
        match = pool.matches.get(g.label)
        if match is not None:
            keep = match.amount * counts // g.amount
            back = match.amount - match.reduced - keep
            if back > 0:
                match.reduced += back
        if match is None and counts == g.amount and pool.open:
            amount = min(g.amount * pool.ratio_tenths // 10, pool.balance)
            if amount > 0:
                pool.matches[g.label] = Match(amount=amount)

    def _succeeded(self, g: Gift) -> bool:
        return g.refunded + g.receivable == 0 and not (g.dispute and g.dispute.state in ("open", "lost"))

    def match_sweep(self) -> None:
        """``matches_sweep``: gifts in the open pool's window it has not matched (succeeded, nothing
        refunded) while it holds money, and matched gifts that lost money and did not give it all
        back, followed in the order they were made."""
        pool = self.pool
        if pool is None:
            return
        due: dict[str, Gift] = {}
        if pool.open and pool.balance > 0:
            for g in self.captured_gifts(AON):
                if g.label not in pool.matches and self._succeeded(g):
                    due[g.label] = g
        for label, m in pool.matches.items():
            g = self.gifts[label]
            lost_money = g.refunded + g.receivable > 0 or (
                g.dispute is not None and g.dispute.state == "lost"
            )
            if m.reduced < m.amount and lost_money:
                due[label] = g
        for g in sorted(due.values(), key=self._made):
            self.match_follow(g)

    @staticmethod
    def _made(g: Gift) -> int:
        return int(g.label[1:])  # g<n>: gifts are labelled in the order they were made (pk order)

    def pay_in_allowed(self, amount: int) -> bool:
        return self.pool is not None and 0 < amount <= self.pool.cap - self.pool.paid_in

    def return_allowed(self) -> bool:
        """The leftover may go back once the pool is closed (the test's pool window runs a day),
        if it holds anything."""
        return self.pool is not None and not self.pool.open and self.pool.balance > 0

    def refund_allowed(self, g: Gift, amount: int) -> bool:
        return (
            g.captured
            and not (g.dispute and g.dispute.state in ("open", "lost"))
            and 0 < amount <= g.amount - g.refunded
            and amount <= self.held(g)
        )

    def refund_request(self, r: Refund) -> None:
        g = self.gifts[r.gift]
        g.refunded += r.amount
        self.refunds[r.label] = r

    def refund_provider_accepts(self, r: Refund) -> bool:
        g = self.gifts[r.gift]
        return g.provider_refunded + r.amount <= g.amount

    def refund_succeeded(self, r: Refund) -> None:
        g = self.gifts[r.gift]
        r.state = "succeeded"
        g.refunded_done += r.amount
        if not r.at_provider:
            g.provider_refunded += r.amount

    def refund_failed(self, r: Refund) -> None:
        """The provider refused it for good: a finance officer's refund fails and its cents go back
        to escrow; an automatic one stays reserved and is retried until it succeeds or finance
        takes it over (issue 9 §5)."""
        if r.automatic:
            r.state = "retrying"
            return
        self.refund_given_up(r)

    def refund_given_up(self, r: Refund) -> None:
        g = self.gifts[r.gift]
        r.state = "failed"
        g.refunded -= r.amount

    def in_flight(self, g: Gift) -> bool:
        """One of our own refunds of the gift has no provider id yet (asked for, not carried out)."""
        return any(r.gift == g.label and r.state in ("pending", "retrying") for r in self.refunds.values())

    def provider_refunds_heard(self, g: Gift, provider_ids: list[str] | None = None) -> bool:
        """``charge.refunded`` (every refund of the charge, as the provider lists it now) or
        ``refund.*`` (that one refund) is processed. Returns False if the event must wait: one of
        our refunds of the gift is in flight, or a refund does not fit what is left of the gift."""
        if not flags.PROVIDER_REFUND_EVENTS:
            return True
        new = [
            d for d in g.dashboard if not d.heard and (provider_ids is None or d.provider_id in provider_ids)
        ]
        if not new:
            return True
        if self.in_flight(g):
            return False
        given_back = sum(r.amount for r in self.refunds.values() if r.gift == g.label and r.state != "failed")
        given_back += sum(d.amount for d in g.dashboard if d.heard)
        if given_back + sum(d.amount for d in new) > g.amount:
            return False
        for d in new:
            covered = min(d.amount, max(0, self.held(g)))
            g.refunded += covered
            g.receivable += d.amount - covered
            g.refunded_done += d.amount
            d.heard = True
        return True

    def allocate(self, release: Release) -> bool:
        """Earmarked for the beneficiary first, then unearmarked, first in first out."""
        eligible = [
            g for g in self.captured_gifts(release.campaign) if g.earmark in (None, release.beneficiary)
        ]
        eligible.sort(key=lambda g: (g.earmark != release.beneficiary, g.seq))
        if sum(max(0, self.held(g)) for g in eligible) < release.amount:
            return False
        wanted = release.amount
        for g in eligible:
            take = min(max(0, self.held(g)), wanted)
            if take:
                g.allocations[release.label] = take
                wanted -= take
        release.state = "approved"
        return True

    def dispute_heard(self, g: Gift, closed: str = "") -> None:
        """``charge.dispute.created`` (or a ``closed`` that arrives first) opens our side once;
        ``closed`` with won/lost settles it once."""
        d = g.dispute
        if d.state == "":
            d.frozen = max(0, min(d.amount, g.amount - g.refunded - g.receivable))
            d.fronted = d.frozen - min(d.frozen, max(0, self.held(g)))
            d.state = "open"
        if closed in ("won", "lost") and d.state == "open":
            d.state = closed

    def aon_settle(self) -> None:
        """At the deadline: funded if the money that still counts reaches the goal (not the gross
        raised: issue 9 §3), else failed (the machine then expects each gift's refund)."""
        if self.aon_status != "live":
            return
        counted = self.totals(AON)["counted"]
        self.aon_status = "funded" if counted >= AON_GOAL else "failed"
