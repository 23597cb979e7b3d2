"""Paying the supplier of a delivered need (issue 12, ADR 0307 amended): a need funded by a gift,
delivered and verified, is paid from escrow to its partner by a release tied to the need, under
the rules of every release (notice, four eyes); the donor's trace goes gift → need → release →
paid, and every figure equals the ledger."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from campaigns.models import Milestone, MilestoneKind
from campaigns.money import Money
from campaigns.roles import FINANCE_OFFICERS
from campaigns.verification.beneficiaries import evidence_add
from campaigns.verification.needs import (
    need_fund,
    need_hold,
    need_mark_delivered,
    need_post,
    need_verify,
    need_vet,
)
from payments.allocation.models import Allocation
from payments.figures.selectors import campaign_totals_from_postings
from payments.ledger.models import LedgerEntry
from payments.ledger.services import balance_of, escrow_account
from payments.releases.exceptions import ReleaseNotAllowed
from payments.releases.models import Release, ReleaseStatus
from payments.releases.payouts import release_record_bank_transfer
from payments.releases.services import release_approve
from tests.builders import gift, partner_member
from tests.factories import PartnerFactory
from tests.verification.factories import BeneficiaryFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def supplier():
    return PartnerFactory(name="县康复辅具中心")


@pytest.fixture
def scene(verifier, second_verifier, supplier):
    """An earlier gift earmarked for the beneficiary, then a need claimed and paid by a donor."""
    beneficiary = BeneficiaryFactory(pseudonym="盘奶奶", verified_by=verifier)
    campaign = beneficiary.campaign
    campaign.min_donation_minor = 1000
    campaign.save(update_fields=["min_donation_minor"])
    earlier = gift(campaign, 50_000, email="earlier@example.cn", earmark=beneficiary)
    need = need_post(actor=verifier, beneficiary=beneficiary, title="A wheelchair", kind="mobility",
                     amount=Money("800", "CNY"), partner=supplier)  # fmt: skip
    need = need_vet(actor=second_verifier, need=need, note="Visited")
    need = need_hold(need=need, client="a-donor", donor_alias="A teacher")
    paying = gift(campaign, 80_000, email="donor@example.cn", earmark=beneficiary)
    assert need_fund(need=need, gift_id=paying.pk, hold_token=need.hold_token) is True
    need.refresh_from_db()
    return {"campaign": campaign, "need": need, "gift": paying, "earlier": earlier}


def _delivered(need, supplier):
    """The supplier confirms the delivery and uploads its evidence (so it may not verify it)."""
    member = partner_member(supplier)
    need_mark_delivered(need=need, actor=member)
    evidence_add(actor=member, need=need, file=ContentFile(b"%PDF delivery note", name="delivery.pdf"),
                 summary="Signed delivery note", dated=date.today())  # fmt: skip
    need.refresh_from_db()
    return member


def test_a_verified_delivery_is_paid_to_the_supplier_from_the_gift_that_funded_it(
    client, scene, supplier, second_verifier, finance_officer
):
    need, paying = scene["need"], scene["gift"]
    member = _delivered(need, supplier)

    # when a verifier checks the delivery
    need_verify(need=need, actor=second_verifier, note="Saw the wheelchair in use")

    # then a release of the need's cost to its supplier is requested, under the default notice
    outcome = Milestone.objects.get(need=need)
    release = outcome.release
    assert (outcome.kind, outcome.status, outcome.amount_minor) == (
        MilestoneKind.NEED_DELIVERED,
        "verified",
        80_000,
    )
    assert (outcome.reported_by_id, outcome.verified_by_id) == (member.pk, second_verifier.pk)
    assert (release.status, release.partner_id, release.amount_minor) == ("requested", supplier.pk, 80_000)
    assert (
        timedelta(hours=23, minutes=59) < release.notice_ends_at - release.requested_at <= timedelta(hours=24)
    )

    # when finance approves after the notice and records the bank transfer
    after_notice = release.notice_ends_at + timedelta(seconds=1)
    release_approve(release=release, actor=finance_officer, now=after_notice)
    release_record_bank_transfer(release=release, actor=finance_officer, reference="BANK-1",
                                 proof=ContentFile(b"%PDF slip", name="slip.pdf"))  # fmt: skip

    # then the money came from the need's own gift (not the earlier earmarked one) and is paid
    release.refresh_from_db()
    assert release.status == ReleaseStatus.PAID
    assert list(Allocation.objects.filter(release=release).values_list("donation_id", "amount_minor")) == [
        (paying.pk, 80_000)
    ]
    totals = campaign_totals_from_postings(campaign=scene["campaign"])
    assert (totals.paid, totals.held) == (Money("800", "CNY"), Money("500", "CNY"))
    assert balance_of(escrow_account(scene["campaign"])) == Money("500", "CNY")

    # and the donor's trace goes gift → need → release → paid, and the need's page shows the payout
    trace = client.get(
        reverse("payments:gift_trace", kwargs={"public_id": paying.public_id})
    ).content.decode()
    assert reverse("payments:need_detail", kwargs={"pk": need.pk}) in trace
    assert "Need delivered" in trace and "A wheelchair" in trace and "县康复辅具中心" in trace
    page = client.get(reverse("payments:need_detail", kwargs={"pk": need.pk})).content.decode()
    payout = LedgerEntry.objects.get(key=f"release:{release.pk}:paid")
    assert f"Ledger entry no. {payout.pk}: paid to the partner." in page


def test_the_release_of_a_need_keeps_the_notice_and_four_eyes_rules(
    scene, supplier, second_verifier, finance_officer
):
    need = scene["need"]
    _delivered(need, supplier)
    # given the verifier of the delivery is also a finance officer
    second_verifier.groups.add(Group.objects.get(name=FINANCE_OFFICERS))
    need_verify(need=need, actor=second_verifier, note="Saw the wheelchair in use")
    release = Release.objects.get(milestone__need=need)
    after_notice = release.notice_ends_at + timedelta(seconds=1)

    # then they may not approve its release, nobody may before the notice ends, and nothing moves
    with pytest.raises(PermissionDenied):
        release_approve(release=release, actor=second_verifier, now=after_notice)
    with pytest.raises(ReleaseNotAllowed, match="notice"):
        release_approve(release=release, actor=finance_officer, now=timezone.now())
    release.refresh_from_db()
    assert release.status == ReleaseStatus.REQUESTED
    assert (
        not Allocation.objects.exists() and not LedgerEntry.objects.filter(kind="release.approved").exists()
    )
    assert balance_of(escrow_account(scene["campaign"])) == Money("1300", "CNY")


def test_a_delivery_refused_at_verification_requests_no_release(scene, supplier):
    need = scene["need"]
    member = _delivered(need, supplier)
    # the supplier who confirmed the delivery may not verify it, even as a verifier
    from campaigns.roles import VERIFIERS

    member.groups.add(Group.objects.get(name=VERIFIERS))
    with pytest.raises(PermissionDenied):
        need_verify(need=need, actor=member, note="Delivered it myself")
    assert not Milestone.objects.filter(need=need).exists() and not Release.objects.exists()


def test_a_need_without_a_partner_stays_earmarked_in_escrow(verifier, second_verifier):
    beneficiary = BeneficiaryFactory(verified_by=verifier)
    need = need_post(actor=verifier, beneficiary=beneficiary, title="Seeds", kind="livelihood",
                     amount=Money("100", "CNY"))  # fmt: skip
    need = need_vet(actor=second_verifier, need=need, note="Visited")
    need = need_hold(need=need, client="a-donor")
    need_fund(need=need, gift_id=4242, hold_token=need.hold_token)
    need_mark_delivered(need=need, actor=verifier)
    evidence_add(actor=verifier, need=need, file=ContentFile(b"x", name="photo.jpg"), summary="Photo",
                 dated=date.today())  # fmt: skip

    need_verify(need=need, actor=second_verifier, note="Seen")

    need.refresh_from_db()
    assert need.status == "verified"
    assert not Milestone.objects.exists() and not Release.objects.exists()


def test_a_need_delivered_outcome_is_not_planned_by_hand(verifier, supplier):
    from django.core.exceptions import ValidationError

    from campaigns.verification.milestones import milestone_create

    beneficiary = BeneficiaryFactory(verified_by=verifier)
    with pytest.raises(ValidationError, match="needs board"):
        milestone_create(actor=verifier, beneficiary=beneficiary, kind=MilestoneKind.NEED_DELIVERED,
                         amount=Money("800", "CNY"), partner=supplier, due_date=date.today())  # fmt: skip
    assert not Milestone.objects.exists()
