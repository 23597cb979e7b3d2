"""Issue 9 §10: a model-based test of money. Random sequences of gifts, monthly renewals, duplicated
and reordered webhooks, refunds (app and provider), disputes, releases and payouts, all-or-nothing
deadlines and redelivered tasks; after every step the ledger, every account, both campaign pages
(figures, donor count, wall) and every gift's status equal the reference model's, and so does every
other page, report and admin figure the step changed (donor page and trace of each gift it changed,
those donors' statements, the transparency page and report); every page again at the end of each
example (all of them after every step with ``MONEY_MODEL_PAGES_EVERY_STEP=1``).

The machine, the model and the checks are in ``tests/payments/money_model/``; rules not yet built
in the product are behind ``money_model/flags.py``.

Deterministic in CI: ``derandomize=True`` draws the same 200 examples on every run and no example
database is kept (``database=None``), so a red build is the code's doing, never the draw's.
``bench/money_model.py`` runs more examples, random ones, and goes on after a failure
(``MONEY_MODEL_KEEP_GOING=1``), counting the kinds of disagreement it meets.
"""

import os
import re
from collections import Counter

import pytest
from django.utils import translation
from hypothesis import HealthCheck, Phase, settings
from hypothesis.stateful import run_state_machine_as_test

from campaigns.money import Money
from payments.donations.selectors import wall_of_support
from payments.figures.selectors import campaign_totals_uncached
from payments.models import Donation
from tests.payments.money_model.machine import MoneyMachine
from tests.payments.money_model.world import configure

EXAMPLES = int(os.environ.get("MONEY_MODEL_EXAMPLES", "200"))
STEPS = int(os.environ.get("MONEY_MODEL_STEPS", "8"))
RANDOM = os.environ.get("MONEY_MODEL_RANDOM", "") == "1"
KEEP_GOING = os.environ.get("MONEY_MODEL_KEEP_GOING", "") == "1"


def model_settings(examples: int, *, shrink: bool = True) -> settings:
    return settings(
        max_examples=examples,
        stateful_step_count=STEPS,
        derandomize=not RANDOM,
        database=None,
        deadline=None,
        phases=tuple(Phase) if shrink else (Phase.generate,),
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        print_blob=False,
    )


@pytest.fixture
def settings_for_model(settings, tmp_path, monkeypatch):
    # Which beneficiaries a unit campaign has funded is not a money figure; its task (queued on
    # every capture) is a third of the cost of a gift here, so it does not run in this test.
    monkeypatch.setattr("payments.figures.receivers.unit_funding_due", lambda *a, **k: None)
    configure(settings)
    settings.PRIVATE_STORAGE_ROOT = tmp_path / "private"
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings


@pytest.mark.django_db
def test_every_figure_equals_the_model_after_every_step(settings_for_model):
    MoneyMachine.examples = 0
    if KEEP_GOING:
        keep_going()
        return
    run_state_machine_as_test(MoneyMachine, settings=model_settings(EXAMPLES))


def keep_going() -> None:
    """For the bench: run ``EXAMPLES`` examples without shrinking, noting each disagreement's
    kind (numbers blanked) instead of stopping at the first."""
    MoneyMachine.failures = Counter()
    while MoneyMachine.examples < EXAMPLES:
        try:
            run_state_machine_as_test(
                MoneyMachine, settings=model_settings(EXAMPLES - MoneyMachine.examples, shrink=False)
            )
        except Exception as exc:  # every kind of failure is what the bench counts
            first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
            MoneyMachine.failures[f"{type(exc).__name__}: {re.sub(r'[0-9]+', '#', first)[:200]}"] += 1


# --- Shrunk sequences the machine found, kept as plain tests (each checks every page at its end) ---
def play(*steps: tuple[str, dict], then=None) -> MoneyMachine:
    """Run named steps of the machine in order, checking after each as the property test does;
    ``then(machine)`` asserts exact figures before the example's database is rolled back."""
    machine = MoneyMachine()
    try:
        for name, kwargs in steps:
            getattr(machine, name)(**kwargs)
            machine.every_figure_agrees()
        if then is not None:
            then(machine)
    finally:
        machine.teardown()  # reads every page unless a step failed
    return machine


def gift(campaign="K", donor=0, amount=100_000, anonymous=False, card="ok"):
    return ("give", dict(campaign=campaign, donor=donor, amount=amount, earmark=None, anonymous=anonymous,
                         monthly=False, card=card, stale_event=False))  # fmt: skip


@pytest.mark.django_db
def test_dashboard_refund_after_release_takes_the_donor_off_the_wall_and_the_count(settings_for_model):
    """Given a ¥1,000 gift of which ¥300 went to an approved release, when the whole ¥1,000 is
    refunded in the provider's dashboard and ``charge.refunded`` arrives, then escrow gives its ¥700,
    the platform fronts ¥300 (to recover), the gift is refunded and its donor, who had everything
    back, is neither on the wall nor counted."""
    play(
        gift(),
        ("outcome_verified_and_approved", dict(beneficiary=0, amount=30_000, connect=False)),
        ("provider_dashboard_refund", dict(i=0, part="all")),
        ("provider_event_arrives", dict(i=0, times=1)),  # payment_intent.succeeded (a duplicate)
        ("provider_event_arrives", dict(i=1, times=2)),  # charge.refunded, twice
    )


@pytest.mark.django_db
def test_dashboard_refund_before_the_deadline_job_waits_for_finance(settings_for_model):
    """Shrunk by the machine. Given an all-or-nothing campaign with one ¥10 gift, refunded in full
    in the dashboard (event not yet here), when the deadline job fails the campaign, then its
    automatic ¥10 refund is refused by the provider and stays reserved (retrying: escrow ¥0,
    refunded ¥10), the dashboard event waits for it, and once finance takes the refund over the
    event books the dashboard refund once: escrow ¥0, refunded ¥10, the donor off the wall."""
    play(
        gift(campaign="N", amount=1_000),
        ("aon_deadline_passes", {}),
        ("provider_dashboard_refund", dict(i=0, part="all")),
        ("aon_deadline_job", dict(twice=True)),
        ("provider_event_arrives", dict(i=1, times=1)),  # charge.refunded: waits
        ("finance_takes_over_refused_refund", dict(i=0)),
        ("webhook_task_again", dict(i=1)),  # the sweeper retries it
    )


def yuan(value: int) -> Money:
    return Money.from_minor(value * 100, "CNY")


def figures(machine: MoneyMachine, campaign: str = "K") -> dict:
    t = campaign_totals_uncached(campaign=machine.world.campaigns[campaign])
    return {name: getattr(t, name) for name in ("raised", "held", "approved_unpaid", "paid", "refunded",
                                                 "disputed", "lost_to_disputes", "to_recover", "donors")}  # fmt: skip


@pytest.mark.django_db
def test_an_approved_release_not_yet_paid_is_not_paid_to_partners(settings_for_model):
    """Issue 9 §3: finance approves a ¥2,500 release that is not yet paid (bank transfer): the
    campaign shows ¥2,500 approved, not yet paid, and nothing paid to partners; once the bank
    transfer is recorded, ¥2,500 paid."""

    def approved(machine):
        assert (figures(machine)["approved_unpaid"], figures(machine)["paid"]) == (yuan(2500), yuan(0))

    def paid(machine):
        assert (figures(machine)["approved_unpaid"], figures(machine)["paid"]) == (yuan(0), yuan(2500))

    approve = ("outcome_verified_and_approved", dict(beneficiary=0, amount=250_000, connect=False))
    play(gift(amount=300_000), approve, then=approved)
    play(gift(amount=300_000), approve, ("finance_records_bank_transfer", dict(i=0)), then=paid)


@pytest.mark.django_db
def test_all_or_nothing_refunded_in_full_before_the_deadline_fails(settings_for_model):
    """Issue 9 §3: goal ¥1,000, one ¥1,000 gift refunded in full before the deadline: at the
    deadline the campaign fails (it holds ¥0), it is not marked funded on gross raised."""

    def then(machine):
        machine.world.campaigns["N"].refresh_from_db()
        assert machine.world.campaigns["N"].status == "failed"
        f = figures(machine, "N")
        assert (f["raised"], f["held"], f["refunded"], f["donors"]) == (yuan(1000), yuan(0), yuan(1000), 0)

    play(
        gift(campaign="N", amount=100_000),
        ("finance_refunds", dict(i=0, how="rest", mode="now")),
        ("aon_deadline_passes", {}),
        ("aon_deadline_job", dict(twice=True)),
        then=then,
    )


@pytest.mark.django_db
def test_a_dashboard_refund_reaches_escrow_once(settings_for_model):
    """Issue 9 §4: a signed ``charge.refunded`` for a captured ¥300 gift refunded in the
    dashboard takes ¥300 out of escrow, once, whichever of its two events comes first and however
    often they come."""

    def then(machine):
        f = figures(machine)
        assert (f["held"], f["refunded"], f["donors"]) == (yuan(0), yuan(300), 0)
        assert Donation.objects.get(pk=machine.pk["g0"]).status == "refunded"

    play(
        gift(amount=30_000),
        ("provider_dashboard_refund", dict(i=0, part="all")),
        ("provider_event_arrives", dict(i=2, times=2)),  # refund.created, twice
        ("provider_event_arrives", dict(i=1, times=1)),  # charge.refunded
        ("webhook_task_again", dict(i=0)),
        then=then,
    )


@pytest.mark.django_db
def test_a_dispute_won_after_a_partial_refund_leaves_the_gift_partially_refunded(settings_for_model):
    """Issue 9 §2: ¥1,000 gift, ¥500 refunded, then a chargeback of the other ¥500 opened and won:
    the status follows the money (partially refunded, not "received"), ¥500 held again."""

    def then(machine):
        assert Donation.objects.get(pk=machine.pk["g0"]).status == "partially_refunded"
        f = figures(machine)
        assert (f["held"], f["refunded"], f["disputed"], f["donors"]) == (yuan(500), yuan(500), yuan(0), 1)

    play(
        gift(amount=100_000),
        ("finance_refunds", dict(i=0, how="half", mode="now")),
        ("bank_opens_dispute", dict(i=0, part=False, withdrawn=True)),
        ("bank_closes_dispute", dict(i=0, won=True)),
        # Sent so far: 0 payment_intent.succeeded, 1-2 our refund's charge.refunded and refund.created,
        # 3 dispute created, 4 funds_withdrawn, 5 closed (won).
        ("provider_event_arrives", dict(i=5, times=1)),  # closed (won) before created
        ("provider_event_arrives", dict(i=3, times=2)),  # created
        ("provider_event_arrives", dict(i=4, times=1)),  # funds_withdrawn
        ("provider_event_arrives", dict(i=1, times=1)),  # charge.refunded of our own refund
        then=then,
    )


@pytest.mark.django_db
def test_a_lost_chargeback_leaves_the_wall_and_the_donor_count(settings_for_model):
    """Issue 9 §2: a gift taken back by a lost chargeback is charged back; the wall and the donor
    count follow the ledger whatever events follow."""

    def then(machine):
        assert Donation.objects.get(pk=machine.pk["g0"]).status == "charged_back"
        with translation.override("en"):
            assert [e.name for e in wall_of_support(campaign=machine.world.campaigns["K"])] == ["Donor 1"]
        assert figures(machine)["donors"] == 1
        assert figures(machine)["lost_to_disputes"] == yuan(1000)

    play(
        gift(amount=100_000),
        gift(donor=1, amount=1_000),
        ("bank_opens_dispute", dict(i=0, part=False, withdrawn=False)),
        ("bank_closes_dispute", dict(i=0, won=False)),
        ("provider_event_arrives", dict(i=3, times=1)),  # closed (lost)
        ("provider_event_arrives", dict(i=2, times=1)),  # created, after
        ("webhook_task_again", dict(i=0)),
        then=then,
    )


@pytest.mark.django_db
def test_a_processed_refund_event_run_again_hears_nothing_new(settings_for_model):
    """Found by the property test (session 5): ¥10 + ¥10 gifts, 1 fen of the second refunded in the
    dashboard and heard, the first refunded by finance, then the rest of the second refunded in the
    dashboard. Running the first ``charge.refunded`` task again must not record the later refund:
    that reaches us by its own events. Every figure is checked against the model after each step."""
    play(
        ("money_comes_in", dict(first=[("K", 0, 1000, None, False), ("K", 0, 1000, None, False)])),
        ("provider_dashboard_refund", dict(i=11, part="fen")),
        ("bank_opens_dispute", dict(i=0, part=False, withdrawn=False)),
        ("provider_event_arrives", dict(i=22, times=1)),
        ("finance_refunds", dict(how="held", i=0, mode="now")),
        ("provider_dashboard_refund", dict(i=0, part="all")),
        ("webhook_task_again", dict(i=0)),
    )


# --- Matching pools (issue 14, ADR 0227, 0238): sequences the draw may not reach in 200 examples ---
def matched(machine: MoneyMachine) -> Money:
    return campaign_totals_uncached(campaign=machine.world.campaigns["N"]).matched


@pytest.mark.django_db
def test_matching_refunds_and_a_failed_refund_keep_the_match_given_back(settings_for_model):
    """A 1:1 pool of ¥3,000, half paid in; a ¥1,000 gift is matched ¥1,000, a ¥2,500 gift only
    the ¥500 left. Half of the first refunded (the provider then refuses it for good): its match
    went back by half when the refund was reserved and stays back; the pool matched ¥1,000 net."""

    def then(machine):
        assert matched(machine) == yuan(1000)
        assert machine.model.pool.balance == 50_000

    play(
        ("matcher_pledges", dict(ratio_tenths=10, cap=300_000, first="half")),
        gift(campaign="N", amount=100_000),
        gift(campaign="N", donor=1, amount=250_000),
        ("finance_refunds", dict(i=0, how="half", mode="terminal")),
        then=then,
    )


@pytest.mark.django_db
def test_a_lost_dispute_gives_the_match_back_and_the_leftover_goes_to_the_matcher_once(settings_for_model):
    """A 1:2 pool (¥0.5 per ¥1) of ¥500, paid in; a ¥1,000 gift matched ¥500; its dispute is
    lost: the match goes back to the pool. A pay-in above the unpaid pledge is refused; the pool is
    closed and its ¥500 returned to the matcher once; a second return finds nothing."""

    def then(machine):
        assert matched(machine) == yuan(0)
        pool = machine.model.pool
        assert (pool.paid_in, pool.returned, pool.balance) == (50_000, 50_000, 0)

    play(
        ("matcher_pledges", dict(ratio_tenths=5, cap=50_000, first="all")),
        gift(campaign="N", amount=100_000),
        ("matcher_pays_in", dict(part="over", recorder_confirms=False)),
        ("bank_opens_dispute", dict(i=0, part=False, withdrawn=True)),
        ("provider_event_arrives", dict(i=1, times=2)),  # charge.dispute.created
        ("bank_closes_dispute", dict(i=0, won=False)),
        ("provider_event_arrives", dict(i=3, times=1)),  # charge.dispute.closed (lost)
        ("leftover_returned", dict(twice=False)),  # refused: the pool is open
        ("pool_closes", {}),
        ("leftover_returned", dict(twice=True)),
        ("leftover_returned", dict(twice=False)),  # refused: nothing left
        then=then,
    )


@pytest.mark.django_db
def test_gifts_before_the_pledge_and_an_unpaid_pledge_match_only_when_money_arrives(settings_for_model):
    """Two gifts before any pledge; a 1:1 pledge with nothing paid in matches nothing; a ¥200
    pay-in (the recorder may not confirm it) is matched by the sweep to the older gift first; the
    all-or-nothing campaign then fails and every match goes back to the pool."""

    def then(machine):
        assert matched(machine) == yuan(0)
        assert machine.model.pool.balance == 20_000

    play(
        gift(campaign="N", amount=12_345),
        gift(campaign="N", donor=1, amount=30_000),
        ("matcher_pledges", dict(ratio_tenths=10, cap=50_000, first="none")),
        ("matcher_pays_in", dict(part="some", recorder_confirms=True)),
        ("aon_deadline_passes", {}),
        ("aon_deadline_job", dict(twice=False)),
        then=then,
    )
