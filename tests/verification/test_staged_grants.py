"""Staged grants for entrepreneur leaders (issue 12, ADR 0310): stages that add up to the grant,
released in order on their own verified outcomes, amounts fixed once verified; the failure side
of each money rule, and the figures equal to the ledger."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, connection, transaction
from django.test import override_settings
from django.urls import reverse

from campaigns.models import AuditEvent, CampaignKind, Grant, Milestone, MilestoneKind, MilestoneStatus
from campaigns.money import Money
from campaigns.verification.beneficiaries import evidence_add
from campaigns.verification.grants import StagePlan, grant_create, grant_stage_amounts_change
from campaigns.verification.milestones import milestone_report, milestone_verify
from payments.figures.selectors import campaign_totals_from_postings
from payments.ledger.models import LedgerEntry
from payments.ledger.services import balance_of, escrow_account
from payments.releases.exceptions import ReleaseNotAllowed
from payments.releases.models import ReleaseStatus
from payments.releases.services import release_approve
from tests.builders import gift, partner_member
from tests.factories import CampaignFactory, PartnerFactory
from tests.verification.factories import BeneficiaryFactory

pytestmark = pytest.mark.django_db


def cny(text: str) -> Money:
    return Money(text, "CNY")


@pytest.fixture
def leader(verifier):
    campaign = CampaignFactory(kind=CampaignKind.LIVELIHOOD, status="live", min_donation_minor=1000,
                               slug="leaders", unit_cost_minor=None)  # fmt: skip
    return BeneficiaryFactory(campaign=campaign, pseudonym="带头人 周", verified_by=verifier)


@pytest.fixture
def trainer():
    return PartnerFactory(name="县创业培训中心")


SCHEDULE = [
    StagePlan(kind=MilestoneKind.MODULE_COMPLETED, amount=cny("2000"), due_date=date(2027, 3, 1), title="Module 1"),
    StagePlan(kind=MilestoneKind.MODULE_COMPLETED, amount=cny("2000"), due_date=date(2027, 5, 1), title="Module 2"),
    StagePlan(kind=MilestoneKind.BUSINESS_PLAN_APPROVED, amount=cny("6000"), due_date=date(2027, 7, 1),
              title="Business plan"),
]  # fmt: skip


def _grant(actor, leader, trainer, stages=SCHEDULE, total="10000") -> Grant:
    return grant_create(actor=actor, beneficiary=leader, title="Start-up grant", amount=cny(total),
                        partner=trainer, stages=stages)  # fmt: skip


def _stage(grant, number) -> Milestone:
    return Milestone.objects.get(grant=grant, stage=number)


def _verify(stage: Milestone, verifier) -> Milestone:
    """Evidence and report by the training centre, verified by ``verifier`` (no notice period)."""
    reporter = partner_member(stage.partner)
    evidence_add(actor=reporter, milestone=stage, file=ContentFile(b"pdf", name="certificate.pdf"),
                 summary="Module certificate", dated=date.today())  # fmt: skip
    milestone_report(actor=reporter, milestone=stage)
    with override_settings(RELEASE_NOTICE_PERIOD=timedelta(0)):
        return milestone_verify(actor=verifier, milestone=stage, note="Saw the certificate")


def test_an_editor_draws_up_a_grant_whose_stages_add_up_in_order(editor, leader, trainer):
    grant = _grant(editor, leader, trainer)

    stages = list(grant.stages.order_by("stage"))
    assert [(m.stage, m.stage_count, m.amount_minor, m.kind) for m in stages] == [
        (1, 3, 200_000, "module_completed"),
        (2, 3, 200_000, "module_completed"),
        (3, 3, 600_000, "business_plan_approved"),
    ]
    assert {(m.partner_id, m.beneficiary_id, m.status) for m in stages} == {
        (trainer.pk, leader.pk, "planned")
    }
    assert [m.stage_label for m in stages] == ["Stage 1 of 3", "Stage 2 of 3", "Stage 3 of 3"]
    assert AuditEvent.objects.get(action="grant.planned").data["stages"] == [200_000, 200_000, 600_000]


def test_stages_that_do_not_add_up_to_the_grant_are_refused_and_nothing_is_written(editor, leader, trainer):
    with pytest.raises(ValidationError) as error:
        _grant(editor, leader, trainer, total="12000")

    assert error.value.messages == [
        "The stages add up to ¥10,000, but the grant is ¥12,000: they must add up exactly."
    ]
    assert not Grant.objects.exists() and not Milestone.objects.exists()


def test_the_database_refuses_stages_that_do_not_add_up_whoever_writes_them(editor, leader, trainer):
    refused = pytest.raises(IntegrityError, match="add up to 900000 minor units; the grant is 1000000")
    with refused, transaction.atomic(), connection.cursor() as cursor:
        # given a grant written around the service, with its one stage short of its amount
        grant = Grant.objects.create(beneficiary=leader, title="x", amount_minor=1_000_000, currency="CNY",
                                     stage_count=1, created_by=editor)  # fmt: skip
        Milestone.objects.create(beneficiary=leader, kind="module_completed", amount_minor=900_000,
                                 currency="CNY", partner=trainer, due_date=date(2027, 1, 1), grant=grant,
                                 stage=1, stage_count=1)  # fmt: skip
        # when the transaction's deferred checks run (at commit; here made immediate), it is refused
        cursor.execute(
            "SET CONSTRAINTS campaigns_milestone_stages_add_up, campaigns_grant_stages_add_up IMMEDIATE"
        )
    assert not Grant.objects.exists()


def test_grants_are_for_livelihood_campaigns_and_drawn_up_by_editors_or_verifiers(
    editor, finance_officer, verifier, trainer
):
    medical = BeneficiaryFactory(verified_by=verifier)
    with pytest.raises(ValidationError, match="entrepreneur"):
        _grant(editor, medical, trainer)
    livelihood = BeneficiaryFactory(campaign=CampaignFactory(kind=CampaignKind.LIVELIHOOD, status="live"),
                                    verified_by=verifier)  # fmt: skip
    with pytest.raises(PermissionDenied):
        _grant(finance_officer, livelihood, trainer)
    assert not Grant.objects.exists()


def test_stage_two_is_not_released_before_stage_one_is_verified(
    editor, verifier, second_verifier, finance_officer, leader, trainer
):
    # given a staged grant, gifts in escrow, and stage 2's outcome verified before stage 1's
    grant = _grant(editor, leader, trainer)
    gift(leader.campaign, 1_000_000)
    second = _verify(_stage(grant, 2), verifier)
    assert second.release.status == ReleaseStatus.REQUESTED

    # when finance approves stage 2's release, then it is refused and nothing moves
    with pytest.raises(ReleaseNotAllowed, match="Stage 2 of this grant is released only after stage 1"):
        release_approve(release=second.release, actor=finance_officer)
    second.release.refresh_from_db()
    assert second.release.status == ReleaseStatus.REQUESTED
    assert not LedgerEntry.objects.filter(kind="release.approved").exists()
    assert balance_of(escrow_account(leader.campaign)) == cny("10000")

    # once stage 1 is verified (by another verifier), both are released in order, as the ledger says
    first = _verify(_stage(grant, 1), second_verifier)
    release_approve(release=first.release, actor=finance_officer)
    release_approve(release=second.release, actor=finance_officer)
    totals = campaign_totals_from_postings(campaign=leader.campaign)
    assert balance_of(escrow_account(leader.campaign)) == cny("6000")
    assert totals.approved_unpaid == cny("4000")


def test_a_verified_stage_keeps_its_amount_after_money_was_released(
    editor, verifier, finance_officer, leader, trainer
):
    # given stage 1 verified and its money released
    grant = _grant(editor, leader, trainer)
    gift(leader.campaign, 1_000_000)
    first = _verify(_stage(grant, 1), verifier)
    release_approve(release=first.release, actor=finance_officer)

    # when its amount is changed (moving ¥500 to stage 3, still adding up), then it is refused
    with pytest.raises(ValidationError, match="Stage 1 is verified"):
        grant_stage_amounts_change(actor=editor, grant=grant, amounts={1: cny("1500"), 3: cny("6500")},
                                   reason="Module 1 was cheaper")  # fmt: skip
    # and around the service the database refuses it too
    with pytest.raises(IntegrityError, match="keeps its amount"), transaction.atomic():
        Milestone.objects.filter(pk=first.pk).update(amount_minor=150_000)
    assert list(grant.stages.order_by("stage").values_list("amount_minor", flat=True)) == [
        200_000,
        200_000,
        600_000,
    ]
    assert not AuditEvent.objects.filter(action="grant.rescheduled").exists()

    # while stages not yet verified may be rescheduled, as long as the schedule adds up
    with pytest.raises(ValidationError, match="add up to"):
        grant_stage_amounts_change(actor=editor, grant=grant, amounts={2: cny("1000")}, reason="Shorter")
    grant_stage_amounts_change(actor=editor, grant=grant, amounts={2: cny("1000"), 3: cny("7000")},
                               reason="Module 2 shortened")  # fmt: skip
    assert list(grant.stages.order_by("stage").values_list("amount_minor", flat=True)) == [
        200_000,
        100_000,
        700_000,
    ]
    assert first.release.amount_minor == 200_000


def test_the_public_trace_and_feed_show_stage_n_of_m(
    client, editor, verifier, finance_officer, leader, trainer
):
    grant = _grant(editor, leader, trainer)
    given = gift(leader.campaign, 1_000_000)
    first = _verify(_stage(grant, 1), verifier)
    release_approve(release=first.release, actor=finance_officer)

    trace = client.get(reverse("payments:gift_trace", kwargs={"public_id": given.public_id})).content.decode()
    feed = client.get(reverse("payments:campaign_disbursements_json", kwargs={"slug": "leaders"})).json()

    assert "Stage 1 of 3" in trace
    assert [d["outcome"] for d in feed["disbursements"]] == [
        "Training module completed · Module 1 (not yet translated) · Stage 1 of 3"
    ]
    assert first.status == MilestoneStatus.VERIFIED


def _stage_rows(*rows):
    data = {"stage-TOTAL_FORMS": "6", "stage-INITIAL_FORMS": "0", "stage-MIN_NUM_FORMS": "1",
            "stage-MAX_NUM_FORMS": "6"}  # fmt: skip
    for i, (kind, title, amount, due) in enumerate(rows):
        data.update({f"stage-{i}-kind": kind, f"stage-{i}-title": title, f"stage-{i}-amount": amount,
                     f"stage-{i}-due_date": due})  # fmt: skip
    return data


def test_an_editor_draws_up_the_schedule_in_the_admin_and_a_verifier_sees_it(
    client, editor, verifier, leader, trainer
):
    from tests.verification.test_admin import _admin_user

    form = {"beneficiary": leader.pk, "title": "Start-up grant", "amount": "10,000", "partner": trainer.pk}
    rows = [("module_completed", "Module 1", "2000", "2027-03-01"),
            ("business_plan_approved", "Business plan", "8000", "2027-07-01")]  # fmt: skip
    url = reverse("verification_grant_create")
    _admin_user(client, editor)

    # stages that do not add up: the form says so, and nothing is written
    refused = client.post(url, {**form, **_stage_rows(rows[0], (*rows[1][:2], "7000", rows[1][3]))})
    assert refused.status_code == 200
    # (the admin speaks the site's language, Chinese, to a user who chose none)
    assert "各阶段合计 ¥9,000，但资助总额为 ¥10,000" in refused.content.decode()
    assert not Grant.objects.exists()

    # stages that add up: saved, and the schedule shows stage n of m to a verifier
    saved = client.post(url, {**form, **_stage_rows(*rows)})
    grant = Grant.objects.get()
    assert saved["Location"] == reverse("verification_grant_detail", args=[grant.pk])
    _admin_user(client, verifier)
    schedule = client.get(saved["Location"]).content.decode()
    table = schedule.split('data-testid="grant-stages"', 1)[1]
    assert table.index("第 1 阶段（共 2 个）") < table.index("Module 1") < table.index("第 2 阶段（共 2 个）")
    assert "¥8,000" in table
    assert client.get(reverse("grants:index")).status_code == 200
