"""Rules of issue 9 whose product behaviour has not landed yet.

Each flag switches on a part of the model (and the steps that exercise it). While a flag is off
the machine does not generate those steps, so the test checks what exists today; switch a flag on
when its feature lands (the provider-event work lands as commits mentioning ``charge.refunded``).
Each can also be set from the environment (``MONEY_MODEL_<NAME>=1``), for the bench script.
"""

import os


def _flag(name: str, default: bool) -> bool:
    value = os.environ.get(f"MONEY_MODEL_{name}")
    return default if value is None else value not in ("0", "", "false", "no")


# §4: a refund made at the provider (``charge.refunded``, ``refund.created``) reaches the ledger
# once; the provider's events about refunds the app made move nothing a second time. ADR 0208:
# the gift's held cents pay it, the rest is fronted from the campaign's platform receivable
# (``to_recover``); the event waits while one of our own refunds of the gift has no provider id.
PROVIDER_REFUND_EVENTS = _flag("PROVIDER_REFUND_EVENTS", True)  # landed: bca1689

# §6: a rule that depends on time is checked at the moment of action: a campaign whose deadline
# has passed refuses gifts before the deadline job has run (and after it, funded or not).
DEADLINE_AT_ACTION = _flag("DEADLINE_AT_ACTION", True)  # landed: ADR 0004

# §8: the receipt task run twice mails the donor once.
RECEIPT_ONCE = _flag("RECEIPT_ONCE", True)  # landed: ADR 0209 (send_once)

# §3: a donor statement's total is net of cents lost to a chargeback (the bank gave them back to
# the card-holder), as it is net of refunds. The model's reading first; the product's since 0d08142.
STATEMENT_NET_OF_LOST = _flag("STATEMENT_NET_OF_LOST", True)

# Issue 14: a matching pool on the all-or-nothing campaign (pledge, pay-ins, each gift matched
# once from paid-in money, matches given back on refunds and lost disputes, the pool closed and its
# leftover returned to the matcher); ``matched`` and the pool's accounts checked with the rest.
MATCHING = _flag("MATCHING", True)  # landed: ADR 0227, 0238


def active() -> dict[str, bool]:
    return {name: value for name, value in globals().items() if name.isupper() and isinstance(value, bool)}
