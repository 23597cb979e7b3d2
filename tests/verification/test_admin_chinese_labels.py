"""The Chinese admin names its columns, outcome kinds and statuses in Chinese, and tells its two
"reports" menus apart (issue 13)."""

import re

import pytest
from django.contrib.auth.models import User

from tests.builders import verified_milestone
from tests.verification.factories import BeneficiaryFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def chinese_client(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "zh-hans"
    return client


def test_the_outcomes_list_reads_in_chinese(chinese_client, verifier):
    verified_milestone(beneficiary=BeneficiaryFactory(verified_by=verifier), verifier=verifier)
    chinese_client.force_login(User.objects.create_superuser("root", password="x"))

    html = chinese_client.get("/admin/outcomes/").content.decode()

    shown = re.sub(r">\s+", ">", re.sub(r"\s+<", "<", html))  # text between tags, trimmed
    for english in (">Beneficiary<", ">Partner<", ">Amount<", ">surgery_performed<", "核实日期"):
        assert english not in shown
    for chinese in ("受助人", "合作机构", "金额", "手术已完成", "已核实"):
        assert chinese in html


def test_the_needs_list_and_menus_read_in_chinese(chinese_client):
    chinese_client.force_login(User.objects.create_superuser("root", password="x"))

    needs = chinese_client.get("/admin/needs/").content.decode()
    dashboard = chinese_client.get("/admin/").content.decode()

    assert ">Beneficiary<" not in needs and ">Amount<" not in needs
    assert '"label": "PDF \\u62a5\\u544a"' in dashboard  # "PDF 报告" in the sidebar's JSON
    assert "清源公益" in dashboard and "Clearfund" not in dashboard  # the site name in Chinese
