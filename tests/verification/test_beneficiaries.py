from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from campaigns.models import AuditEvent, BeneficiaryStatus, MilestoneStatus, RegistryStatus
from campaigns.money import Money
from campaigns.verification.beneficiaries import (
    NotFundable,
    age_band_for,
    beneficiary_create,
    beneficiary_match,
    beneficiary_verify,
    evidence_add,
)
from campaigns.verification.milestones import milestone_create, milestone_report, milestone_verify
from campaigns.verification.selectors import campaign_accepts_donations, public_beneficiaries
from tests.factories import CampaignFactory, PartnerFactory
from tests.verification.factories import BeneficiaryFactory, MilestoneFactory, RegistryPersonFactory


@pytest.fixture
def campaign(db):
    return CampaignFactory(status="live")


def test_a_verifier_matches_by_keyed_hash_and_verifies_with_evidence(campaign, verifier, evidence_file):
    # given a registered person and a proposed beneficiary
    person = RegistryPersonFactory(birth_date=date(1955, 3, 10))
    beneficiary = beneficiary_create(actor=verifier, campaign=campaign, pseudonym="盘奶奶")
    # when the verifier matches, adds evidence and verifies
    beneficiary_match(actor=verifier, beneficiary=beneficiary, id_number=person.id_number.lower())
    evidence_add(
        actor=verifier,
        beneficiary=beneficiary,
        file=evidence_file,
        summary="Consent form",
        dated=date.today(),
    )
    beneficiary_verify(actor=verifier, beneficiary=beneficiary, note="Checked 户口本 against the registry")
    # then the beneficiary is verified, matched by hash, with public fields derived from the registry
    beneficiary.refresh_from_db()
    assert beneficiary.status == BeneficiaryStatus.VERIFIED
    assert beneficiary.registry_person == person
    assert beneficiary.id_hash == person.id_hash
    assert (beneficiary.county, beneficiary.age_band) == ("江华瑶族自治县", "65+")
    assert beneficiary.verified_by == verifier
    # and each step is audited without the ID number
    actions = list(AuditEvent.objects.order_by("id").values_list("action", flat=True))
    assert actions == [
        "beneficiary.proposed",
        "beneficiary.matched",
        "evidence.added",
        "beneficiary.verified",
    ]
    assert person.id_number not in str(list(AuditEvent.objects.values_list("data", "reason")))
    # and the evidence file is in private storage
    stored = beneficiary.evidence.get().file
    assert str(stored.storage.location).endswith("private")


def test_verification_without_evidence_is_refused_and_changes_nothing(campaign, verifier):
    person = RegistryPersonFactory()
    beneficiary = beneficiary_create(actor=verifier, campaign=campaign, pseudonym="盘奶奶")
    beneficiary_match(actor=verifier, beneficiary=beneficiary, id_number=person.id_number)
    with pytest.raises(ValidationError):
        beneficiary_verify(actor=verifier, beneficiary=beneficiary, note="looks fine")
    beneficiary.refresh_from_db()
    assert beneficiary.status == BeneficiaryStatus.MATCHED
    assert not AuditEvent.objects.filter(action="beneficiary.verified").exists()


def test_only_verifiers_match_and_verify(campaign, editor, finance_officer):
    person = RegistryPersonFactory()
    beneficiary = BeneficiaryFactory(
        campaign=campaign, status="proposed", registry_person=None, verified_at=None
    )
    for actor in (editor, finance_officer, None):
        with pytest.raises(PermissionDenied):
            beneficiary_match(actor=actor, beneficiary=beneficiary, id_number=person.id_number)
    beneficiary.refresh_from_db()
    assert beneficiary.registry_person is None


@pytest.mark.parametrize(
    "problem",
    ["malformed", "unknown", "exited"],
)
def test_matching_refuses_bad_unknown_or_exited_numbers(campaign, verifier, problem):
    person = RegistryPersonFactory(status=RegistryStatus.EXITED if problem == "exited" else "registered")
    number = {
        "malformed": person.id_number[:-1] + "0"
        if person.id_number[-1] != "0"
        else person.id_number[:-1] + "1",
        "unknown": "110101199003070011" if problem == "unknown" else person.id_number,
        "exited": person.id_number,
    }[problem]
    beneficiary = beneficiary_create(actor=verifier, campaign=campaign, pseudonym="x")
    with pytest.raises(ValidationError):
        beneficiary_match(actor=verifier, beneficiary=beneficiary, id_number=number)
    beneficiary.refresh_from_db()
    assert (beneficiary.status, beneficiary.registry_person_id, beneficiary.id_hash) == ("proposed", None, "")


def test_unverified_beneficiaries_cannot_be_funded(campaign, verifier):
    beneficiary = beneficiary_create(actor=verifier, campaign=campaign, pseudonym="x")
    with pytest.raises(NotFundable):
        milestone_create(
            actor=verifier,
            beneficiary=beneficiary,
            kind="surgery_performed",
            amount=Money("3000", "CNY"),
            partner=PartnerFactory(),
            due_date=date.today(),
        )


def test_milestone_verification_flow_and_signal(
    verified_beneficiary, verifier, second_verifier, evidence_file
):
    received = []
    from campaigns.verification.signals import milestone_verified

    def on_verified(sender, milestone, actor, **kwargs):
        received.append((milestone.pk, actor.pk))

    milestone_verified.connect(on_verified, weak=False)
    try:
        milestone = milestone_create(
            actor=verifier,
            beneficiary=verified_beneficiary,
            kind="surgery_performed",
            amount=Money("3000", "CNY"),
            partner=PartnerFactory(),
            due_date=date.today(),
        )
        with pytest.raises(ValidationError):
            milestone_verify(actor=verifier, milestone=milestone, note="ok")  # no evidence yet
        evidence_add(
            actor=verifier,
            milestone=milestone,
            file=evidence_file,
            summary="Discharge note",
            dated=date.today(),
        )
        milestone_report(actor=verifier, milestone=milestone)
        # four eyes: the verifier who uploaded and reported the evidence is not who verifies it
        milestone_verify(actor=second_verifier, milestone=milestone, note="Saw the patient after surgery")
    finally:
        milestone_verified.disconnect(on_verified)
    assert milestone.status == MilestoneStatus.VERIFIED
    assert milestone.amount == Money("3000", "CNY")
    assert received == [(milestone.pk, second_verifier.pk)]


def test_overdue_evidence_stops_donations_until_reported(verifier, evidence_file, settings):
    # given a live campaign with a milestone due 31 days ago and a 30-day grace period
    settings.EVIDENCE_OVERDUE_DAYS = 30
    milestone = MilestoneFactory(due_date=date.today() - timedelta(days=31))
    campaign = milestone.beneficiary.campaign
    # then the campaign stops taking gifts
    assert campaign_accepts_donations(campaign=campaign) is False
    # and one day less overdue would still be fine
    assert campaign_accepts_donations(campaign=campaign, today=date.today() - timedelta(days=1)) is True
    # when the evidence is reported, gifts resume
    evidence_add(
        actor=verifier, milestone=milestone, file=evidence_file, summary="Discharge", dated=date.today()
    )
    milestone_report(actor=verifier, milestone=milestone)
    assert campaign_accepts_donations(campaign=campaign) is True


def test_campaign_not_live_does_not_accept_donations(db):
    assert campaign_accepts_donations(campaign=CampaignFactory(status="draft")) is False


def test_public_beneficiaries_hide_unconsented_story_and_unverified(campaign):
    shown = BeneficiaryFactory(campaign=campaign, story="private story", story_consent=False)
    BeneficiaryFactory(campaign=campaign, status="matched", verified_at=None)
    listed = list(public_beneficiaries(campaign=campaign))
    assert listed == [shown]
    assert listed[0].public_story == ""


@pytest.mark.parametrize(
    ("birth", "band"),
    [
        (date(2010, 6, 1), "0-17"),
        (date(2008, 5, 31), "18-34"),
        (date(1990, 1, 1), "35-49"),
        (date(1970, 1, 1), "50-64"),
        (date(1961, 5, 31), "65+"),
    ],
)
def test_age_bands(birth, band):
    assert age_band_for(birth, today=date(2026, 5, 31)) == band
