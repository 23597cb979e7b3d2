"""Four eyes on evidence (ADR 0309): who uploads or reports evidence does not verify it."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile

from campaigns.models import AuditEvent, MilestoneStatus
from campaigns.money import Money
from campaigns.verification.beneficiaries import evidence_add
from campaigns.verification.milestones import milestone_create, milestone_report, milestone_verify
from payments.releases.models import Release
from tests.builders import partner_member
from tests.factories import PartnerFactory


def _planned(verifier, beneficiary, partner=None):
    return milestone_create(actor=verifier, beneficiary=beneficiary, kind="surgery_performed",
                            amount=Money("3000", "CNY"), partner=partner or PartnerFactory(),
                            due_date=date.today())  # fmt: skip


def _evidence(actor, milestone):
    return evidence_add(actor=actor, milestone=milestone, file=ContentFile(b"pdf", name="note.pdf"),
                        summary="Discharge note", dated=date.today())  # fmt: skip


def test_a_verifier_cannot_verify_evidence_they_uploaded_and_reported(verifier, verified_beneficiary):
    # given a verifier who uploaded the evidence and reported the outcome
    milestone = _planned(verifier, verified_beneficiary)
    _evidence(verifier, milestone)
    milestone_report(actor=verifier, milestone=milestone)
    # when the same verifier tries to verify it, then it is refused
    with pytest.raises(PermissionDenied):
        milestone_verify(actor=verifier, milestone=milestone, note="Saw the patient")
    # and nothing changed: still reported, no release requested, nothing audited as verified
    milestone.refresh_from_db()
    assert (milestone.status, milestone.verified_by_id) == (MilestoneStatus.REPORTED, None)
    assert not Release.objects.filter(milestone=milestone).exists()
    assert not AuditEvent.objects.filter(action="milestone.verified").exists()


def test_a_verifier_cannot_verify_when_they_uploaded_one_piece_of_the_evidence(
    verifier, second_verifier, verified_beneficiary
):
    # given evidence uploaded by the partner and by a second verifier, reported by the partner
    partner = PartnerFactory()
    hospital = partner_member(partner)
    milestone = _planned(verifier, verified_beneficiary, partner)
    _evidence(hospital, milestone)
    _evidence(second_verifier, milestone)
    milestone_report(actor=hospital, milestone=milestone)
    # when the second verifier tries to verify it, then it is refused
    with pytest.raises(PermissionDenied):
        milestone_verify(actor=second_verifier, milestone=milestone, note="ok")
    # but the first verifier, who neither uploaded nor reported, verifies it
    milestone_verify(actor=verifier, milestone=milestone, note="Saw the patient")
    assert milestone.status == MilestoneStatus.VERIFIED
    assert milestone.verified_by_id == verifier.pk
    assert milestone.reported_by_id == hospital.pk
    assert Release.objects.filter(milestone=milestone).count() == 1


def test_another_partner_cannot_add_evidence_or_report_a_case(verifier, verified_beneficiary):
    # given a milestone paid to one hospital, and a member of another
    milestone = _planned(verifier, verified_beneficiary, PartnerFactory())
    other = partner_member(PartnerFactory(), username="other-hospital")
    # when the other partner adds evidence or reports, then both are refused and nothing is stored
    with pytest.raises(PermissionDenied):
        _evidence(other, milestone)
    with pytest.raises(PermissionDenied):
        milestone_report(actor=other, milestone=milestone)
    milestone.refresh_from_db()
    assert milestone.status == MilestoneStatus.PLANNED
    assert milestone.evidence.count() == 0
