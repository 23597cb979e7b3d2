"""Factories for registry, beneficiary and milestone records (verification area)."""

from datetime import date, timedelta

import factory
from django.contrib.auth.models import Group, User
from django.utils import timezone

from campaigns.identity import gb11643_check_digit, household_hash, identity_hash
from campaigns.models import (
    Beneficiary,
    BeneficiaryStatus,
    Evidence,
    Milestone,
    MilestoneKind,
    RegistryHousehold,
    RegistryPerson,
    RegistryStatus,
)
from campaigns.roles import VERIFIERS
from tests.factories import CampaignFactory, PartnerFactory


def verifier_user() -> User:
    user, created = User.objects.get_or_create(username="field-verifier", defaults={"is_staff": True})
    if created:
        user.groups.add(Group.objects.get(name=VERIFIERS))
    return user


def make_id_number(n: int, birth: str = "19550310") -> str:
    first17 = f"431129{birth}{n % 1000:03d}"
    return first17 + gb11643_check_digit(first17)


class RegistryHouseholdFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RegistryHousehold

    household_id = factory.Sequence(lambda n: f"4311290{n:06d}")
    key = factory.LazyAttribute(
        lambda o: household_hash(
            household_id=o.household_id, county=o.county, township=o.township, village=o.village
        )
    )
    province = "湖南省"
    city = "永州市"
    county = "江华瑶族自治县"
    township = "涔天河镇"
    village = "石岭村"
    poverty_cause = "illness"
    registered_year = 2015
    status = RegistryStatus.REGISTERED
    income_per_capita_cny = 2600


class RegistryPersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RegistryPerson

    household = factory.SubFactory(RegistryHouseholdFactory)
    relation = "head"
    name = factory.Sequence(lambda n: f"盘秀{n}")
    gender = "F"
    id_number = factory.Sequence(lambda n: make_id_number(n))
    id_hash = factory.LazyAttribute(lambda o: identity_hash(o.id_number))
    birth_date = date(1955, 3, 10)
    phone = factory.Sequence(lambda n: f"139{n:08d}")
    status = RegistryStatus.REGISTERED
    health_condition = "白内障"


class BeneficiaryFactory(factory.django.DjangoModelFactory):
    """A verified beneficiary matched to a registry person, by default."""

    class Meta:
        model = Beneficiary

    campaign = factory.SubFactory(CampaignFactory, status="live")
    pseudonym = factory.Sequence(lambda n: f"盘奶奶{n}")
    age_band = "65+"
    county = "江华瑶族自治县"
    story = "She could no longer see her grandchildren."
    story_consent = True
    registry_person = factory.SubFactory(RegistryPersonFactory)
    id_hash = factory.LazyAttribute(lambda o: o.registry_person.id_hash if o.registry_person else "")
    status = BeneficiaryStatus.VERIFIED
    verified_by = factory.LazyAttribute(lambda o: verifier_user() if o.status == "verified" else None)
    verified_at = factory.LazyFunction(timezone.now)


class MilestoneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Milestone

    beneficiary = factory.SubFactory(BeneficiaryFactory)
    kind = MilestoneKind.SURGERY_PERFORMED
    amount_minor = 300_000
    currency = "CNY"
    partner = factory.SubFactory(PartnerFactory)
    due_date = factory.LazyFunction(lambda: date.today() + timedelta(days=30))


class EvidenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Evidence

    summary = "Discharge note from the hospital"
    dated = factory.LazyFunction(date.today)


# --- money ------------------------------------------------------------------------------------
def captured_donation(campaign, minor: int, *, earmark=None, email: str = "donor@example.com"):
    """A gift received into escrow, posted to the ledger the way the donation flow posts it."""
    import uuid

    from campaigns.money import Money
    from payments.ledger.services import Leg, account_for, entry_post, escrow_account
    from payments.models import AccountKind, Donation, DonorProfile

    donor, _ = DonorProfile.objects.get_or_create(email=email)
    donation = Donation.objects.create(
        campaign=campaign,
        donor=donor,
        amount_minor=minor,
        currency=campaign.currency,
        status="succeeded",
        earmark_beneficiary_id=earmark.pk if earmark is not None else None,
        idempotency_key=f"test:{uuid.uuid4()}",
        provider_charge_id=f"ch_test_{uuid.uuid4().hex[:12]}",
        captured_at=timezone.now(),
    )
    amount = Money.from_minor(minor, campaign.currency)
    entry_post(
        key=f"donation:{donation.pk}:captured",
        kind="donation.captured",
        legs=[
            Leg(account_for(kind=AccountKind.DONOR_FUNDS, currency=campaign.currency), -amount),
            Leg(escrow_account(campaign), amount),
        ],
        memo=f"gift {donation.public_id}",
    )
    return donation


def verified_milestone(*, beneficiary, verifier, partner=None, minor: int = 300_000):
    """A milestone taken through report → verify by ``verifier`` (so its release is requested)."""
    from django.core.files.base import ContentFile

    from campaigns.money import Money
    from campaigns.verification.beneficiaries import evidence_add
    from campaigns.verification.milestones import milestone_create, milestone_report, milestone_verify

    milestone = milestone_create(
        actor=verifier,
        beneficiary=beneficiary,
        kind=MilestoneKind.SURGERY_PERFORMED,
        amount=Money.from_minor(minor, beneficiary.campaign.currency),
        partner=partner or PartnerFactory(),
        due_date=date.today(),
    )
    evidence_add(
        actor=verifier,
        milestone=milestone,
        file=ContentFile(b"pdf", name="discharge.pdf"),
        summary="Discharge note from the hospital",
        dated=date.today(),
    )
    milestone_report(actor=verifier, milestone=milestone)
    return milestone_verify(actor=verifier, milestone=milestone, note="Saw the patient after surgery")
