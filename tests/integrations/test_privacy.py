"""No restricted data in outbound webhooks (issue 15): no donor email or name, no beneficiary ID
number, phone, real name or village, no free-text reasons or bank references."""

from __future__ import annotations

import pytest

from campaigns.models import RegistryPerson
from integrations.models import EventType, OutboundEvent
from tests.builders import gift, paid_release, refund
from tests.factories import PartnerFactory
from tests.verification.factories import BeneficiaryFactory

pytestmark = pytest.mark.django_db


def test_no_event_carries_restricted_or_donor_data(
    verifier, finance_officer, receiver, subscribe, fake_gateway, django_capture_on_commit_callbacks, settings,
    tmp_path,
):  # fmt: skip
    # given a subscription to every event, and a beneficiary with restricted registry data
    settings.PRIVATE_STORAGE_ROOT = tmp_path / "private"
    subscribe(receiver.url, list(EventType.values))
    beneficiary = BeneficiaryFactory(verified_by=verifier, pseudonym="李奶奶")
    person = RegistryPerson.objects.get(pk=beneficiary.registry_person_id)
    household = person.household

    # when gifts are received, one refunded, and an outcome verified, approved and paid
    with django_capture_on_commit_callbacks(execute=True):
        kept = gift(beneficiary.campaign, 300_000, email="wang.fang@example.cn", display_name="王芳")
        refunded = gift(beneficiary.campaign, 20_000, email="li.lei@example.cn", display_name="李雷")
        refund(refunded, 20_000, reason="Donor Li Lei at 13800138000 asked")
        paid_release(beneficiary=beneficiary, partner=PartnerFactory(), verifier=verifier,
                     finance_officer=finance_officer)  # fmt: skip

    # then every event was sent, and no request holds restricted or donor data
    sent = {r.headers["Clearfund-Event-Type"] for r in receiver.requests}
    assert sent >= {"gift.received", "refund.made", "release.approved", "release.paid", "outcome.verified"}
    bodies = b"".join(r.body for r in receiver.requests).decode()
    stored = "".join(str(e.data) for e in OutboundEvent.objects.all())
    forbidden = ["wang.fang@example.cn", "li.lei@example.cn", "王芳", "李雷", "13800138000", "Li Lei",
                 person.id_number, person.name, household.village, household.township, "BANK",
                 "Saw the patient"]  # fmt: skip
    if person.phone:
        forbidden.append(person.phone)
    for value in forbidden:
        assert value not in bodies, value
        assert value not in stored, value
    # and the public pseudonym and gift ids are there
    assert "李奶奶" in bodies
    assert str(kept.public_id) in bodies
