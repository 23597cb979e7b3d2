"""The state machine: random sequences of what donors, finance, partners, banks and the provider do.

Each rule acts on the product through its real entry points (services, tasks, signed webhooks)
and on the model, and asserts what the product answered (a refusal must be predicted by the model
and must leave no row behind). After every step ``every_figure_agrees`` compares every figure the
step changed, and the ledger, every account and both campaign pages whatever it changed.
"""

from __future__ import annotations

import functools
import os
import sys
from collections import Counter
from collections.abc import Callable
from datetime import timedelta

from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.utils import timezone
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from campaigns.models import Campaign
from payments.all_or_nothing.services import all_or_nothing_settle
from payments.allocation.services import NotEnoughHeld
from payments.donations.models import MonthlyPlan
from payments.donations.monthly import monthly_renewal_charge
from payments.donations.services import DonationNotPossible
from payments.donations.tasks import send_receipt
from payments.gateway.card import RetryableGatewayError, TerminalGatewayError
from payments.ledger.services import InsufficientFunds
from payments.matching.models import PayInMethod
from payments.matching.returns import ReturnNotAllowed, pool_return_confirm, pool_return_record
from payments.matching.services import (
    PayInNotAllowed,
    matches_sweep,
    pool_close,
    pool_pay_in_confirm,
    pool_pay_in_record,
)
from payments.models import Donation, OutboxCommand, Refund, Release
from payments.refunds.services import RefundNotAllowed, refund_request, refund_take_over
from payments.refunds.tasks import outbox_run
from payments.releases.exceptions import ReleaseNotAllowed
from payments.releases.payouts import release_record_bank_transfer, transfer_key
from payments.releases.services import release_approve
from payments.releases.tasks import release_transfer_run
from payments.webhooks.models import WebhookEvent, WebhookStatus
from payments.webhooks.services import webhook_process
from tests.builders import verified_milestone
from tests.payments.money_model import flags
from tests.payments.money_model import model as m
from tests.payments.money_model.checks import check_after_step, check_pages, check_pages_that_changed
from tests.payments.money_model.world import ProviderCrash, World, cny, tasks

GIFT_AMOUNTS = st.sampled_from([1_000, 12_345, 30_000, 50_000, 100_000, 250_000])
RELEASE_AMOUNTS = st.sampled_from([10_000, 30_000, 50_000, 120_000, 300_000])
PICK = st.integers(min_value=0, max_value=63)
# After every step: the ledger, every account, both campaign pages and every gift's status, and
# every other page whose figures the step changed; every page again at the end of each example.
# ``MONEY_MODEL_PAGES_EVERY_STEP=1`` reads every page after every step, changed or not (slow).
PAGES_EVERY_STEP = os.environ.get("MONEY_MODEL_PAGES_EVERY_STEP", "") == "1"


def counted(step):
    """Count how often each step runs (the bench prints it: proof that every path is exercised)."""

    @functools.wraps(step)
    def run(self, **kwargs):
        MoneyMachine.calls[step.__name__] += 1
        result = step(self, **kwargs)
        self._matching_sweep()  # the beat's sweep may run between any two steps
        return result

    return run


class MoneyMachine(RuleBasedStateMachine):
    examples = 0  # examples begun (the bench script reports it)
    failures: Counter = Counter()  # kinds of disagreement, when the bench keeps going
    calls: Counter = Counter()  # steps run, by name

    def __init__(self) -> None:
        super().__init__()
        MoneyMachine.examples += 1
        self.world = World()
        self.model = m.Model()
        self.pk: dict[str, int] = {}  # gift label -> Donation pk
        self.sent: list[tuple[dict, Callable[[], object]]] = []  # provider events, in any order later
        self.inbox: list[tuple[int, Callable[[], object]]] = []  # stored events and their effects
        self.plans: list[tuple[int, int]] = []  # (MonthlyPlan pk, donor)
        self.release_pk: dict[str, int] = {}
        self.refund_pk: dict[str, int] = {}
        self.serial = 0
        self.deadline_runs = 0
        self.seen: dict = {}  # what each page showed at the last check (checks.check_pages_that_changed)

    def teardown(self) -> None:
        try:
            if sys.exc_info()[0] is None:  # the sequence ran: read every page once more
                check_pages(self.world, self.model, self.pk)
        finally:
            self.world.close()

    def _next(self) -> int:
        self.serial += 1
        return self.serial

    def _new_gift(self, donation: Donation, **fields) -> m.Gift:
        g = m.Gift(label=f"g{len(self.model.gifts)}", amount=donation.amount_minor, **fields)
        self.model.gifts[g.label] = g
        self.pk[g.label] = donation.pk
        return g

    def _captured(self) -> list[m.Gift]:
        return self.model.captured_gifts()

    # --- gifts -----------------------------------------------------------------------------
    @initialize(first=st.lists(st.tuples(st.sampled_from([m.KEEP, m.KEEP, m.AON]), st.integers(0, 2), GIFT_AMOUNTS,
                                         st.sampled_from([None, 0, 1]), st.booleans()), min_size=1, max_size=3))  # fmt: skip
    def money_comes_in(self, first):
        """Every example starts with one to three received gifts, so the steps have money to move."""
        for campaign, donor, amount, earmark, anonymous in first:
            self.give(campaign=campaign, donor=donor, amount=amount, earmark=earmark, anonymous=anonymous,
                      monthly=False, card="ok", stale_event=False)  # fmt: skip

    @rule(campaign=st.sampled_from([m.KEEP, m.KEEP, m.AON]), donor=st.integers(0, 2), amount=GIFT_AMOUNTS,
          earmark=st.sampled_from([None, None, 0, 1]), anonymous=st.booleans(), monthly=st.booleans(),
          card=st.sampled_from(["ok", "ok", "ok", "declined", "unheard"]), stale_event=st.booleans())  # fmt: skip
    @counted
    def give(self, campaign, donor, amount, earmark, anonymous, monthly, card, stale_event):
        if campaign == m.AON:
            earmark, monthly = None, False
        monthly = monthly and card == "ok"
        accepted = self.model.accepts_gift(campaign)
        before = self.world.side_effects()
        try:
            donation = self.world.gift_form(campaign=campaign, donor=donor, amount=amount, earmark=earmark,
                                            anonymous=anonymous, monthly=monthly)  # fmt: skip
            donation = self.world.gift_card(donation, card=card)
        except DonationNotPossible:
            assert not accepted, f"a ¥{amount / 100:.2f} gift to {campaign} was refused"
            assert self.world.side_effects() == before, "a refused gift left rows behind"
            return
        assert accepted, f"{campaign} took a gift after its deadline (status {self.model.aon_status})"
        g = self._new_gift(donation, campaign=campaign, donor=donor, earmark=earmark, anonymous=anonymous,
                           monthly=monthly, charged=card != "declined", failed=card == "declined")  # fmt: skip
        if card == "ok":
            self.model.capture(g)
            if monthly:
                self.plans.append((MonthlyPlan.objects.get(donations=donation).pk, donor))
        if g.charged:
            intent = donation.provider_payment_intent_id or self.world.intent_of[donation.pk]
            types = ["payment_intent.succeeded"] + (["payment_intent.payment_failed"] if stale_event else [])
            for type_ in types:
                # A stale failure is re-checked with the provider, which says succeeded.
                obj = self.world.intent_object(donation, intent, type_.rsplit(".", 1)[1])
                self.sent.append((self.world.event(type_, obj), lambda g=g: self.model.capture(g)))

    @precondition(lambda self: self.plans)
    @rule(i=PICK, twice=st.booleans())
    @counted
    def monthly_renewal(self, i, twice):
        plan_pk, donor = self.plans[i % len(self.plans)]
        plan = MonthlyPlan.objects.get(pk=plan_pk)
        today = plan.next_charge_on
        with tasks():
            outcome = monthly_renewal_charge(plan=plan, today=today)
        assert outcome == "succeeded", f"renewal of plan {plan_pk} on {today}: {outcome}"
        if twice:  # the scheduled job delivered again on the same day
            with tasks():
                again = monthly_renewal_charge(plan=MonthlyPlan.objects.get(pk=plan_pk), today=today)
            assert again == "skipped", f"renewal run twice on {today}: {again}"
        donation = Donation.objects.get(idempotency_key=f"monthly:{plan_pk}:{today.isoformat()}")
        g = self._new_gift(donation, campaign=m.KEEP, donor=donor, monthly=True, charged=True, named=False)
        self.model.capture(g)

    @precondition(lambda self: flags.RECEIPT_ONCE and any(g.captured for g in self.model.gifts.values()))
    @rule(i=PICK)
    @counted
    def receipt_task_again(self, i):
        g = self._captured()[i % len(self._captured())]
        send_receipt(self.pk[g.label])

    # --- provider events -------------------------------------------------------------------
    @precondition(lambda self: self.sent)
    @rule(i=PICK, times=st.integers(1, 2))
    @counted
    def provider_event_arrives(self, i, times):
        """Any event sent so far, in any order, once or twice. The inbox stores it once and the
        processing task runs then (a duplicate is a no-op); an event that must wait stays in the
        inbox for the sweeper."""
        payload, effect = self.sent[i % len(self.sent)]
        for _ in range(times):
            pk, created = self.world.deliver(payload)
            if created:
                self.inbox.append((pk, effect))
                effect()

    @precondition(lambda self: self.inbox)
    @rule(i=PICK)
    @counted
    def webhook_task_again(self, i):
        """The processing task delivered again, or the sweeper retrying a waiting event."""
        pk, effect = self.inbox[i % len(self.inbox)]
        # A processed event is not processed again (exactly once, ADR 0209): its effect was had.
        # Re-running the effect would hear what the provider did since (a later dashboard refund
        # of the same charge), which reaches us by that refund's own events, not this one.
        done = WebhookEvent.objects.filter(pk=pk, status=WebhookStatus.PROCESSED).exists()
        with tasks():
            webhook_process(event_pk=pk)
        if not done:
            effect()

    # --- refunds ---------------------------------------------------------------------------
    @precondition(lambda self: self._captured())
    @rule(i=PICK, how=st.sampled_from(["held", "half", "fen", "over", "rest"]),
          mode=st.sampled_from(["now", "now", "queued", "retry", "terminal", "crash"]))  # fmt: skip
    @counted
    def finance_refunds(self, i, how, mode):
        g = self._captured()[i % len(self._captured())]
        held = self.model.held(g)
        amount = {
            "held": held,
            "half": held // 2,
            "fen": 1,
            "over": held + 100,
            "rest": g.amount - g.refunded,
        }[how]
        amount = amount if amount > 0 else 100
        allowed = self.model.refund_allowed(g, amount)
        donation = Donation.objects.get(pk=self.pk[g.label])
        before = self.world.side_effects()
        try:
            with tasks(run=False) as queued:
                refund = refund_request(donation=donation, amount=cny(amount), reason="donor asked",
                                        actor=self.world.finance)  # fmt: skip
        except RefundNotAllowed:
            assert not allowed, f"refund of ¥{amount / 100:.2f} from {g.label} refused"
            assert self.world.side_effects() == before, "a refused refund left rows behind"
            return
        assert allowed, f"refund of ¥{amount / 100:.2f} from {g.label} (held ¥{held / 100:.2f}) accepted"
        r = m.Refund(label=f"r{len(self.model.refunds)}", gift=g.label, amount=amount)
        self.model.refund_request(r)
        self.refund_pk[r.label] = refund.pk
        # Matching follows the gift while the refund is reserved (its status event, or the sweep if
        # that was lost), before the provider answers: a refund that later fails keeps it given back.
        self._matching_sweep()
        if mode == "queued":
            return
        self._inject(mode)
        self._run_outbox(r, queued)

    def _inject(self, mode: str) -> None:
        gateway = self.world.gateway
        if mode == "retry":
            gateway.fail_next("refund_create", RetryableGatewayError("try later", code="rate_limit"))
        elif mode == "terminal":
            gateway.fail_next("refund_create", TerminalGatewayError("charge expired", code="charge_expired"))
        elif mode == "crash":
            self.world.crash_after_provider("refund_create")

    def _run_outbox(self, r: m.Refund, queued: list | None = None) -> None:
        """Run the refund's outbox task (its queued callback, or the task by id) and follow the
        model: a refund the provider accepts succeeds; a retryable failure or a crash after the
        provider acted leaves it pending; a terminal failure gives the cents back to escrow."""
        gateway = self.world.gateway
        pending_failure = gateway._failures.get("refund_create") or []
        failure = pending_failure[0] if pending_failure else None
        crash = bool(gateway._crashes.get("refund_create"))
        accepts = self.model.refund_provider_accepts(r) or r.at_provider
        try:
            with tasks():
                if queued is not None:
                    for callback in queued:
                        callback()
                else:
                    outbox_run(self._command(r).pk)
        except ProviderCrash:
            assert crash
            if accepts and not r.at_provider:
                r.at_provider = True
                self.model.gifts[r.gift].provider_refunded += r.amount
            return
        finally:
            # A crash is armed for after the provider acts: a refusal never reaches it.
            gateway._crashes.pop("refund_create", None)
        if failure is not None and failure.retryable:
            return
        if failure is not None or not accepts:
            self.model.refund_failed(r)
            return
        self.model.refund_succeeded(r)
        self._provider_tells_of_our_refund(r)

    def _command(self, r: m.Refund) -> OutboxCommand:
        return OutboxCommand.objects.get(key=Refund.objects.get(pk=self.refund_pk[r.label]).key)

    def _provider_tells_of_our_refund(self, r: m.Refund) -> None:
        """Stripe also sends ``charge.refunded`` and ``refund.created`` for refunds we made: the
        first lists every refund of the charge (a dashboard refund not heard yet comes with it),
        the second is ours and moves nothing."""
        if not flags.PROVIDER_REFUND_EVENTS:
            return
        refund = Refund.objects.get(pk=self.refund_pk[r.label])
        g = self.model.gifts[r.gift]
        charge, obj = self.world.refund_objects(
            refund.donation, refund.provider_refund_id, refund.amount_minor
        )
        self.sent.append(
            (self.world.event("charge.refunded", charge), lambda: self.model.provider_refunds_heard(g))
        )
        self.sent.append((self.world.event("refund.created", obj), lambda: True))

    @precondition(lambda self: self.model.refunds)
    @rule(i=PICK, twice=st.booleans())
    @counted
    def outbox_task_runs(self, i, twice):
        """The sweeper (or a redelivered task) runs a refund command, once its backoff is over."""
        refunds = list(self.model.refunds.values())
        r = refunds[i % len(refunds)]
        command = self._command(r)
        self.world.time_passes_for(command.pk)
        in_flight = ("pending", "retrying")
        if r.state in in_flight:
            self._run_outbox(r)
        with tasks():
            status = outbox_run(command.pk) if twice or r.state not in in_flight else None
        if r.state not in in_flight:
            assert status in (None, "skipped"), f"outbox ran refund {r.label} again: {status}"

    @precondition(lambda self: any(r.state == "retrying" for r in self.model.refunds.values()))
    @rule(i=PICK)
    def finance_takes_over_refused_refund(self, i):
        """An automatic refund the provider keeps refusing: finance stops it and handles it by hand."""
        refused = [r for r in self.model.refunds.values() if r.state == "retrying"]
        r = refused[i % len(refused)]
        with tasks():
            refund_take_over(refund=Refund.objects.get(pk=self.refund_pk[r.label]), actor=self.world.finance,
                             reason="the card account is closed; paying back by bank transfer")  # fmt: skip
        self.model.refund_given_up(r)
        self._matching_sweep()

    @precondition(lambda self: flags.PROVIDER_REFUND_EVENTS and self._dashboard_candidates())
    @rule(i=PICK, part=st.sampled_from(["all", "half", "fen"]))
    @counted
    def provider_dashboard_refund(self, i, part):
        """Someone refunds in the provider's dashboard; we hear by ``charge.refunded``/``refund.*``."""
        gifts = self._dashboard_candidates()
        g = gifts[i % len(gifts)]
        room = g.amount - g.provider_refunded
        amount = {"all": room, "half": max(1, room // 2), "fen": 1}[part]
        donation = Donation.objects.get(pk=self.pk[g.label])
        refund_id = self.world.dashboard_refund(donation, amount, self._next())
        g.provider_refunded += amount
        g.dashboard.append(m.DashboardRefund(provider_id=refund_id, amount=amount))
        charge, obj = self.world.refund_objects(donation, refund_id, amount)
        self.sent.append(
            (self.world.event("charge.refunded", charge), lambda: self.model.provider_refunds_heard(g))
        )
        self.sent.append(
            (
                self.world.event("refund.created", obj),
                lambda: self.model.provider_refunds_heard(g, [refund_id]),
            )
        )

    def _dashboard_candidates(self) -> list[m.Gift]:
        return [g for g in self._captured() if g.amount > g.provider_refunded and not g.dispute]

    # --- disputes --------------------------------------------------------------------------
    def _disputable(self) -> list[m.Gift]:
        pending = {r.gift for r in self.model.refunds.values() if r.state == "pending"}
        return [
            g
            for g in self._captured()
            if g.dispute is None and g.amount > g.provider_refunded and g.label not in pending
        ]

    @precondition(lambda self: self._disputable())
    @rule(i=PICK, part=st.booleans(), withdrawn=st.booleans())
    @counted
    def bank_opens_dispute(self, i, part, withdrawn):
        gifts = self._disputable()
        g = gifts[i % len(gifts)]
        remaining = g.amount - g.provider_refunded
        g.dispute = m.Dispute(
            provider_id=f"dp_mm_{self._next()}", amount=remaining // 2 if part else remaining
        )
        donation = Donation.objects.get(pk=self.pk[g.label])
        obj = self.world.dispute_object(donation, g.dispute.provider_id, g.dispute.amount, "needs_response")
        types = ["charge.dispute.created"] + (["charge.dispute.funds_withdrawn"] if withdrawn else [])
        for type_ in types:
            self.sent.append((self.world.event(type_, obj), lambda g=g: self.model.dispute_heard(g)))

    @precondition(
        lambda self: any(g.dispute and g.dispute.provider_state == "open" for g in self._captured())
    )
    @rule(i=PICK, won=st.booleans())
    @counted
    def bank_closes_dispute(self, i, won):
        gifts = [g for g in self._captured() if g.dispute and g.dispute.provider_state == "open"]
        g = gifts[i % len(gifts)]
        status = "won" if won else "lost"
        g.dispute.provider_state = status
        donation = Donation.objects.get(pk=self.pk[g.label])
        obj = self.world.dispute_object(donation, g.dispute.provider_id, g.dispute.amount, status)
        effect = lambda: self.model.dispute_heard(g, closed=status)  # noqa: E731
        self.sent.append((self.world.event("charge.dispute.closed", obj), effect))

    # --- releases --------------------------------------------------------------------------
    @rule(beneficiary=st.integers(0, 1), amount=RELEASE_AMOUNTS, connect=st.booleans())
    @counted
    def outcome_verified_and_approved(self, beneficiary, amount, connect):
        """A verifier signs off an outcome (the release is requested); finance approves it."""
        with tasks():
            milestone = verified_milestone(beneficiary=self.world.beneficiaries[beneficiary],
                                           verifier=self.world.verifier, partner=self.world.partners[connect],
                                           minor=amount)  # fmt: skip
        release = Release.objects.get(milestone=milestone)
        r = m.Release(label=f"rel{len(self.model.releases)}", campaign=m.KEEP, beneficiary=beneficiary,
                      amount=amount, connect=connect)  # fmt: skip
        self.model.releases[r.label] = r
        self.release_pk[r.label] = release.pk
        self.world.release_labels[release.pk] = r.label
        self._approve(r)

    def _approve(self, r: m.Release) -> None:
        before = self.world.side_effects()
        release = Release.objects.get(pk=self.release_pk[r.label])
        snapshot = {g.label: dict(g.allocations) for g in self.model.gifts.values()}
        allowed = r.state == "requested" and self.model.allocate(r)
        try:
            with tasks():
                release_approve(release=release, actor=self.world.finance)
        except (NotEnoughHeld, InsufficientFunds, ReleaseNotAllowed) as exc:
            assert not allowed, f"release {r.label} of ¥{r.amount / 100:.2f} refused: {exc}"
            assert self.world.side_effects() == before, "a refused release left rows behind"
            return
        assert allowed, f"release {r.label} ({r.state}) approved; model allocations were {snapshot}"
        if r.connect:
            r.state = "paid"  # the transfer task ran on commit

    @precondition(lambda self: self.model.releases)
    @rule(i=PICK, by_verifier=st.booleans())
    @counted
    def finance_approves_again(self, i, by_verifier):
        """A second click, a retry after escrow grew, or the verifier trying to approve."""
        releases = list(self.model.releases.values())
        r = releases[i % len(releases)]
        if by_verifier:
            before = self.world.side_effects()
            try:
                release_approve(
                    release=Release.objects.get(pk=self.release_pk[r.label]), actor=self.world.verifier
                )
            except PermissionDenied:
                assert self.world.side_effects() == before
                return
            raise AssertionError("the milestone's own verifier approved its release")
        self._approve(r)

    @precondition(lambda self: self.model.releases)
    @rule(i=PICK)
    @counted
    def finance_records_bank_transfer(self, i):
        releases = list(self.model.releases.values())
        r = releases[i % len(releases)]
        release = Release.objects.get(pk=self.release_pk[r.label])
        before = self.world.side_effects()
        try:
            release_record_bank_transfer(release=release, actor=self.world.finance, reference=f"BOC-{r.label}",
                                         proof=ContentFile(b"%PDF-1.4 bank slip", name="slip.pdf"))  # fmt: skip
        except ReleaseNotAllowed:
            assert r.state != "approved", f"bank transfer for approved release {r.label} refused"
            assert self.world.side_effects() == before
            return
        assert r.state == "approved", f"bank transfer recorded for a {r.state} release {r.label}"
        r.state = "paid"

    @precondition(lambda self: any(r.connect and r.state == "paid" for r in self.model.releases.values()))
    @rule(i=PICK)
    @counted
    def transfer_task_again(self, i):
        paid = [r for r in self.model.releases.values() if r.connect and r.state == "paid"]
        r = paid[i % len(paid)]
        release = Release.objects.get(pk=self.release_pk[r.label])
        command = OutboxCommand.objects.get(key=transfer_key(release))
        with tasks():
            assert release_transfer_run(command.pk) == "skipped"

    # --- all-or-nothing --------------------------------------------------------------------
    @precondition(lambda self: not self.model.aon_deadline_passed)
    @rule()
    @counted
    def aon_deadline_passes(self):
        campaign = self.world.campaigns[m.AON]
        Campaign.objects.filter(pk=campaign.pk).update(deadline=timezone.localdate() - timedelta(days=1))
        self.model.aon_deadline_passed = True
        if not flags.DEADLINE_AT_ACTION:
            self.aon_deadline_job(twice=False)

    @precondition(lambda self: self.model.aon_deadline_passed and self.deadline_runs < 2)
    @rule(twice=st.booleans())
    @counted
    def aon_deadline_job(self, twice):
        self.deadline_runs += 1
        with tasks():
            all_or_nothing_settle()
        self.model.aon_settle()
        if self.model.aon_status == "failed":
            for g in self.model.captured_gifts(m.AON):
                label = f"aon:{self.pk[g.label]}"
                disputed = g.dispute and g.dispute.state in ("open", "lost")
                if disputed or g.amount - g.refunded <= 0 or label in self.model.refunds:
                    continue
                r = m.Refund(label=label, gift=g.label, amount=g.amount - g.refunded, automatic=True)
                self.model.refund_request(r)
                self.refund_pk[label] = Refund.objects.get(key=label).pk
                if self.model.refund_provider_accepts(r):
                    self.model.refund_succeeded(r)
                    self._provider_tells_of_our_refund(r)
                else:
                    self.model.refund_failed(r)
        if twice:
            before = self.world.side_effects()
            with tasks():
                all_or_nothing_settle()
            assert self.world.side_effects() == before, "the deadline job run twice moved money again"

    # --- matching (issue 14, ADR 0227, 0238) -----------------------------------------------
    def _matching_sweep(self) -> None:
        """``matches_sweep`` (the beat, every five minutes) and the model's reading of it."""
        if self.model.pool is None:
            return
        with tasks():
            matches_sweep()
        self.model.match_sweep()

    @precondition(lambda self: flags.MATCHING and self.model.pool is None)
    @rule(ratio_tenths=st.sampled_from([10, 5]), cap=st.sampled_from([50_000, 300_000]),
          first=st.sampled_from(["none", "half", "all"]))  # fmt: skip
    @counted
    def matcher_pledges(self, ratio_tenths, cap, first):
        """A company pledges to match gifts to the all-or-nothing campaign and pays some in."""
        self.world.pool_create(ratio_tenths=ratio_tenths, cap=cap)
        self.model.pool = m.Pool(ratio_tenths=ratio_tenths, cap=cap)
        amount = {"none": 0, "half": cap // 2, "all": cap}[first]
        if amount:
            self.world.pay_in(amount, self._next())
            self.model.pool.paid_in += amount

    @precondition(lambda self: self.model.pool is not None)
    @rule(part=st.sampled_from(["fen", "some", "rest", "over"]), recorder_confirms=st.booleans())
    @counted
    def matcher_pays_in(self, part, recorder_confirms):
        """A payment towards the pledge: recorded by one finance officer, confirmed by another."""
        pool = self.model.pool
        unpaid = pool.cap - pool.paid_in
        amount = {"fen": 1, "some": 20_000, "rest": unpaid, "over": unpaid + 100}[part]
        allowed = self.model.pay_in_allowed(amount)
        before = self.world.side_effects()
        if recorder_confirms and allowed:
            recorded = pool_pay_in_record(pool=self.world.pool, amount=cny(amount), method=PayInMethod.BANK_TRANSFER,
                                          reference=f"ICBC-MM-{self._next()}", actor=self.world.finance)  # fmt: skip
            try:
                pool_pay_in_confirm(pay_in=recorded, actor=self.world.finance)
            except PermissionDenied:
                pass
            else:
                raise AssertionError("the officer who recorded a pay-in confirmed it")
            assert self.world.side_effects()[0] == before[0], "a pay-in reached the ledger unconfirmed"
            pool_pay_in_confirm(pay_in=recorded, actor=self.world.finance_b)
            pool.paid_in += amount
            return
        try:
            self.world.pay_in(amount, self._next())
        except PayInNotAllowed:
            assert not allowed, f"a pay-in of ¥{amount / 100:.2f} refused ({unpaid / 100:.2f} unpaid)"
            assert self.world.side_effects() == before, "a refused pay-in left rows behind"
            return
        assert allowed, f"a pay-in of ¥{amount / 100:.2f} accepted with ¥{unpaid / 100:.2f} unpaid"
        pool.paid_in += amount

    @precondition(lambda self: self.model.pool is not None and self.model.pool.open)
    @rule()
    @counted
    def pool_closes(self):
        """The matcher withdraws: finance closes the pool; no further gift is matched by it."""
        pool_close(pool=self.world.pool, actor=self.world.finance, reason="the giving day is over")
        self.model.pool.open = False

    @precondition(lambda self: self.model.pool is not None)
    @rule(twice=st.booleans())
    @counted
    def leftover_returned(self, twice):
        """Finance returns what the pool holds to the matcher (recorded, then confirmed by another
        officer): refused while the pool is open (gifts may still be matched) or holds nothing."""
        allowed = self.model.return_allowed()
        before = self.world.side_effects()
        try:
            recorded = pool_return_record(pool=self.world.pool, actor=self.world.finance)
        except ReturnNotAllowed:
            assert not allowed, f"the leftover ¥{self.model.pool.balance / 100:.2f} of a closed pool refused"
            assert self.world.side_effects() == before, "a refused return left rows behind"
            return
        assert allowed, (
            f"a return recorded (pool open: {self.model.pool.open}, holds {self.model.pool.balance})"
        )
        assert recorded.amount_minor == self.model.pool.balance, "the return is not the pool's leftover"
        pool_return_confirm(pool_return=recorded, actor=self.world.finance_b)
        if twice:
            entries = self.world.side_effects()[0]
            pool_return_confirm(pool_return=recorded, actor=self.world.finance_b)
            assert self.world.side_effects()[0] == entries, "a return confirmed twice posted twice"
        self.model.pool.returned += recorded.amount_minor

    # --- after every step ------------------------------------------------------------------
    @invariant()
    def every_figure_agrees(self):
        check_after_step(self.world, self.model, self.pk)
        if PAGES_EVERY_STEP:
            check_pages(self.world, self.model, self.pk)
        else:
            check_pages_that_changed(self.world, self.model, self.pk, self.seen)
