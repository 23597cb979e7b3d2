"""A gift's capture reaches everything that follows a gift's money exactly once (ADR 0401, note
of session 9): the capture's one-statement transition (ADR 0240) sends the declared domain signal
``gift_status_changed``, as every other transition does, and its receivers (matching, supporter
pages, unit funding, the needs board) queue their work once; a capture already recorded sends
nothing and queues nothing."""

from __future__ import annotations

import uuid

import pytest

from campaigns.money import Money
from campaigns.verification.needs import need_hold, need_post, need_vet
from payments.donations.models import Donation, DonationEvent
from payments.donations.services import donation_charge, donation_record_capture, donation_start_card
from payments.donations.signals import gift_status_changed
from payments.needs.services import need_gift_create
from tests.builders import CARD, card_gateway
from tests.verification.factories import BeneficiaryFactory, RegistryPersonFactory

pytestmark = pytest.mark.django_db


class _EveryCampaign:
    """Stands for "every campaign has pools / supporter pages", so both follow every gift."""

    def __contains__(self, campaign_id: object) -> bool:
        return True


@pytest.fixture
def queued(monkeypatch):
    """What the receivers of a gift's money queued, as (who, task or campaign, ids)."""
    seen: list[tuple] = []
    monkeypatch.setattr("payments.matching.selectors.campaigns_with_matching", _EveryCampaign)
    monkeypatch.setattr("payments.supporters.selectors.campaigns_with_supporter_pages", _EveryCampaign)
    monkeypatch.setattr("payments.matching.receivers.enqueue",
                        lambda task, *args: seen.append(("matching", task.name, args)))  # fmt: skip
    monkeypatch.setattr("payments.supporters.receivers.enqueue",
                        lambda task, *args: seen.append(("supporters", task.name, args)))  # fmt: skip
    monkeypatch.setattr("payments.figures.receivers.unit_funding_due",
                        lambda campaign_id: seen.append(("unit funding", campaign_id, ())))  # fmt: skip
    monkeypatch.setattr("payments.needs.receivers.enqueue_on_commit",
                        lambda task, *args: seen.append(("needs", task.name, args)))  # fmt: skip
    return seen


@pytest.fixture
def sent():
    """Every ``gift_status_changed`` sent, as (gift id, previous, status)."""
    seen: list[tuple[int, str, str]] = []

    def hear(sender, donation, previous, status, **kwargs):
        seen.append((donation.pk, previous, status))

    gift_status_changed.connect(hear, sender=Donation, dispatch_uid="tests.gift_status_changed")
    yield seen
    gift_status_changed.disconnect(sender=Donation, dispatch_uid="tests.gift_status_changed")


@pytest.fixture
def charged_need_gift(verifier, second_verifier, queued, sent, django_capture_on_commit_callbacks):
    """A need's gift (earmarked, linked to its need) charged and captured through the services;
    ``queued`` and ``sent`` hold only what the capture itself caused."""
    beneficiary = BeneficiaryFactory(registry_person=RegistryPersonFactory(), verified_by=verifier)
    need = need_post(actor=verifier, beneficiary=beneficiary, title="A wheelchair", kind="mobility",
                     amount=Money("800", "CNY"))  # fmt: skip
    need = need_hold(
        need=need_vet(actor=second_verifier, need=need, note="Visited"), client="a", donor_alias="A"
    )
    with card_gateway() as gateway:
        donation = need_gift_create(need=need, hold_token=need.hold_token, email="donor@example.com",
                                    attempt=uuid.uuid4())  # fmt: skip
        donation_start_card(donation=donation)
        donation.refresh_from_db()
        gateway.setup_intent_confirm(donation.provider_setup_intent_id, CARD)
        queued.clear()
        sent.clear()
        with django_capture_on_commit_callbacks(execute=True):
            donation_charge(donation=donation)
    return Donation.objects.get(pk=donation.pk)


def test_a_capture_sends_one_status_change_and_each_receiver_queues_its_work_once(
    charged_need_gift, queued, sent
):
    gift = charged_need_gift

    assert gift.captured_at is not None and gift.status == "succeeded"
    # charging, then the capture: one status change each
    assert sent == [(gift.pk, "awaiting_card", "processing"), (gift.pk, "processing", "succeeded")]
    assert sorted(queued) == [
        ("matching", "payments.matching.gift_matches_follow", (gift.pk,)),
        ("needs", "payments.need_gift_captured", (gift.pk,)),
        ("supporters", "payments.supporters.gift_follow", (gift.pk,)),
        ("unit funding", gift.campaign_id, ()),
    ]
    assert DonationEvent.objects.filter(donation=gift, to_status="succeeded").count() == 1


def test_a_capture_recorded_again_sends_nothing_and_queues_nothing(
    charged_need_gift, queued, sent, django_capture_on_commit_callbacks
):
    # given a captured gift whose effects were queued once
    gift = charged_need_gift
    queued.clear()
    sent.clear()

    # when the provider's word of the same capture arrives again
    with django_capture_on_commit_callbacks(execute=True):
        posted = donation_record_capture(donation=gift, payment_intent_id=gift.provider_payment_intent_id)

    # then nothing is posted, sent or queued, and the gift has one capture event still
    assert posted is False
    assert sent == []
    assert queued == []
    assert DonationEvent.objects.filter(donation=gift, to_status="succeeded").count() == 1
