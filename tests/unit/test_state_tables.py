"""Every money object declares its allowed status changes, and only its transition function
changes its status (issue #9 §2)."""

import ast
from pathlib import Path

import pytest
from django.db import models
from django.utils import translation

from campaigns.state_tables import StateTable, TransitionNotAllowed, table
from payments.disputes.states import DISPUTE_STATES
from payments.donations.models import DonationStatus
from payments.donations.states import DONATION_STATES, MONTHLY_PLAN_STATES
from payments.matching.states import PAY_IN_STATES, POOL_STATES, RETURN_STATES
from payments.offline.states import OFFLINE_GIFT_STATES, OFFLINE_REFUND_STATES
from payments.outbox.states import OUTBOX_STATES
from payments.refunds.states import REFUND_STATES
from payments.releases.states import RELEASE_STATES

ROOT = Path(__file__).resolve().parents[2]
TABLES = [
    DONATION_STATES,
    MONTHLY_PLAN_STATES,
    REFUND_STATES,
    DISPUTE_STATES,
    RELEASE_STATES,
    OUTBOX_STATES,
    OFFLINE_GIFT_STATES,
    OFFLINE_REFUND_STATES,
    POOL_STATES,
    PAY_IN_STATES,
    RETURN_STATES,
]
# The modules allowed to write a money object's status: the transition functions.
TRANSITION_MODULES = {
    "campaigns/services.py",  # status_transition, used by every table below but the gift's
    "payments/donations/states.py",
    "payments/outbox/states.py",
}


@pytest.mark.parametrize("states", TABLES, ids=lambda t: t.choices.__name__)
def test_every_status_has_a_declared_row_and_every_object_can_end(states: StateTable):
    assert set(states.allowed) == set(states.choices.values)
    assert states.terminal(), "an object that can never stop moving"


def test_a_table_missing_a_status_refuses_to_load():
    class Light(models.TextChoices):
        RED = "red"
        GREEN = "green"

    with pytest.raises(ValueError, match="table covers"):
        table("light", Light, {Light.RED: {Light.GREEN}})


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("en", "A gift cannot go from “Refunded” to “Disputed”."),
        ("zh-hans", "善款不能从“已退款”变为“争议中”。"),
    ],
)
def test_a_refused_move_names_both_statuses_as_people_read_them(language, message):
    with translation.override(language), pytest.raises(TransitionNotAllowed) as refused:
        DONATION_STATES.check(current=DonationStatus.REFUNDED, to=DonationStatus.DISPUTED)

    assert refused.value.messages == [message]


@pytest.mark.parametrize(
    ("current", "to"),
    [
        (DonationStatus.REFUNDED, DonationStatus.DISPUTED),
        (DonationStatus.REFUNDED, DonationStatus.CHARGED_BACK),
        (DonationStatus.MOVED, DonationStatus.SUCCEEDED),
        (DonationStatus.BLOCKED, DonationStatus.PROCESSING),
        (DonationStatus.CREATED, DonationStatus.REFUNDED),
    ],
)
def test_a_gift_never_takes_a_status_its_money_cannot_have(current, to):
    assert not DONATION_STATES.may(current=current, to=to)


WRITERS = {"update", "create", "get_or_create", "update_or_create", "bulk_create"}


def _status_writes(source: str) -> list[int]:
    """Lines that assign ``<x>.status = …`` or pass ``status=`` to create/update/get_or_create."""
    lines = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Assign):
            if any(isinstance(t, ast.Attribute) and t.attr == "status" for t in node.targets):
                lines.append(node.lineno)
        elif isinstance(node, ast.Call) and getattr(node.func, "attr", "") in WRITERS:
            if any(k.arg == "status" for k in node.keywords):
                lines.append(node.lineno)
            defaults = [
                k.value for k in node.keywords if k.arg == "defaults" and isinstance(k.value, ast.Dict)
            ]
            if any("status" in [getattr(key, "value", None) for key in d.keys] for d in defaults):
                lines.append(node.lineno)
    return lines


def test_no_code_but_the_transition_functions_writes_a_money_objects_status():
    # Webhook inbox rows are not money objects: their status is the inbox's own bookkeeping.
    exempt = {
        "payments/webhooks/services.py",
        "payments/gateway/card_fake.py",
        "payments/gateway/connect_fake.py",
        "payments/gateway/wallet_fake.py",  # the provider's intents, not our money objects
    }
    offenders = [
        f"{path.relative_to(ROOT).as_posix()}:{line}"
        for path in sorted((ROOT / "payments").rglob("*.py"))
        if "migrations" not in path.parts
        and path.relative_to(ROOT).as_posix() not in TRANSITION_MODULES | exempt
        for line in _status_writes(path.read_text())
    ]

    assert offenders == []


def test_the_status_write_finder_sees_each_kind_of_write():
    source = (
        "gift.status = 'x'\n"
        "Refund.objects.filter(pk=1).update(status='failed')\n"
        "Donation.objects.get_or_create(key=k, defaults={'status': 'processing'})\n"
        "gift.save(update_fields=['status'])\n"
    )

    assert _status_writes(source) == [1, 2, 3]
