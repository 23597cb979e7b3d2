"""The Chinese admin writes Chinese colons after labels and gives every screen a tab title
(new-user check, issue 13)."""

import re

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from tests.builders import paid_release, partner_member
from tests.factories import PartnerFactory
from tests.verification.factories import captured_donation

pytestmark = pytest.mark.django_db
ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}


def _title(html: str) -> str:
    return re.search(r"<title>(.*?)</title>", html, re.S).group(1).strip()


def test_the_field_officers_need_form_has_chinese_colons_and_a_title(client, field_officer):
    client.force_login(User.objects.get(pk=field_officer.pk))
    html = client.get(reverse("verification_need_post"), **ZH).content.decode()

    assert "建档立卡户编号：" in html
    assert "或一位家庭成员的身份证号：" in html
    assert "建档立卡户编号:" not in html
    assert _title(html).startswith("发布微心愿")


def test_a_partners_case_pages_have_chinese_colons_and_titles(
    client, verifier, finance_officer, verified_beneficiary
):
    hospital = PartnerFactory(name="江华县人民医院")
    captured_donation(verified_beneficiary.campaign, 500_000)
    release = paid_release(
        beneficiary=verified_beneficiary, partner=hospital, verifier=verifier, finance_officer=finance_officer
    )
    client.force_login(User.objects.get(pk=partner_member(hospital).pk))

    cases = client.get(reverse("partner_cases"), **ZH).content.decode()
    assert "已拨付给本机构：¥3,000" in cases
    assert ": ¥3,000" not in cases
    assert _title(cases).startswith("本机构案例")

    case = client.get(reverse("partner_case", args=[release.milestone_id]), **ZH).content.decode()
    assert "：¥3,000" in case
    assert ": ¥3,000" not in case
    assert _title(case).startswith("案例")
