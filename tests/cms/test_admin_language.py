"""Corners of the Chinese admin that Wagtail's translations do not reach (issue 13,
``cms.admin_language``): headings "title：subtitle" with the Chinese colon, staff groups and the
root page by their labels, yes/no instead of True/False, the tab title with the site's name, no
"Moderators approval" workflow, the audit log's filters by label."""

import inspect
import re

import pytest
from django.contrib.auth.models import Group, User
from django.utils import translation
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.models import Page, Workflow, WorkflowTask
from wagtail.users.models import UserProfile

from campaigns.models import AuditEvent
from campaigns.roles import ALL_ROLES, EDITORS, FINANCE_OFFICERS, VERIFIERS
from cms import admin_language

pytestmark = pytest.mark.django_db

CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture
def chinese_admin(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "zh-hans"
    client.force_login(User.objects.create_superuser("root", password="x"))
    return client


def shown(html: str) -> str:
    """The text of a page (tags dropped, whitespace collapsed), script and style left out."""
    html = re.sub(r"<(script|style|template)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def heading(html: str) -> str:
    return re.sub(r"\s+", " ", re.search(r"<h1[^>]*>(.*?)</h1>", html, re.S).group(1)).strip()


def title(html: str) -> str:
    return re.sub(r"\s+", " ", re.search(r"<title>(.*?)</title>", html, re.S).group(1)).strip()


def test_wagtail_still_joins_headings_as_the_replacement_expects():
    # The method replaced by cms.admin_language is Wagtail's "title: subtitle" join: if an upgrade
    # changes it, this fails and the replacement must be looked at again.
    source = inspect.getsource(inspect.getmodule(WagtailAdminTemplateMixin))
    original = source.split("def get_header_title")[1].split("def ")[0]
    assert 'f"{title}: {subtitle}"' in original
    assert WagtailAdminTemplateMixin.get_header_title is admin_language._header_title


def test_a_page_edit_heading_has_the_chinese_colon_and_no_stray_space(chinese_admin):
    home = Page.objects.get(depth=2)

    html = chinese_admin.get(f"/admin/pages/{home.pk}/edit/").content.decode()

    assert "：" in heading(html), heading(html)
    assert ": " not in heading(html)
    assert ": " not in title(html)
    assert "编辑 " not in title(html)


def test_a_model_edit_heading_and_tab_title_have_the_chinese_colon(chinese_admin):
    group = Group.objects.get(name=VERIFIERS)

    html = chinese_admin.get(f"/admin/groups/edit/{group.pk}/").content.decode()

    assert title(html).startswith("正在编辑：核查员"), title(html)
    assert ": " not in heading(html)


def test_the_tab_title_ends_with_the_sites_name_not_wagtail(chinese_admin):
    html = chinese_admin.get("/admin/").content.decode()

    assert not title(html).endswith("Wagtail"), title(html)
    assert title(html).endswith("清源公益"), title(html)


def test_english_admin_users_keep_english_headings(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    user = User.objects.create_superuser("root", password="x")
    profile = UserProfile.get_for_user(user)
    profile.preferred_language = "en"
    profile.save()
    client.force_login(user)
    group = Group.objects.get(name=VERIFIERS)

    html = client.get(f"/admin/groups/edit/{group.pk}/").content.decode()

    assert title(html).startswith("Editing: Verifiers"), title(html)


def test_staff_groups_are_listed_by_their_labels_and_keep_their_role_keys(chinese_admin):
    html = shown(chinese_admin.get("/admin/groups/").content.decode())

    for english, chinese in [(EDITORS, "编辑人员"), (VERIFIERS, "核查员"), (FINANCE_OFFICERS, "财务人员")]:
        assert f" {english} " not in html
        assert chinese in html
    # the rows keep the code's role keys
    assert set(ALL_ROLES) <= set(Group.objects.values_list("name", flat=True))


def test_the_user_form_offers_groups_by_their_labels(chinese_admin):
    user = User.objects.create_user("someone", password="x")

    html = shown(chinese_admin.get(f"/admin/users/edit/{user.pk}/").content.decode())

    assert "驻村干部" in html and "财务人员" in html
    assert " Field officers " not in html and " Finance officers " not in html


def test_a_group_staff_made_keeps_its_typed_name():
    with translation.override("zh-hans"):
        assert str(Group(name="Night shift")) == "Night shift"
        assert str(Group(name=VERIFIERS)) == "核查员"
    with translation.override("en"):
        assert str(Group(name=VERIFIERS)) == "Verifiers"


def test_the_users_list_says_yes_not_true(chinese_admin):
    html = shown(chinese_admin.get("/admin/users/").content.decode())

    assert " True " not in html and " False " not in html
    assert " 是 " in html


def test_the_root_page_reads_all_sites(chinese_admin):
    root = Page.objects.get(depth=1)
    assert root.title == "Root"  # stored as Wagtail made it

    html = shown(chinese_admin.get("/admin/pages/").content.decode())
    with translation.override("zh-hans"):
        label = root.get_admin_display_title()

    assert label == "所有站点"
    assert " Root " not in html


def test_the_default_moderation_workflow_is_gone_and_the_review_workflow_stays(chinese_admin):
    assert not Workflow.objects.filter(name="Moderators approval", active=True).exists()
    review = Workflow.objects.get(name="Campaign publication")
    assert review.active
    assert list(WorkflowTask.objects.filter(workflow=review).values_list("task__name", flat=True)) == [
        "Verifier review"
    ]

    html = shown(chinese_admin.get("/admin/workflows/list/").content.decode())

    assert "Moderators" not in html
    assert "项目发布审核" in html


def test_the_audit_log_filters_offer_labels_not_codes(chinese_admin):
    AuditEvent.objects.create(action="need.vetted", subject_type="campaigns.Need", subject_id="1")
    AuditEvent.objects.create(action="release.approved", subject_type="payments.Release", subject_id="2")

    html = chinese_admin.get("/admin/audit_log/").content.decode()
    options = dict(re.findall(r'<option value="([^"]+)"[^>]*>([^<]+)</option>', html))

    assert options["need.vetted"] == "微心愿：已审核"
    assert CJK.search(options["release.approved"])
    assert CJK.search(options["campaigns.Need"])
    filtered = shown(chinese_admin.get("/admin/audit_log/?action=need.vetted").content.decode())
    assert "共有 1 个符合" in filtered  # the filter still works on the code


def test_an_audit_event_is_headed_by_labels(chinese_admin):
    event = AuditEvent.objects.create(action="need.vetted", subject_type="campaigns.Need", subject_id="1")

    html = chinese_admin.get(f"/admin/audit_log/inspect/{event.pk}/").content.decode()

    assert "need.vetted" not in title(html)
    assert "campaigns.Need" not in title(html)
    assert "微心愿：已审核" in title(html)


@pytest.mark.parametrize(
    ("msgid", "chinese"),
    [
        ("Editing %(page_type)s", "编辑%(page_type)s"),
        ("Add %(model_name)s", "添加%(model_name)s"),
        ("%(locales_count)s locales", "%(locales_count)s 个语言区域"),
        ("Page visibility: ", "页面可见性："),
        ("Title: (A -> Z)", "标题（A → Z）"),
    ],
)
def test_wagtails_chinese_is_corrected(msgid, chinese):
    with translation.override("zh-hans"):
        assert translation.gettext(msgid) == chinese


def test_an_empty_value_on_an_inspect_screen_is_a_dash_not_none(chinese_admin):
    from campaigns.models import RegistryImport

    registry_import = RegistryImport.objects.create(source="registry.csv", rows=3, report={"people_added": 3})

    html = shown(chinese_admin.get(f"/admin/registry_imports/inspect/{registry_import.pk}/").content.decode())

    assert " None " not in html
    assert "导入人 — " in html
    # and the report reads as labelled figures, not its stored keys
    assert "people_added" not in html
    assert "新增人员：3" in html


@pytest.mark.parametrize(
    ("url", "english", "chinese"),
    [
        ("/admin/pages/usage/cms/campaignpage/", "项目页面s", "项目页面"),
        ("/admin/outcomes/new/", " Beneficiary ", "受助人"),
        ("/admin/needs/new/", " Beneficiary ", "受助人"),
    ],
)
def test_model_and_field_names_are_translated(chinese_admin, url, english, chinese):
    html = shown(chinese_admin.get(url).content.decode())

    assert english not in html
    assert chinese in html
