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


# --- money: through the real services (``tests.builders``) ------------------------------------
def captured_donation(campaign, minor: int, *, earmark=None, email: str = "donor@example.com"):
    """A gift received into escrow through the donation flow (``tests.builders.gift``)."""
    from tests.builders import gift

    return gift(campaign, minor, earmark=earmark, email=email)
