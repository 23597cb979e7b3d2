"""The verification screens read beneficiaries, campaigns, partners, needs, grants and their stages
in the staff member's language, where an English twin exists (issue 13: "阿呷", "创业启动资金",
"模块一：经营与财务" and "轮椅一台" on English screens next to lists that said "Aga")."""

import re
from datetime import date

import pytest
from django.contrib.auth.models import User
from django.urls import reverse
from wagtail.users.models import UserProfile

from campaigns.models import CampaignKind, Milestone, MilestoneKind
from campaigns.money import Money
from campaigns.verification.grants import StagePlan, grant_create
from campaigns.verification.needs import need_post
from tests.factories import CampaignFactory, PartnerFactory
from tests.verification.factories import BeneficiaryFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def leader(verifier):
    campaign = CampaignFactory(kind=CampaignKind.LIVELIHOOD, status="live", title="乡村创业带头人培训",
                               title_en="Village entrepreneur leaders", unit_cost_minor=None)  # fmt: skip
    return BeneficiaryFactory(campaign=campaign, pseudonym="阿呷", pseudonym_en="Aga", county="昭觉县",
                              county_en="Zhaojue County", verified_by=verifier)  # fmt: skip


def _english(client, user):
    profile = UserProfile.get_for_user(user)
    profile.preferred_language = "en"
    profile.save()
    client.force_login(User.objects.get(pk=user.pk))
    return client


def _text(response) -> str:
    html = re.sub(r"<(script|style|template)\b.*?</\1>", " ", response.content.decode(), flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_a_grant_reads_in_english(client, verifier, leader):
    trainer = PartnerFactory(name="县创业培训中心", name_en="County Business Training Centre")
    grant = grant_create(actor=verifier, beneficiary=leader, title="创业启动资金", amount=Money("2000", "CNY"),
                         partner=trainer, stages=[StagePlan(kind=MilestoneKind.MODULE_COMPLETED, amount=Money("2000", "CNY"),
                                                            due_date=date(2027, 3, 1), title="模块一：经营与财务")])  # fmt: skip
    grant.title_en = "Start-up grant"
    grant.save(update_fields=["title_en"])
    stage = Milestone.objects.get(grant=grant)
    stage.title_en = "Module 1: business and finance"
    stage.save(update_fields=["title_en"])

    text = _text(_english(client, verifier).get(reverse("verification_grant_detail", args=[grant.pk])))

    for english in ["Start-up grant", "Aga", "Village entrepreneur leaders", "Module 1: business and finance",
                    "County Business Training Centre"]:  # fmt: skip
        assert english in text
    for chinese in ["创业启动资金", "阿呷", "乡村创业带头人培训", "模块一", "县创业培训中心"]:
        assert chinese not in text


def test_a_need_reads_in_english_on_its_screen_and_in_the_posters_list(
    client, verifier, second_verifier, leader
):
    need = need_post(actor=second_verifier, beneficiary=leader, title="轮椅一台", kind="mobility",
                     amount=Money("900", "CNY"))  # fmt: skip
    need.title_en = "A wheelchair"
    need.county_en = "Zhaojue County"
    need.description = "她走不到诊所。"
    need.description_en = "She cannot walk to the clinic."
    need.save(update_fields=["title_en", "county_en", "description", "description_en"])

    review = _text(_english(client, verifier).get(reverse("verification_need_review", args=[need.pk])))
    posted = _text(_english(client, second_verifier).get(reverse("verification_need_post")))

    assert "A wheelchair" in review and "Aga" in review and "Zhaojue County" in review
    assert "She cannot walk to the clinic." in review
    assert "轮椅一台" not in review and "阿呷" not in review and "诊所" not in review
    assert "A wheelchair · Aga" in posted
    assert "轮椅一台" not in posted


def test_a_beneficiary_without_an_english_pseudonym_is_marked_not_translated(
    client, verifier, second_verifier
):
    beneficiary = BeneficiaryFactory(pseudonym="小梅", pseudonym_en="", status="matched")

    text = _text(
        _english(client, second_verifier).get(
            reverse("verification_beneficiary_verify", args=[beneficiary.pk])
        )
    )

    assert "小梅" in text and "not yet translated" in text


def test_a_partners_cases_screen_is_headed_by_its_english_name(client):
    from tests.builders import partner_member

    partner = PartnerFactory(
        name="凉山州乡村创业带头人培训中心", name_en="Liangshan Entrepreneur-Leader Training Centre"
    )

    text = _text(_english(client, partner_member(partner)).get("/admin/partner/cases/"))

    assert "Liangshan Entrepreneur-Leader Training Centre" in text
    assert "凉山州" not in text


def test_evidence_and_notes_without_english_are_marked_on_the_outcome_screen(
    client, verifier, second_verifier
):
    from campaigns.models import Evidence
    from tests.builders import verified_milestone

    milestone = verified_milestone(
        beneficiary=BeneficiaryFactory(verified_by=verifier), verifier=second_verifier
    )
    milestone.verification_note = "术后随访：视力恢复。"
    milestone.save(update_fields=["verification_note"])
    Evidence.objects.filter(milestone=milestone).update(summary="出院小结", summary_en="")

    text = _text(
        _english(client, verifier).get(reverse("verification_milestone_verify", args=[milestone.pk]))
    )

    assert "术后随访：视力恢复。 (written in Chinese)" in text
    assert "出院小结" in text and "not yet translated" in text
