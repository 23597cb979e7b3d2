"""Issue 9 §10: a model-based test of money. Random sequences of gifts, monthly renewals, duplicated
and reordered webhooks, refunds (app and provider), disputes, releases and payouts, all-or-nothing
deadlines and redelivered tasks; after every step the ledger and every account equal the reference
model's, and every page, report and admin figure does at the end of each example (or after every
step with ``MONEY_MODEL_PAGES_EVERY_STEP=1``).

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
from hypothesis import HealthCheck, Phase, settings
from hypothesis.stateful import run_state_machine_as_test

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
    monkeypatch.setattr("payments.allocation.tasks.unit_funding_refresh.delay", lambda *a, **k: None)
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
def play(*steps: tuple[str, dict]) -> MoneyMachine:
    """Run named steps of the machine in order, checking after each as the property test does."""
    machine = MoneyMachine()
    try:
        for name, kwargs in steps:
            getattr(machine, name)(**kwargs)
            machine.every_figure_agrees()
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
