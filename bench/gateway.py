"""A provider stand-in the benchmarks can share between processes.

``FakeGateway`` keeps its payment intents in the memory of the process that made them; a webhook
processed by a separate worker process re-fetches the intent (ADR 0208) and would not find it.
``BenchGateway`` answers a re-fetch of an intent whose id ``bench_intent_id`` made (the amount is
in the id) as the provider would for a succeeded payment, in any process, without latency. Every
other call is ``FakeGateway``'s. Benchmarks only (``test_only``, refused in production).
"""

from __future__ import annotations

from campaigns.money import Money
from payments.gateway.card import PaymentResult
from payments.gateway.card_fake import FakeGateway

PREFIX = "pi_bench_"


def bench_intent_id(*, amount_minor: int, gift_pk: int) -> str:
    return f"{PREFIX}{amount_minor}_{gift_pk}"


class BenchGateway(FakeGateway):
    def payment_intent_retrieve(self, payment_intent_id: str) -> PaymentResult:
        if not payment_intent_id.startswith(PREFIX):
            return super().payment_intent_retrieve(payment_intent_id)
        self._enter("payment_intent_retrieve")
        amount_minor, gift_pk = payment_intent_id.removeprefix(PREFIX).split("_")
        return PaymentResult(id=payment_intent_id, status="succeeded", amount=Money.from_minor(int(amount_minor), "CNY"),
                             client_secret=f"{payment_intent_id}_secret_x", charge_id=f"ch_bench_{gift_pk}")  # fmt: skip
