"""Money state for tests, made only through the real services: the one place tests get gifts,
refunds, verified outcomes and paid releases from.

Nothing here writes a ledger entry or a money status itself: a gift goes through the whole card
flow (``donation_create`` → ``donation_start_card`` → the card confirmed → ``donation_charge``,
which posts the capture), a refund through ``refund_request`` and its outbox command, an outcome
through report → verify, a release through four-eyes approval and a recorded bank transfer. So a
test can only start from money state the services can produce.

The card side is the in-memory gateway (``payments.gateway.card_fake.FakeGateway``, the real
interface; the test's own instance where it configured one with the ``fake_gateway`` fixture).
"""

from __future__ import annotations

import contextlib
import uuid
from datetime import date, timedelta

from django.core.files.base import ContentFile
from django.test import override_settings

from campaigns.money import Money
from payments.gateway.card import get_gateway
from payments.models import Donation

FAKE_GATEWAY = "payments.gateway.card_fake.FakeGateway"
CARD = "pm_card_visa"


@contextlib.contextmanager
def card_gateway():
    """The in-memory fake card gateway, the test's own if it already configured it."""
    from django.conf import settings

    if settings.PAYMENTS_GATEWAY == FAKE_GATEWAY:
        yield get_gateway()
        return
    with override_settings(PAYMENTS_GATEWAY=FAKE_GATEWAY):
        yield get_gateway()


def gift(campaign, minor: int, *, email: str = "donor@example.com", earmark=None, **extra) -> Donation:
    """A gift of ``minor`` (minor units of the campaign's currency) received into escrow.

    Raises ``DonationNotPossible`` where the donation flow would (campaign not taking gifts,
    amount below its minimum, earmark not verified in the campaign).
    """
    from payments.donations.services import donation_charge, donation_create, donation_start_card

    with card_gateway() as gateway:
        donation = donation_create(
            campaign=campaign,
            amount=Money.from_minor(minor, campaign.currency),
            email=email,
            attempt=uuid.uuid4(),
            earmark_beneficiary_id=earmark.pk if earmark is not None else None,
            **extra,
        )
        donation_start_card(donation=donation)
        donation.refresh_from_db()
        gateway.setup_intent_confirm(donation.provider_setup_intent_id, CARD)
        donation_charge(donation=donation)
    donation.refresh_from_db()
    assert donation.captured_at is not None, donation.failure_message
    return donation


def refund(donation: Donation, minor: int, *, reason: str = "Donor asked for it back") -> Donation:
    """Refund ``minor`` of a received gift: the system's request, then its outbox command run."""
    from payments.outbox.models import OutboxCommand
    from payments.refunds.services import outbox_execute, refund_request

    with card_gateway():
        refund_row = refund_request(
            donation=donation,
            amount=Money.from_minor(minor, donation.currency),
            reason=reason,
            actor=None,
            key=f"test-refund:{donation.pk}:{uuid.uuid4().hex[:8]}",
        )
        command = OutboxCommand.objects.get(key=refund_row.key)
        assert outbox_execute(command_id=command.pk) == "done"
    donation.refresh_from_db()
    return donation


def partner_member(partner, *, username: str = ""):
    """A user of the Partners group acting for ``partner`` (``PartnerMember``)."""
    from django.contrib.auth.models import Group, User

    from campaigns.models import PartnerMember
    from campaigns.roles import PARTNERS

    user, _created = User.objects.get_or_create(username=username or f"partner-{partner.pk}")
    user.groups.add(Group.objects.get(name=PARTNERS))
    PartnerMember.objects.get_or_create(user=user, defaults={"partner": partner})
    return User.objects.get(pk=user.pk)


def verified_milestone(
    *,
    beneficiary,
    verifier,
    partner=None,
    minor: int = 300_000,
    reporter=None,
    notice: timedelta = timedelta(0),
):
    """A milestone taken through plan → evidence → report (by ``reporter``, by default a member of
    the partner) → verify by ``verifier``, another person (four eyes, ADR 0309), so its release is
    requested, with a public notice period of ``notice``: none unless asked, so that the builders
    below may approve it at once; the site's default is 24 hours, ADR 0104."""
    from campaigns.models import MilestoneKind
    from campaigns.verification.beneficiaries import evidence_add
    from campaigns.verification.milestones import milestone_create, milestone_report, milestone_verify
    from tests.factories import PartnerFactory

    partner = partner or PartnerFactory()
    milestone = milestone_create(
        actor=verifier,
        beneficiary=beneficiary,
        kind=MilestoneKind.SURGERY_PERFORMED,
        amount=Money.from_minor(minor, beneficiary.campaign.currency),
        partner=partner,
        due_date=date.today(),
    )
    reporter = reporter or partner_member(partner)
    evidence_add(
        actor=reporter,
        milestone=milestone,
        file=ContentFile(b"pdf", name="discharge.pdf"),
        summary="Discharge note from the hospital",
        dated=date.today(),
    )
    milestone_report(actor=reporter, milestone=milestone)
    with override_settings(RELEASE_NOTICE_PERIOD=notice):
        return milestone_verify(actor=verifier, milestone=milestone, note="Saw the patient after surgery")


def approved_release(
    *, beneficiary, partner, verifier, finance_officer, minor: int = 300_000, title: str = ""
):
    """An outcome verified and its release approved by another person (four eyes), not yet paid
    (requested with no notice period: ``verified_milestone``)."""
    from payments.releases.services import release_approve

    milestone = verified_milestone(beneficiary=beneficiary, verifier=verifier, partner=partner, minor=minor)
    if title:
        type(milestone).objects.filter(pk=milestone.pk).update(title=title)
    return release_approve(release=milestone.release, actor=finance_officer)


def paid_release(*, beneficiary, partner, verifier, finance_officer, minor: int = 300_000, title: str = ""):
    """An approved release paid by a recorded bank transfer with proof."""
    from payments.releases.payouts import release_record_bank_transfer

    release = approved_release(
        beneficiary=beneficiary, partner=partner, verifier=verifier, finance_officer=finance_officer,
        minor=minor, title=title,
    )  # fmt: skip
    return release_record_bank_transfer(
        release=release,
        actor=finance_officer,
        reference=f"BANK-{release.pk}",
        proof=ContentFile(b"%PDF-1.4 bank slip", name="slip.pdf"),
    )
