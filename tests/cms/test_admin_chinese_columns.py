"""The Chinese admin's column headers, audit codes and registry import figures read in Chinese
(new-user check, issue 13)."""

import re

import pytest
from django.contrib.auth.models import User

from campaigns.models import AuditEvent, RegistryImport
from tests.factories import CampaignFactory
from tests.verification.factories import RegistryPersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def chinese_admin(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "zh-hans"
    client.force_login(User.objects.create_superuser("root", password="x"))
    return client


def _shown(html: str) -> str:
    return re.sub(r">\s+", ">", re.sub(r"\s+<", "<", html))


@pytest.mark.parametrize(
    ("url", "english", "chinese"),
    [("/admin/campaign_records/", "Goal", "目标"), ("/admin/registry/", "Household", "农户")],
)  # fmt: skip
def test_column_headers_are_translated(chinese_admin, url, english, chinese):
    CampaignFactory()
    RegistryPersonFactory()
    html = _shown(chinese_admin.get(url).content.decode())
    assert f">{english}<" not in html
    assert f">{chinese}<" in html


def test_the_audit_log_reads_actions_and_subjects_as_labels(chinese_admin):
    AuditEvent.objects.create(
        action="need.translation_changed", subject_type="payments.MonthlyPlan", subject_id="7"
    )
    AuditEvent.objects.create(action="monthly.some_new_event", subject_type="nowhere.Thing", subject_id="8")

    html = chinese_admin.get("/admin/audit_log/").content.decode()

    assert "微心愿：译文已修改" in html
    assert "月捐" in html
    shown = _shown(html)
    assert ">need.translation_changed<" not in shown and ">payments.MonthlyPlan<" not in shown
    assert "月捐：some new event" in html  # a code without a label still reads as words
    assert "nowhere.Thing" in html


def test_the_registry_imports_list_shows_labelled_figures(chinese_admin):
    RegistryImport.objects.create(source="roster.xlsx", rows=9000,
                                  report={"people_added": 8482, "households_added": 0, "field_changes": {}})  # fmt: skip

    html = chinese_admin.get("/admin/registry_imports/").content.decode()

    assert "新增人员：8482" in html
    assert "people_added" not in html and "新增农户" not in html


def test_the_staged_grants_amount_column_is_translated():
    from django.utils.translation import override

    from campaigns.wagtail_hooks import GrantViewSet

    with override("zh-hans"):
        labels = [str(getattr(c, "label", c)) for c in GrantViewSet.list_display]
    assert "金额" in labels
    assert "amount" not in labels
