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


def test_on_the_verifier_screen_who_uploaded_and_reported_cannot_verify(
    client, verifier, verified_beneficiary
):
    """Issue 12's refusal "self-verification", through the verifier's admin screen (not only the
    service): a clear refusal, never a 500, and nothing verified or released."""
    from django.conf import settings
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse
    from django.utils import translation
    from django.utils.translation import gettext

    # given a verifier who uploads the evidence and reports the outcome on the screen
    milestone = _planned(verifier, verified_beneficiary)
    client.force_login(verifier)
    url = reverse("verification_milestone_verify", args=[milestone.pk])
    note = SimpleUploadedFile("note.pdf", b"%PDF-1.4 discharge note", content_type="application/pdf")
    reported = client.post(url, {"file": note, "summary": "Discharge note", "report": "1"})
    assert reported.status_code == 302
    milestone.refresh_from_db()
    assert milestone.status == MilestoneStatus.REPORTED

    # when they press "Verify outcome" themselves
    response = client.post(url, {"note": "Saw the patient", "verify": "1"})

    # then the screen says why (403), and nothing is verified, released or audited as verified
    assert response.status_code == 403
    with translation.override(settings.LANGUAGE_CODE):  # the admin speaks the site's language
        why = gettext("You reported this outcome or uploaded its evidence; another verifier must verify it.")
    assert why in response.content.decode()
    milestone.refresh_from_db()
    assert (milestone.status, milestone.verified_by_id) == (MilestoneStatus.REPORTED, None)
    assert not Release.objects.filter(milestone=milestone).exists()
    assert not AuditEvent.objects.filter(action="milestone.verified").exists()
