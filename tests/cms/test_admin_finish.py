"""What the last look at the Chinese admin still found (issue 13, ADR 0416): permission names,
colons Wagtail types into its templates, the account page's "GMT+8", the browser's "Choose File",
mixed date formats, an untranslated "Actions", an English "(demo)"."""

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
import wagtail
from django import forms
from django.contrib.auth.models import Group, Permission, User
from django.contrib.contenttypes.models import ContentType
from django.utils import translation
from wagtail.models import Task

from campaigns.form_labels import LabelledForm
from campaigns.models import Campaign
from campaigns.roles import FINANCE_OFFICERS
from campaigns.site_time import site_datetime_text, site_zone_name
from cms import admin_language

CJK = re.compile(r"[\u4e00-\u9fff]")
WAGTAIL_TEMPLATES = Path(wagtail.__file__).parent / "admin" / "templates"
OUR_TEMPLATES = Path(__file__).resolve().parents[2] / "templates"

LOAD = ("{% load i18n wagtailadmin_tags %}", "{% load i18n wagtailadmin_tags labels %}")
TOOLTIP = (
    'data-w-tooltip-content-value="{{ task.name }}: {{ task.status_display }}"',
    'data-w-tooltip-content-value="{% labelled task.name task.status_display %}"',
)
# Each Wagtail template we override, and the only changes made to it: the colon typed after a
# label becomes the reader's language's ({% colon %}, {% labelled %}), "Actions" is translated.
OVERRIDES = {
    "wagtailadmin/shared/headers/_actions.html": [
        ('<nav aria-label="Actions"', "{% load i18n %}<nav aria-label=\"{% translate 'Actions' %}\""),
    ],
    "wagtailadmin/workflows/edit_task.html": [
        LOAD,
        (
            '{% trans "Used on the following active workflows" %}:</strong>',
            '{% trans "Used on the following active workflows" %}{% colon %}</strong>',
        ),
    ],
    "wagtailadmin/shared/workflow_history/listing_results.html": [LOAD, TOOLTIP],
    "wagtailadmin/home/workflow_objects_to_moderate.html": [LOAD, TOOLTIP],
    "wagtailadmin/reports/workflow_results.html": [LOAD, TOOLTIP],
    "wagtailadmin/generic/history/action_cell.html": [
        LOAD,
        (
            '<div>{% trans "Comment" %}: <em>{{ instance.comment }}</em></div>',
            '<div>{% trans "Comment" as comment_label %}{% labelled comment_label instance.comment %}</div>',
        ),
    ],
    "wagtailadmin/workflows/includes/workflow_tasks_cell.html": [
        LOAD,
        (
            'data-w-tooltip-content-value="{% blocktrans trimmed with forloop.counter|intcomma as step_number %}'
            'Step {{ step_number }}{% endblocktrans %}: {{ task.task.name }}"',
            'data-w-tooltip-content-value="{% blocktrans trimmed with forloop.counter|intcomma as step_number '
            'asvar step_label %}Step {{ step_number }}{% endblocktrans %}{% labelled step_label task.task.name %}"',
        ),
    ],
}


@pytest.fixture
def chinese_admin(client, db):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "zh-hans"
    client.force_login(User.objects.create_superuser("root", password="x"))
    return client


def shown(html: str) -> str:
    html = re.sub(r"<(script|style|template)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


# --- permissions ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_permission_reads_in_the_admin_users_language():
    ct = ContentType.objects.get_for_model(Campaign)
    add = Permission.objects.get(content_type=ct, codename="add_campaign")
    close = Permission.objects.get(content_type=ct, codename="close_campaign")
    assert add.name.startswith("Can add")  # stored in English by Django

    with translation.override("zh-hans"):
        assert admin_language.permission_label(add) == f"可以添加{Campaign._meta.verbose_name}"
        assert CJK.search(admin_language.permission_label(close))
    with translation.override("en"):
        assert admin_language.permission_label(add) == f"Can add {Campaign._meta.verbose_name}"


def test_wagtails_permission_table_tag_is_the_translated_one():
    from wagtail.users.templatetags import wagtailusers_tags

    assert getattr(wagtailusers_tags.format_permissions, "translated", False)


@pytest.mark.django_db
def test_the_group_screen_lists_permissions_in_chinese(chinese_admin):
    group = Group.objects.get(name=FINANCE_OFFICERS)

    html = chinese_admin.get(f"/admin/groups/edit/{group.pk}/").content.decode()

    # the screen-reader labels of the add/change/delete boxes and the custom permissions included
    english = re.findall(
        r"Can (?:add|change|delete|view|choose|publish|lock|unlock|approve|manage|see)\b[^<\"]*", html
    )
    assert english == []
    assert "可以添加" in html and "可以删除" in html
    assert "可以添加语言区域" in html  # a Wagtail model named by a msgid, not "locale"
    assert "Wagtail 核心组件 | 页面" not in html  # page permissions by their labels, not Django's str()
    assert "可以访问 Wagtail 管理后台" in html


@pytest.mark.django_db
def test_every_model_on_the_group_screen_has_a_chinese_name(chinese_admin):
    # the permission table names each model by its verbose name: one Django derived is English
    group = Group.objects.get(name=FINANCE_OFFICERS)

    html = chinese_admin.get(f"/admin/groups/edit/{group.pk}/").content.decode()
    names = re.findall(r'<td class="title"><h3>([^<]*)</h3></td>', html)

    assert len(names) > 10
    assert [name for name in names if not CJK.search(name)] == []


# --- colons and "Actions" in Wagtail's templates --------------------------------------------------


@pytest.mark.parametrize("path", sorted(OVERRIDES))
def test_an_overridden_wagtail_template_differs_only_by_its_label_fixes(path):
    # If a Wagtail upgrade changes one of these templates, this fails: copy it again and re-apply.
    text = (WAGTAIL_TEMPLATES / path).read_text()
    for old, new in OVERRIDES[path]:
        assert old in text, f"Wagtail's {path} changed: {old}"
        text = text.replace(old, new)

    assert (OUR_TEMPLATES / path).read_text() == text


@pytest.mark.django_db
def test_a_task_screen_says_which_workflows_use_it_with_the_chinese_colon(chinese_admin):
    task = Task.objects.get(name="Verifier review")

    html = chinese_admin.get(f"/admin/workflows/tasks/edit/{task.pk}/").content.decode()

    assert "使用了以下活动工作流：</strong>" in html
    assert "工作流:" not in html


@pytest.mark.django_db
def test_the_edit_screens_action_bar_is_named_in_chinese(chinese_admin):
    group = Group.objects.get(name=FINANCE_OFFICERS)

    html = chinese_admin.get(f"/admin/groups/edit/{group.pk}/").content.decode()

    assert 'aria-label="Actions"' not in html
    assert 'aria-label="动作"' in html


# --- the account page's time zone -------------------------------------------------------------------


@pytest.mark.django_db
def test_the_account_page_names_the_sites_zone_in_words_not_gmt(chinese_admin):
    html = chinese_admin.get("/admin/account/").content.decode()

    select = re.search(r'<select name="locale-current_time_zone".*?</select>', html, re.S).group(0)
    assert "w-locale" not in select  # Wagtail's script that wrote "GMT+8" beside each zone
    assert "disabled" in select
    options = re.findall(r"<option[^>]*>([^<]*)</option>", select)
    assert len(options) == 1
    assert options[0].startswith("北京时间（UTC+8），现在 "), options
    assert "Asia/Shanghai" not in shown(html)


@pytest.mark.django_db
def test_the_sites_list_names_its_columns_in_chinese(chinese_admin):
    html = shown(chinese_admin.get("/admin/sites/").content.decode())

    assert "端口号" in html and "站点名称" in html and "根页面" in html
    assert " Port " not in html and " Site name " not in html


def test_the_sites_zone_name_in_each_language():
    with translation.override("zh-hans"):
        assert site_zone_name() == "北京时间（UTC+8）"
    with translation.override("en"):
        assert site_zone_name() == "China Standard Time (UTC+8)"


@pytest.mark.django_db
def test_saving_the_account_page_keeps_the_site_zone(chinese_admin):
    from wagtail.users.models import UserProfile

    user = User.objects.get(username="root")
    response = chinese_admin.post(
        "/admin/account/",
        {"locale-preferred_language": "zh-hans", "name-first_name": "", "name-last_name": ""},
    )

    assert response.status_code in (200, 302)
    assert UserProfile.get_for_user(user).current_time_zone == ""


# --- the file input ------------------------------------------------------------------------------


class UploadForm(LabelledForm):
    proof = forms.FileField(label="Proof")
    photo = forms.FileField(
        label="Photo", required=False, widget=forms.ClearableFileInput(attrs={"accept": "image/*"})
    )


def test_a_file_input_has_a_button_in_the_readers_language_over_the_real_input():
    with translation.override("zh-hans"):
        html = str(UploadForm(auto_id="id_%s"))

    # the real input stays (focusable, labelled by the form's label and by the button)
    assert re.search(r'<input type="file" name="proof"[^>]* required id="id_proof"', html), html
    assert '<label for="id_proof" class="choose-file__button">选择文件</label>' in html
    assert "未选择文件" in html
    assert 'accept="image/*"' in html  # a widget's own attributes are kept
    assert "js/choose-file.js" in html and "css/choose-file.css" in html
    with translation.override("en"):
        assert "Choose file</label>" in str(UploadForm(auto_id="id_%s"))


def test_an_upload_form_of_ours_uses_the_button():
    from payments.releases.admin_views import BankTransferForm

    with translation.override("zh-hans"):
        html = str(BankTransferForm())

    assert "选择文件" in html


# --- one date format ------------------------------------------------------------------------------


def test_admin_moments_have_one_format_per_language():
    moment = datetime(2026, 12, 1, 2, 31, tzinfo=UTC)  # 10:31 in Beijing

    with translation.override("zh-hans"):
        assert site_datetime_text(moment) == "2026年12月1日 10:31"
    with translation.override("en"):
        assert site_datetime_text(moment) == "1 Dec 2026, 10:31"


@pytest.mark.django_db
def test_the_audit_log_heading_uses_the_same_format(chinese_admin):
    from campaigns.models import AuditEvent

    event = AuditEvent.objects.create(action="need.vetted", subject_type="campaigns.Need", subject_id="1")

    html = chinese_admin.get(f"/admin/audit_log/inspect/{event.pk}/").content.decode()

    assert site_datetime_text(event.at) in html
    assert not re.search(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}", shown(html))


# --- demo values ------------------------------------------------------------------------------------


def test_demo_settings_shown_on_chinese_pages_carry_no_english_demo_mark():
    from cms.demo_content import SITE_SETTINGS

    chinese_side = {k: v for k, v in SITE_SETTINGS.items() if not k.endswith("_en")}
    assert [k for k, v in chinese_side.items() if "demo" in v.lower()] == []
