"""Issue 9 §10: a model-based test of money. Random sequences of gifts, monthly renewals, duplicated
and reordered webhooks, refunds (app and provider), disputes, releases and payouts, all-or-nothing
deadlines and redelivered tasks; after every step every figure equals the reference model's.

The machine, the model and the checks are in ``tests/payments/money_model/``. Deterministic in CI:
``derandomize=True`` draws the same 200 examples every run and no example database is kept
(``database=None``); ``bench/money_model.py`` runs more (and random) examples.
"""

import os

import pytest
from hypothesis import HealthCheck, settings
from hypothesis.stateful import run_state_machine_as_test

from tests.payments.money_model.machine import MoneyMachine
from tests.payments.money_model.world import configure

EXAMPLES = int(os.environ.get("MONEY_MODEL_EXAMPLES", "200"))
STEPS = int(os.environ.get("MONEY_MODEL_STEPS", "12"))
RANDOM = os.environ.get("MONEY_MODEL_RANDOM", "") == "1"


@pytest.fixture
def private_storage(settings, tmp_path):
    settings.PRIVATE_STORAGE_ROOT = tmp_path / "private"
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.mark.django_db
def test_every_figure_equals_the_model_after_every_step(settings_for_model):
    run_state_machine_as_test(
        MoneyMachine,
        settings=settings(
            max_examples=EXAMPLES,
            stateful_step_count=STEPS,
            derandomize=not RANDOM,
            database=None,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
            print_blob=False,
        ),
    )


@pytest.fixture
def settings_for_model(settings, private_storage):
    configure(settings)
    return settings
