"""The database side of a hot campaign: many clients adding to one account's balance at once.

``bench/hot_campaign.py`` captures gifts through the worker's Python code; on two cores its
clients are limited by Python's CPU long before PostgreSQL's row locks, so it cannot show whether
the kept balances would serialise concurrent captures. This script takes Python out: pgbench runs
the capture's writes as plain SQL, on the balance rows' own shape (migration 0016: one row per
account, entry family and slot, upserted in the posting's transaction), in three cases, one after
the other in the same run:

- ``single``: every transaction adds to one row (a plain counter, which issue 11 says collapses);
- ``striped``: one account, the slot chosen by ``pg_backend_pid() % 16`` as the ledger's trigger does;
- ``spread``: client i adds to its own account.

Each transaction inserts a posting row and upserts its balance row, like the capture's trigger.
Tables live in a scratch schema ``bench_hot_rows`` that is dropped at the end. Prints TPS per case
and the ratios to ``spread`` (issue 11: hot ≥ 0.5 × spread).

    DATABASE_URL=<a server with max_connections ≥ 70> python bench/hot_rows.py --clients 64 --seconds 15
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import tempfile
from pathlib import Path

import psycopg

SCHEMA = """
DROP SCHEMA IF EXISTS bench_hot_rows CASCADE;
CREATE SCHEMA bench_hot_rows;
CREATE TABLE bench_hot_rows.posting (
    id bigserial PRIMARY KEY, account_id integer NOT NULL, amount_minor bigint NOT NULL
);
CREATE TABLE bench_hot_rows.balance (
    account_id integer NOT NULL, family text NOT NULL, slot smallint NOT NULL,
    amount_minor bigint NOT NULL, PRIMARY KEY (account_id, family, slot)
);
"""

# :account and :slot are set per case below; amounts in minor units (fen).
TRANSACTION = """
\\set amount random(100, 100000)
BEGIN;
INSERT INTO bench_hot_rows.posting (account_id, amount_minor) VALUES ({account}, :amount);
INSERT INTO bench_hot_rows.balance (account_id, family, slot, amount_minor)
    VALUES ({account}, 'donation', {slot}, :amount)
    ON CONFLICT (account_id, family, slot)
    DO UPDATE SET amount_minor = bench_hot_rows.balance.amount_minor + EXCLUDED.amount_minor;
COMMIT;
"""

CASES = {
    "single": {"account": "1", "slot": "0"},
    "striped": {"account": "1", "slot": "pg_backend_pid() % 16"},
    "spread": {"account": ":client_id + 1", "slot": "0"},
}


def run_case(dburl: str, name: str, *, clients: int, seconds: int) -> float:
    """pgbench TPS (transactions per second, connection time excluded) for one case."""
    with tempfile.NamedTemporaryFile("w", suffix=".sql", delete=False) as script:
        script.write(TRANSACTION.format(**CASES[name]))
    try:
        out = subprocess.run(
            ["pgbench", "-n", "-f", script.name, "-c", str(clients), "-j", "2", "-T", str(seconds), dburl],
            check=True, capture_output=True, text=True,
        ).stdout  # fmt: skip
    finally:
        Path(script.name).unlink()
    return float(re.search(r"tps = ([\d.]+)", out).group(1))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=64)
    parser.add_argument("--seconds", type=int, default=15)
    args = parser.parse_args()
    dburl = os.environ["DATABASE_URL"]
    with psycopg.connect(dburl, autocommit=True) as conn:
        conn.execute(SCHEMA)
    try:
        tps = {name: run_case(dburl, name, clients=args.clients, seconds=args.seconds) for name in CASES}
        with psycopg.connect(dburl) as conn:
            posted = conn.execute(
                "SELECT COALESCE(SUM(amount_minor), 0) FROM bench_hot_rows.posting"
            ).fetchone()[0]
            kept = conn.execute(
                "SELECT COALESCE(SUM(amount_minor), 0) FROM bench_hot_rows.balance"
            ).fetchone()[0]
        assert posted == kept, f"balances {kept} differ from postings {posted}"
    finally:
        with psycopg.connect(dburl, autocommit=True) as conn:
            conn.execute("DROP SCHEMA IF EXISTS bench_hot_rows CASCADE")
    for name, value in tps.items():
        print(f"{name:8}: {args.clients} clients, {value:,.1f} TPS, ÷ spread {value / tps['spread']:.2f}")
    print("balances equal the postings' sum")
    print(f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
