"""Screens that put a label before a value use the reader's colon (issue 13): "状态：已发布" on the
need review, "由…核实：note" on the verify screens, "name（contact）：reason" for an objection on the
release screen, and the public forms' labels ("电子邮箱：")."""

import re

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from campaigns.money import Money
from campaigns.verification.needs import need_post, need_vet
from payments.releases.services import objection_file
from tests.builders import verified_milestone
from tests.verification.factories import BeneficiaryFactory, captured_donation

pytestmark = pytest.mark.django_db

ASCII_COLON_AFTER_CHINESE = re.compile(r"[\u4e00-\u9fff）]\s*:")


def text(html: str) -> str:
    html = re.sub(r"<(script|style|template)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", html))


@pytest.fixture
def chinese(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "zh-hans"
    return client


def test_the_need_review_screen_uses_chinese_colons(chinese, field_officer, verifier, verified_beneficiary):
    need = need_post(actor=field_officer, beneficiary=verified_beneficiary, title="轮椅", kind="mobility",
                     amount=Money("800", "CNY"))  # fmt: skip
    need = need_vet(actor=verifier, need=need, note="入户核实")
    chinese.force_login(User.objects.get(pk=verifier.pk))

    shown = text(chinese.get(reverse("verification_need_review", args=[need.pk])).content.decode())

    assert "状态：" in shown
    assert "审核：入户核实" in shown
    assert not ASCII_COLON_AFTER_CHINESE.search(shown), ASCII_COLON_AFTER_CHINESE.search(shown)


def test_the_verify_screens_use_chinese_colons(chinese, verifier):
    beneficiary = BeneficiaryFactory(verified_by=verifier, verification_note="户口本一致")
    chinese.force_login(User.objects.get(pk=verifier.pk))

    shown = text(
        chinese.get(reverse("verification_beneficiary_verify", args=[beneficiary.pk])).content.decode()
    )

    assert "核实：户口本一致" in shown
    assert not ASCII_COLON_AFTER_CHINESE.search(shown), ASCII_COLON_AFTER_CHINESE.search(shown)


def test_an_objection_on_the_release_screen_uses_chinese_colons(chinese, verifier, finance_officer):
    beneficiary = BeneficiaryFactory(pseudonym="盘奶奶", verified_by=verifier)
    captured_donation(beneficiary.campaign, 500_000)
    release = verified_milestone(beneficiary=beneficiary, verifier=verifier).release
    objection_file(release=release, name="李四", contact="li@example.cn", reason="手术尚未完成")
    chinese.force_login(User.objects.get(pk=finance_officer.pk))

    shown = text(chinese.get(reverse("release_detail", args=[release.pk])).content.decode())

    assert "李四（li@example.cn）：手术尚未完成" in shown
    assert not ASCII_COLON_AFTER_CHINESE.search(shown), ASCII_COLON_AFTER_CHINESE.search(shown)


@pytest.mark.parametrize(
    ("language", "colon"),
    [("zh-hans", "："), ("en", ":")],
)
def test_the_public_sign_in_form_labels_end_with_the_readers_colon(client, language, colon):
    prefix = "/en" if language == "en" else ""

    html = client.get(prefix + reverse("payments:donor_sign_in_request").removeprefix("/en")).content.decode()

    labels = re.findall(r"<label[^>]*>([^<]+)</label>", html)
    assert labels, html
    assert all(label.endswith(colon) for label in labels), labels


def test_a_label_ending_with_a_chinese_question_mark_takes_no_colon(client):
    from django.utils import translation

    from payments.trace.views import ObjectionForm

    with translation.override("zh-hans"):
        labels = [ObjectionForm()[name].label_tag() for name in ObjectionForm.base_fields]

    assert any("？</label>" in label for label in labels), labels
    assert not any("？：" in label for label in labels), labels
    assert all(re.search(r"[？：]</label>", label) for label in labels), labels


def test_a_finance_officer_is_not_linked_to_verify_screens_they_may_not_open(
    client, verifier, finance_officer
):
    # given a verified beneficiary with an outcome (issue 13: the rows led to "no permission")
    beneficiary = BeneficiaryFactory(verified_by=verifier)
    captured_donation(beneficiary.campaign, 500_000)
    milestone = verified_milestone(beneficiary=beneficiary, verifier=verifier)
    client.force_login(User.objects.get(pk=finance_officer.pk))

    # when a finance officer lists beneficiaries and outcomes
    beneficiaries = client.get("/admin/beneficiaries/").content.decode()
    outcomes = client.get("/admin/outcomes/").content.decode()

    # then no row links to a verify screen; an outcome opens its read-only inspect screen
    assert reverse("verification_beneficiary_verify", args=[beneficiary.pk]) not in beneficiaries
    assert beneficiary.pseudonym in beneficiaries
    assert reverse("verification_milestone_verify", args=[milestone.pk]) not in outcomes
    assert reverse("outcomes:inspect", args=[milestone.pk]) in outcomes
    assert client.get(reverse("outcomes:inspect", args=[milestone.pk])).status_code == 200


def test_a_verifier_is_still_linked_to_the_verify_screens(client, verifier):
    beneficiary = BeneficiaryFactory(verified_by=verifier)
    client.force_login(User.objects.get(pk=verifier.pk))

    html = client.get("/admin/beneficiaries/").content.decode()

    assert reverse("verification_beneficiary_verify", args=[beneficiary.pk]) in html
