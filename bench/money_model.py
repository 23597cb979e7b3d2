"""The money model test (issue 9 §10) at bench size: many random examples, going on after a failure.

Runs ``tests/payments/test_money_model.py`` through pytest (its test database, settings and fake
gateways) with random draws, no shrinking, and ``MONEY_MODEL_KEEP_GOING=1``, then prints how many
examples ran, how long they took, and each kind of disagreement met (numbers blanked) with its
count. Rule flags (``tests/payments/money_model/flags.py``) can be set with ``--flag NAME=1``.

    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/cf_model REDIS_URL=redis://127.0.0.1:6379/11
    python bench/money_model.py --examples 5000 --steps 10
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--examples", type=int, default=5000)
    parser.add_argument("--steps", type=int, default=10, help="stateful_step_count")
    parser.add_argument("--pages-every-step", action="store_true", help="read every page after every step")
    parser.add_argument("--flag", action="append", default=[], help="NAME=0|1, see money_model/flags.py")
    args = parser.parse_args()
    os.environ.update(
        MONEY_MODEL_EXAMPLES=str(args.examples),
        MONEY_MODEL_STEPS=str(args.steps),
        MONEY_MODEL_RANDOM="1",
        MONEY_MODEL_KEEP_GOING="1",
        MONEY_MODEL_PAGES_EVERY_STEP="1" if args.pages_every_step else "",
    )
    for flag in args.flag:
        name, _, value = flag.partition("=")
        os.environ[f"MONEY_MODEL_{name.upper()}"] = value or "1"
    os.chdir(ROOT)
    sys.path.insert(0, str(ROOT))
    import pytest

    started = time.perf_counter()
    code = pytest.main(["tests/payments/test_money_model.py::test_every_figure_equals_the_model_after_every_step", "-q", "-p", "no:cacheprovider", "-p", "no:logging",
                        "--show-capture=no", "--reuse-db"])  # fmt: skip
    seconds = time.perf_counter() - started
    from tests.payments.money_model import flags
    from tests.payments.money_model.machine import MoneyMachine

    failed = sum(MoneyMachine.failures.values())
    print(f"\nmoney model: {MoneyMachine.examples} examples, {args.steps} steps at most, {seconds:.1f} s "
          f"({seconds / max(1, MoneyMachine.examples):.2f} s an example); pytest exit {code}")  # fmt: skip
    print(f"flags: {flags.active()}")
    print(f"examples that met a disagreement: {failed}")
    for kind, count in MoneyMachine.failures.most_common():
        print(f"{count:6d}  {kind}")
    print("steps run: " + ", ".join(f"{name} {n}" for name, n in MoneyMachine.calls.most_common()))
    return 0 if code == 0 and not failed else 1


if __name__ == "__main__":
    sys.exit(main())
