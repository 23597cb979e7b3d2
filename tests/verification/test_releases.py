from datetime import timedelta

import pytest
from django.contrib.auth.models import Group, User
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.utils import timezone, translation

from campaigns.models import AuditEvent
from campaigns.money import Money
from campaigns.reader_language import ReaderText
from campaigns.roles import FINANCE_OFFICERS
from payments.allocation.services import NotEnoughHeld, breakdown_of
from payments.figures.selectors import campaign_totals
from payments.gateway.connect import get_connect_gateway
from payments.ledger.services import balance_of, escrow_account
from payments.models import Allocation, LedgerEntry, OutboxCommand, Release, ReleaseStatus
from payments.releases.exceptions import ReleaseNotAllowed
from payments.releases.payouts import release_record_bank_transfer, transfer_execute
from payments.releases.services import objection_file, objection_resolve, release_approve
from payments.trace.selectors import gift_trace
from tests.builders import verified_milestone
from tests.factories import PartnerFactory
from tests.verification.factories import BeneficiaryFactory, captured_donation


@pytest.fixture
def beneficiary(db, verifier):
    return BeneficiaryFactory(verified_by=verifier)


@pytest.fixture
def released_setup(beneficiary, verifier):
    campaign = beneficiary.campaign
    first = captured_donation(campaign, 200_000)
    second = captured_donation(campaign, 200_000)
    milestone = verified_milestone(beneficiary=beneficiary, verifier=verifier)
    return campaign, first, second, milestone


def test_a_verified_milestone_requests_a_release(released_setup):
    _campaign, _a, _b, milestone = released_setup
    release = Release.objects.get(milestone=milestone)
    assert release.status == ReleaseStatus.REQUESTED
    assert release.amount == Money("3000", "CNY")
    assert AuditEvent.objects.filter(action="release.requested", subject_id=str(release.pk)).exists()


def test_four_eyes_the_verifier_cannot_approve_even_as_finance_officer(released_setup, verifier):
    # given the milestone's verifier is also a finance officer
    verifier.groups.add(Group.objects.get(name=FINANCE_OFFICERS))
    verifier = User.objects.get(pk=verifier.pk)  # drop the permission cache
    campaign, *_rest, milestone = released_setup
    release = milestone.release
    # when they try to approve the release at service level
    with pytest.raises(PermissionDenied):
        release_approve(release=release, actor=verifier)
    # then nothing moved: no ledger entry, no allocation, still requested
    release.refresh_from_db()
    assert release.status == ReleaseStatus.REQUESTED
    assert not LedgerEntry.objects.filter(kind="release.approved").exists()
    assert not Allocation.objects.exists()
    assert balance_of(escrow_account(campaign)) == Money("4000", "CNY")


def test_a_superuser_who_verified_cannot_approve_either(released_setup):
    *_rest, milestone = released_setup
    boss = User.objects.create_superuser("boss", password="x")
    milestone.verified_by = boss
    milestone.save(update_fields=["verified_by"])
    with pytest.raises(PermissionDenied):
        release_approve(release=milestone.release, actor=boss)


@pytest.mark.parametrize("who", ["editor", "verifier2", "anonymous"])
def test_only_finance_officers_approve(released_setup, who, editor, second_verifier):
    actor = {"editor": editor, "verifier2": second_verifier, "anonymous": None}[who]
    with pytest.raises(PermissionDenied):
        release_approve(release=released_setup[3].release, actor=actor)
    assert not Allocation.objects.exists()


def test_approval_moves_escrow_to_payable_and_allocates_fifo(released_setup, finance_officer):
    campaign, first, second, milestone = released_setup
    release = release_approve(release=milestone.release, actor=finance_officer)
    assert release.status == ReleaseStatus.APPROVED
    assert release.payout_method == "bank"
    # FIFO: the first gift is consumed whole, the second gives the rest
    assert list(Allocation.objects.order_by("id").values_list("donation_id", "amount_minor")) == [
        (first.pk, 200_000),
        (second.pk, 100_000),
    ]
    assert breakdown_of(second).held == Money("1000", "CNY")
    totals = campaign_totals(campaign=campaign)
    assert (totals.raised, totals.held, totals.approved_unpaid, totals.paid) == (
        Money("4000", "CNY"),
        Money("1000", "CNY"),
        Money("3000", "CNY"),
        Money("0", "CNY"),
    )
    assert AuditEvent.objects.filter(action="release.approved").count() == 1


def test_earmarked_gifts_fund_their_beneficiary_first_and_are_never_used_for_others(
    beneficiary, verifier, finance_officer
):
    campaign = beneficiary.campaign
    other = BeneficiaryFactory(campaign=campaign, verified_by=verifier)
    pooled = captured_donation(campaign, 100_000)
    for_other = captured_donation(campaign, 500_000, earmark=other)
    for_this = captured_donation(campaign, 250_000, earmark=beneficiary)
    milestone = verified_milestone(beneficiary=beneficiary, verifier=verifier)
    release_approve(release=milestone.release, actor=finance_officer)
    assert dict(Allocation.objects.values_list("donation_id", "amount_minor")) == {
        for_this.pk: 250_000,
        pooled.pk: 50_000,
    }
    # and a release for this beneficiary larger than pooled + own earmarks is refused, not taken from others
    second = verified_milestone(beneficiary=beneficiary, verifier=verifier, minor=100_000)
    with pytest.raises(NotEnoughHeld):
        release_approve(release=second.release, actor=finance_officer)
    assert breakdown_of(for_other).held == Money("5000", "CNY")
    assert Release.objects.get(pk=second.release.pk).status == ReleaseStatus.REQUESTED


def test_objection_pauses_release_until_resolved(released_setup, finance_officer):
    *_rest, milestone = released_setup
    release = milestone.release
    # when anyone files an objection
    objection = objection_file(release=release, name="村民 张", reason="The surgery did not happen yet")
    release.refresh_from_db()
    assert release.status == ReleaseStatus.OBJECTED
    # then approval is refused and nothing moves
    with pytest.raises(ReleaseNotAllowed):
        release_approve(release=release, actor=finance_officer)
    assert not Allocation.objects.exists()
    # when a finance officer dismisses it, the release may be approved
    objection_resolve(
        objection=objection, actor=finance_officer, uphold=False, note="Hospital record checked"
    )
    release.refresh_from_db()
    assert release.status == ReleaseStatus.REQUESTED
    release_approve(release=release, actor=finance_officer)
    assert release.status == ReleaseStatus.APPROVED
    assert list(
        AuditEvent.objects.filter(subject_type="payments.Release")
        .order_by("id")
        .values_list("action", flat=True)
    ) == [
        "release.requested",
        "release.objected",
        "release.requested",
        "objection.dismissed",
        "release.approved",
    ]


def test_an_upheld_objection_cancels_the_release(released_setup, finance_officer):
    release = released_setup[3].release
    objection = objection_resolve(
        objection=objection_file(release=release, name="x", reason="wrong patient"),
        actor=finance_officer,
        uphold=True,
        note="Confirmed: wrong patient",
    )
    release.refresh_from_db()
    assert (release.status, objection.resolution) == (ReleaseStatus.CANCELLED, "upheld")
    with pytest.raises(ReleaseNotAllowed):
        objection_file(release=release, name="y", reason="again")


def test_notice_period_blocks_approval_until_it_ends(beneficiary, verifier, finance_officer):
    captured_donation(beneficiary.campaign, 300_000)
    release = verified_milestone(
        beneficiary=beneficiary, verifier=verifier, notice=timedelta(hours=48)
    ).release
    with pytest.raises(ReleaseNotAllowed):
        release_approve(release=release, actor=finance_officer)
    release_approve(release=release, actor=finance_officer, now=timezone.now() + timedelta(hours=49))
    assert release.status == ReleaseStatus.APPROVED


def test_bank_payout_moves_payable_to_paid_with_reference(released_setup, finance_officer):
    *_rest, milestone = released_setup
    release = release_approve(release=milestone.release, actor=finance_officer)
    release_record_bank_transfer(
        release=release,
        actor=finance_officer,
        reference="ICBC-2026-0042",
        proof=ContentFile(b"receipt", name="receipt.pdf"),
    )
    assert release.status == ReleaseStatus.PAID
    paid = LedgerEntry.objects.get(key=f"release:{release.pk}:paid")
    assert paid.kind == "payout.bank"
    assert "ICBC-2026-0042" in paid.memo


def test_connect_payout_runs_through_the_outbox_once(
    beneficiary, verifier, finance_officer, settings, django_capture_on_commit_callbacks
):
    settings.CLEARFUND_CONNECT_GATEWAY = "payments.gateway.connect_fake.FakeConnectGateway"
    gateway = get_connect_gateway()
    gateway.reset()
    gateway.add_account("acct_hospital")
    gateway.fund_platform(Money("5000", "CNY"))
    partner = PartnerFactory(stripe_account_id="acct_hospital")
    captured_donation(beneficiary.campaign, 300_000)
    release = verified_milestone(beneficiary=beneficiary, verifier=verifier, partner=partner).release
    with django_capture_on_commit_callbacks(execute=True):
        release_approve(release=release, actor=finance_officer)  # eager Celery runs the transfer on commit
    release.refresh_from_db()
    command = OutboxCommand.objects.get(key=f"release:{release.pk}:transfer")
    assert (release.status, command.status) == (ReleaseStatus.PAID, "done")
    assert release.provider_transfer_id == command.result["transfer_id"]
    assert gateway.balance_available(currency="CNY") == Money("2000", "CNY")
    # running the command again moves nothing
    assert transfer_execute(command_id=command.pk) == "skipped"
    assert gateway.balance_available(currency="CNY") == Money("2000", "CNY")


def test_connect_transfer_beyond_balance_waits_and_retries(
    beneficiary, verifier, finance_officer, settings, django_capture_on_commit_callbacks
):
    settings.CLEARFUND_CONNECT_GATEWAY = "payments.gateway.connect_fake.FakeConnectGateway"
    gateway = get_connect_gateway()
    gateway.reset()
    gateway.add_account("acct_hospital")
    partner = PartnerFactory(stripe_account_id="acct_hospital")
    captured_donation(beneficiary.campaign, 300_000)
    release = verified_milestone(beneficiary=beneficiary, verifier=verifier, partner=partner).release
    with django_capture_on_commit_callbacks(execute=True):
        release_approve(release=release, actor=finance_officer)
    release.refresh_from_db()
    command = OutboxCommand.objects.get(key=f"release:{release.pk}:transfer")
    assert (release.status, command.status, command.attempts) == (ReleaseStatus.APPROVED, "pending", 1)
    assert command.last_error.startswith("balance_insufficient")
    assert not LedgerEntry.objects.filter(key=f"release:{release.pk}:paid").exists()
    # when the balance arrives and the command is due again, it pays
    gateway.fund_platform(Money("3000", "CNY"))
    OutboxCommand.objects.filter(pk=command.pk).update(next_attempt_at=timezone.now())
    assert transfer_execute(command_id=command.pk) == "done"


def test_fake_gateway_refuses_reversal_beyond_destination_balance():
    from payments.gateway.connect import ConnectError, InsufficientBalance
    from payments.gateway.connect_fake import FakeConnectGateway

    gateway = FakeConnectGateway()
    gateway.add_account("acct_a")
    gateway.fund_platform(Money("100", "CNY"))
    transfer = gateway.transfer_create(destination="acct_a", amount=Money("80", "CNY"), key="k1", metadata={})
    gateway.accounts["acct_a"]["CNY"] -= 5000  # the partner spent ¥50
    with pytest.raises(InsufficientBalance):
        gateway.transfer_reverse(transfer_id=transfer.id, amount=Money("40", "CNY"), key="r1")
    gateway.transfer_reverse(transfer_id=transfer.id, amount=Money("30", "CNY"), key="r2")
    with pytest.raises(ConnectError):
        gateway.transfer_reverse(transfer_id=transfer.id, amount=Money("60", "CNY"), key="r3")
    assert gateway.balance_available(currency="CNY") == Money("50", "CNY")


def test_gift_trace_shows_partner_pseudonym_outcome_and_roles(released_setup, finance_officer):
    _campaign, first, _second, milestone = released_setup
    release_approve(release=milestone.release, actor=finance_officer)
    trace = gift_trace(donation=first)
    assert (trace.breakdown.approved_unpaid, trace.breakdown.paid) == (
        Money("2000", "CNY"),
        Money("0", "CNY"),
    )
    assert trace.breakdown.held == Money("0", "CNY")
    (line,) = trace.disbursements
    # read in English (the roles below): the Chinese names come marked "not yet translated" (ADR 0403)
    assert (line.amount, line.partner, line.beneficiary) == (
        Money("2000", "CNY"),
        ReaderText(milestone.partner.name, missing=True),
        ReaderText(milestone.beneficiary.pseudonym, missing=True),
    )
    assert (line.outcome, line.verified_by_role, line.approved_by_role) == (
        "Surgery performed",
        "Verifier",
        "Finance officer",
    )
    assert line.evidence[0][0] == ReaderText("Discharge note from the hospital", missing=True)


def test_the_disbursement_feed_reads_a_fixed_number_of_queries(
    verifier, finance_officer, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from payments.trace.selectors import disbursement_feed

    def approved_release(campaign):
        beneficiary = BeneficiaryFactory(campaign=campaign, verified_by=verifier)
        captured_donation(campaign, 300_000)
        release_approve(
            release=verified_milestone(beneficiary=beneficiary, verifier=verifier).release,
            actor=finance_officer,
        )

    campaign = BeneficiaryFactory(verified_by=verifier).campaign
    approved_release(campaign)
    with CaptureQueriesContext(connection) as one:
        assert len(disbursement_feed(campaign=campaign)) == 1
    for _ in range(3):
        approved_release(campaign)

    with django_assert_max_num_queries(len(one.captured_queries)), translation.override("en"):
        feed = disbursement_feed(campaign=campaign)

    assert len(feed) == 4
    assert {d.verified_by_role for d in feed} == {"Verifier"}
    assert {d.approved_by_role for d in feed} == {"Finance officer"}
