"""The product side of the model test: one clean world per example, and the real entry points.

Each example runs inside a savepoint that is rolled back when it ends, so every example starts
from the same empty database (the test function's ``db`` transaction holds the savepoints). Tasks
queued ``on_commit`` are captured and run at once (Celery runs eagerly in the test settings), or
left queued where the step says so; running a task again is a step of its own (redelivery).
Provider events are signed with the endpoint secret and go through ``webhook_receive`` and the
processing task, exactly as the webhook view does.
"""

from __future__ import annotations

import itertools
import uuid
from contextlib import contextmanager
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.models import Group, User
from django.core import mail
from django.db import transaction
from django.test import TestCase
from django.utils import timezone

from campaigns.models import CampaignKind, CampaignStatus, FundingModel
from campaigns.money import Money
from campaigns.roles import FINANCE_OFFICERS, VERIFIERS
from payments.donations.services import donation_charge, donation_create, donation_start_card
from payments.gateway.card import RetryableGatewayError, get_gateway
from payments.gateway.card_fake import sign_payload
from payments.gateway.connect import get_connect_gateway
from payments.matching.models import Matcher, MatchPool, PayInMethod
from payments.matching.services import pool_pay_in_confirm, pool_pay_in_record
from payments.models import Donation, LedgerEntry
from payments.webhooks.services import webhook_receive
from tests.factories import CampaignFactory, PartnerFactory
from tests.payments.money_model.model import AON, AON_GOAL, KEEP
from tests.verification.factories import BeneficiaryFactory

CONNECT_ACCOUNT = "acct_money_model"


def cny(minor: int) -> Money:
    return Money.from_minor(minor, "CNY")


def configure(settings_) -> None:
    """Settings the world needs (a pytest-django ``settings`` fixture or ``override_settings``)."""
    settings_.PAYMENTS_GATEWAY = "payments.gateway.card_fake.FakeGateway"
    settings_.CLEARFUND_CONNECT_GATEWAY = "payments.gateway.connect_fake.FakeConnectGateway"
    settings_.RELEASE_NOTICE_PERIOD = timedelta(0)
    settings_.TOTALS_CACHE_SECONDS = 0
    settings_.CELERY_TASK_ALWAYS_EAGER = True
    settings_.PAYMENTS_WEBHOOK_MAX_ATTEMPTS = 1000  # a waiting event is retried by a step, never given up


@contextmanager
def tasks(run: bool = True):
    """Run the tasks the block queues on commit (and the tasks they queue), or leave them queued."""
    with TestCase.captureOnCommitCallbacks(execute=run) as queued:
        yield queued


class ProviderCrash(RuntimeError):
    """Our worker died after the provider acted and before we committed."""


class World:
    def __init__(self) -> None:
        self._atomic = transaction.atomic()
        self._atomic.__enter__()
        mail.outbox = []
        self.events = itertools.count(1)
        self.intent_of: dict[int, str] = {}  # gifts charged while our call timed out
        self.release_labels: dict[int, str] = {}  # Release pk -> the model's label
        self.pool: MatchPool | None = None
        self.gateway = get_gateway()
        self.gateway.reset()
        self.connect = get_connect_gateway()
        self.connect.reset()
        self.connect.add_account(CONNECT_ACCOUNT)
        self.connect.fund_platform(cny(10**12))
        self.finance = self._member("mm-finance", FINANCE_OFFICERS)
        self.finance_b = self._member("mm-finance-b", FINANCE_OFFICERS)  # the second pair of eyes
        self.verifier = self._member("mm-verifier", VERIFIERS)
        self.campaigns = {
            # Open for years: monthly renewals run months ahead of today.
            KEEP: CampaignFactory(
                status=CampaignStatus.LIVE,
                min_donation_minor=100,
                deadline=timezone.localdate() + timedelta(days=3650),
            ),
            AON: CampaignFactory(
                status=CampaignStatus.LIVE,
                kind=CampaignKind.EDUCATION,  # no live sibling: failed gifts are refunded, not moved
                funding_model=FundingModel.ALL_OR_NOTHING,
                goal_minor=AON_GOAL,
                min_donation_minor=100,
            ),
        }
        keep = self.campaigns[KEEP]
        self.beneficiaries = [BeneficiaryFactory(campaign=keep, verified_by=self.verifier) for _ in range(2)]
        self.partners = {
            True: PartnerFactory(stripe_account_id=CONNECT_ACCOUNT),
            False: PartnerFactory(),
        }

    def close(self) -> None:
        transaction.set_rollback(True)
        self._atomic.__exit__(None, None, None)

    @staticmethod
    def _member(username: str, role: str) -> User:
        user = User.objects.create_user(username=username, is_staff=True)
        user.groups.add(Group.objects.get(name=role))
        return user

    # --- gifts -----------------------------------------------------------------------------
    def gift_form(self, *, campaign: str, donor: int, amount: int, earmark: int | None, anonymous: bool,
                  monthly: bool) -> Donation:  # fmt: skip
        """The donor fills the form (raises ``DonationNotPossible`` if the gift is refused)."""
        return donation_create(
            campaign=self.campaigns[campaign],
            amount=cny(amount),
            email=donor_email(donor),
            attempt=uuid.uuid4(),
            frequency="monthly" if monthly else "one_off",
            display_name=f"Donor {donor}",
            anonymous=anonymous,
            public_message="加油",
            earmark_beneficiary_id=None if earmark is None else self.beneficiaries[earmark].pk,
        )

    def gift_card(self, donation: Donation, *, card: str) -> Donation:
        """The browser confirms the card, then the app charges it. ``card``: ok | declined |
        unheard (the provider charges, our call times out; only a webhook can tell us)."""
        donation_start_card(donation=donation)
        donation.refresh_from_db()
        payment_method = "pm_card_chargeCustomerFail" if card == "declined" else "pm_card_visa"
        self.gateway.setup_intent_confirm(donation.provider_setup_intent_id, payment_method)
        with tasks():
            if card == "unheard":
                self._charge_then_time_out(donation)
            else:
                donation_charge(donation=donation)
        donation.refresh_from_db()
        return donation

    def _charge_then_time_out(self, donation: Donation) -> None:
        real = self.gateway.payment_charge_saved

        def charged_but_lost(**kwargs):
            result = real(**kwargs)
            self.intent_of[donation.pk] = result.id
            raise RetryableGatewayError("timed out", code="timeout")

        self.gateway.payment_charge_saved = charged_but_lost
        try:
            donation_charge(donation=donation)
        except RetryableGatewayError:
            pass
        finally:
            del self.gateway.payment_charge_saved

    # --- provider events -------------------------------------------------------------------
    def event(self, type_: str, obj: dict) -> dict:
        n = next(self.events)
        return {"id": f"evt_mm_{n}", "object": "event", "type": type_, "created": 1_790_000_000 + n,
                "data": {"object": obj}}  # fmt: skip

    def deliver(self, payload: dict) -> tuple[int, bool]:
        """POST the signed event (stored once) and run the processing task it queues. Returns the
        inbox pk and whether it was new (a duplicate is stored and processed only once)."""
        body, header = sign_payload(payload, secret=settings.STRIPE_WEBHOOK_SECRET)
        with tasks():
            pk, created = webhook_receive(payload=body, signature=header)
        return pk, created

    def intent_object(self, donation: Donation, intent_id: str, status: str) -> dict:
        return {"id": intent_id, "object": "payment_intent", "status": status, "amount": donation.amount_minor,
                "currency": "cny", "metadata": {"donation_id": str(donation.public_id)}}  # fmt: skip

    def dispute_object(self, donation: Donation, dispute_id: str, amount: int, status: str) -> dict:
        return {"id": dispute_id, "object": "dispute", "amount": amount, "currency": "cny",
                "charge": donation.provider_charge_id, "payment_intent": donation.provider_payment_intent_id,
                "reason": "fraudulent", "status": status}  # fmt: skip

    def refund_objects(self, donation: Donation, refund_id: str, amount: int) -> tuple[dict, dict]:
        """The ``charge`` (for ``charge.refunded``) and ``refund`` (for ``refund.*``) objects."""
        intent = self.gateway.intents[donation.provider_payment_intent_id]
        refund = {"id": refund_id, "object": "refund", "amount": amount, "currency": "cny", "status": "succeeded",
                  "charge": donation.provider_charge_id, "payment_intent": donation.provider_payment_intent_id}  # fmt: skip
        charge = {"id": donation.provider_charge_id, "object": "charge", "amount": donation.amount_minor,
                  "amount_refunded": intent["refunded"], "currency": "cny",
                  "refunded": intent["refunded"] >= donation.amount_minor,
                  "payment_intent": donation.provider_payment_intent_id,
                  "refunds": {"object": "list", "data": [refund]}}  # fmt: skip
        return charge, refund

    def dashboard_refund(self, donation: Donation, amount: int, n: int) -> str:
        """A finance person refunds in the provider's dashboard: the provider's books move, ours
        only hear of it by webhook."""
        result = self.gateway.refund_create(
            payment_intent_id=donation.provider_payment_intent_id, amount=cny(amount), key=f"dashboard:{n}"
        )
        return result.id

    def crash_after_provider(self, method: str) -> None:
        self.gateway.crash_after_next(method, ProviderCrash(f"worker died after {method}"))

    @staticmethod
    def time_passes_for(command_id: int) -> None:
        """The outbox command's backoff has run out (instead of waiting for the clock)."""
        from payments.outbox.models import OutboxCommand

        OutboxCommand.objects.filter(pk=command_id).update(next_attempt_at=timezone.now())

    # --- matching (ADR 0227, 0238) -----------------------------------------------------------
    def pool_create(self, *, ratio_tenths: int, cap: int) -> MatchPool:
        """Finance sets up a matcher's pledge on the all-or-nothing campaign (the admin's model
        form): open from an hour ago for a day."""
        matcher = Matcher.objects.create(name="湘江建材有限公司", name_en="Xiangjiang Building Materials",
                                         slug=f"xiangjiang-{uuid.uuid4().hex[:8]}")  # fmt: skip
        now = timezone.now()
        self.pool = MatchPool.objects.create(matcher=matcher, title="九九公益日配捐", ratio=Decimal(ratio_tenths) / 10,
                                             cap_minor=cap, starts_at=now - timedelta(hours=1),
                                             ends_at=now + timedelta(days=1))  # fmt: skip
        self.pool.campaigns.set([self.campaigns[AON]])
        return self.pool

    def pay_in(self, amount: int, n: int) -> None:
        """A pay-in recorded by one finance officer and confirmed by the other (raises
        ``PayInNotAllowed`` when it is more than the pledge left unpaid)."""
        recorded = pool_pay_in_record(pool=self.pool, amount=cny(amount), method=PayInMethod.BANK_TRANSFER,
                                      reference=f"ICBC-MM-{n}", actor=self.finance)  # fmt: skip
        pool_pay_in_confirm(pay_in=recorded, actor=self.finance_b)

    @staticmethod
    def side_effects() -> tuple[int, ...]:
        """Rows that a refused action must not have written."""
        from payments.models import Allocation, OutboxCommand, PoolPayIn, PoolReturn, Refund

        return (
            LedgerEntry.objects.count(),
            Allocation.objects.count(),
            Refund.objects.count(),
            OutboxCommand.objects.count(),
            PoolPayIn.objects.count(),
            PoolReturn.objects.count(),
        )


def donor_email(donor: int) -> str:
    return f"donor{donor}@example.cn"
