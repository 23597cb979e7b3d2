"""What the new-user check still found in the admin after ADR 0416 (issue 13, ADR 0417): one name
for outcomes everywhere ("成果", never "里程碑"), and Wagtail's own leftovers: the account page's
file input, the English count under lists ("2 locales"), the page types report's content-type
codes ("cms.campaignpage"), the page chooser's ASCII brackets."""

import gettext
import inspect
import json
import re
from pathlib import Path

import pytest
import wagtail
from django.contrib.auth.models import User
from django.template import Context, Template
from django.utils import translation
from django.utils.translation import trans_real
from wagtail.admin.paginator import WagtailPaginator
from wagtail.admin.widgets import AdminPageChooser
from wagtail.models import Locale
from wagtail.users.models import UserProfile

from campaigns.models import Milestone
from cms import admin_language
from cms.models import CampaignPage
from tests.cms_factories import CampaignPageFactory

ROOT = Path(__file__).resolve().parents[2]
WAGTAIL_TEMPLATES = Path(wagtail.__file__).parent / "admin" / "templates"
OUR_TEMPLATES = ROOT / "templates"
OUR_CATALOGUES = [
    *sorted(ROOT.glob("*/locale/zh_Hans/LC_MESSAGES/django.mo")),
    ROOT / "locale/zh_Hans/LC_MESSAGES/django.mo",
]
# Each Wagtail template overridden here, and the only changes made to it (ADR 0417). If a Wagtail
# upgrade changes an original, the check below fails: copy it again and re-apply these.
OVERRIDES = {
    "wagtailadmin/shared/tabs/tab_nav_link.html": [
        ("{% load i18n %}", "{% load i18n labels %}"),
        (
            '<span class="w-sr-only">(<span data-w-count-target="label"></span>)</span>',
            '<span class="w-sr-only">{% bracket_open %}<span data-w-count-target="label"></span>{% bracket_close %}</span>',
        ),
    ],
    "wagtailadmin/shared/pagination_nav.html": [
        ("{% load i18n %}\n", "{% load i18n labels %}\n"),
        ("{{ items.paginator.items_count_label|capfirst }}", "{% items_count items.paginator %}"),
    ],
    "wagtailadmin/reports/listing/_list_page_types_usage.html": [
        (
            "{% load i18n wagtailadmin_tags wagtailcore_tags %}",
            "{% load i18n wagtailadmin_tags wagtailcore_tags labels %}",
        ),
        ("{{ page_type.app_label }}.{{ page_type.model }}", "{% app_name page_type.app_label %}"),
    ],
    "wagtailadmin/account/settings_panels/avatar.html": [
        ("{% load i18n wagtailadmin_tags %}", "{% load i18n static wagtailadmin_tags %}"),
        (
            '<input type="file" name="avatar-avatar" accept="image/*" id="id_avatar-avatar">',
            '<span class="choose-file" data-choose-file>\n'
            '                <input type="file" name="avatar-avatar" accept="image/*" id="id_avatar-avatar">\n'
            '                <label for="id_avatar-avatar" class="choose-file__button">{% translate "Choose file" %}</label>\n'
            '                <span class="choose-file__name" data-choose-file-name data-empty="{% translate \'No file chosen\' %}"'
            ' aria-live="polite">{% translate "No file chosen" %}</span>\n'
            "            </span>\n"
            '            <link rel="stylesheet" href="{% static \'css/choose-file.css\' %}">'
            "<script src=\"{% static 'js/choose-file.js' %}\" defer></script>",
        ),
    ],
}


@pytest.fixture
def admin_in(client, db):
    """``admin_in("zh-hans")``: the client, as a superuser reading the admin in that language."""
    user = User.objects.create_superuser("root", password="x")
    client.force_login(user)

    def reading(language: str):
        # Wagtail reads the admin in the language of the user's profile.
        profile = UserProfile.get_for_user(user)
        profile.preferred_language = language
        profile.save()
        return client

    return reading


def shown(html: str) -> str:
    html = re.sub(r"<(script|style|template)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def sidebar_labels(html: str) -> list[str]:
    props = re.search(r'id="wagtail-sidebar-props"[^>]*>(.*?)</script>', html, re.S).group(1)
    return re.findall(r'"label": "([^"]*)"', json.dumps(json.loads(props), ensure_ascii=False))


@pytest.mark.parametrize("path", sorted(OVERRIDES))
def test_an_overridden_wagtail_template_differs_only_by_these_fixes(path):
    text = (WAGTAIL_TEMPLATES / path).read_text()
    for old, new in OVERRIDES[path]:
        assert old in text, f"Wagtail's {path} changed: {old}"
        text = text.replace(old, new)

    assert (OUR_TEMPLATES / path).read_text() == text


# --- one name for outcomes ---------------------------------------------------------------------


@pytest.mark.parametrize(("language", "name"), [("zh-hans", "成果"), ("en", "Outcomes")])
def test_the_outcomes_menu_item_opens_a_screen_of_the_same_name(admin_in, language, name):
    client = admin_in(language)

    dashboard = client.get("/admin/").content.decode()
    html = client.get("/admin/outcomes/").content.decode()

    assert name in sidebar_labels(dashboard)
    assert re.search(rf"<h1[^>]*>\s*{name}\s*</h1>", html), re.search(r"<h1.*?</h1>", html, re.S)
    assert re.search(rf"<title>\s*{name}\b", html)
    assert "里程碑" not in shown(html) and "ilestone" not in shown(html)


def test_the_model_is_named_outcome_in_both_languages():
    with translation.override("zh-hans"):
        assert (str(Milestone._meta.verbose_name), str(Milestone._meta.verbose_name_plural)) == (
            "成果",
            "成果",
        )
    with translation.override("en"):
        assert (str(Milestone._meta.verbose_name), str(Milestone._meta.verbose_name_plural)) == (
            "outcome",
            "outcomes",
        )


def test_no_text_people_read_says_milestone():
    """Not in our msgids (English) nor in any Chinese Django loads (menus, titles, buttons, PDFs,
    pages and mails all come from these catalogues)."""
    ours = {
        msgid
        for mo in OUR_CATALOGUES
        for msgid in gettext.GNUTranslations(mo.open("rb"))._catalog
        if "milestone" in str(msgid).lower()
    }
    catalogue = trans_real.translation("zh-hans")._catalog
    chinese = {key: catalogue[key] for key in list(catalogue.keys()) if "里程碑" in catalogue[key]}

    assert ours == set()
    assert chinese == {}


# --- Wagtail's leftovers -------------------------------------------------------------------------


def test_the_account_pages_picture_upload_has_our_translated_file_button(admin_in):
    html = admin_in("zh-hans").get("/admin/account/").content.decode()

    file_inputs = re.findall(r'<input[^>]*type="file"[^>]*>', html)
    assert file_inputs, "the avatar upload is still offered"
    assert html.count('<span class="choose-file" data-choose-file>') == len(file_inputs)
    assert '<label for="id_avatar-avatar" class="choose-file__button">选择文件</label>' in html
    assert "未选择文件" in html
    assert "gravatar" not in re.sub(r'class="[^"]*"', "", html)  # no request to gravatar.com


def test_the_count_under_a_list_reads_in_the_readers_language(admin_in, db):
    Locale.objects.get_or_create(language_code="en")

    chinese = shown(admin_in("zh-hans").get("/admin/locales/").content.decode())
    english = shown(admin_in("en").get("/admin/locales/").content.decode())

    assert "共 2 条" in chinese and "locales" not in chinese
    assert "2 items" in english


def test_a_count_names_what_it_counts_when_the_model_has_a_translated_name(db):
    User.objects.create_user("a")
    User.objects.create_user("b")
    template = Template("{% load labels %}{% items_count paginator %}")
    paginator = WagtailPaginator(User.objects.order_by("pk"), 10)

    with translation.override("zh-hans"):
        assert template.render(Context({"paginator": paginator})) == "用户：2"
    with translation.override("en"):
        assert template.render(Context({"paginator": paginator})) == "2 users"


def test_the_page_types_report_names_apps_not_content_type_codes(admin_in, index):
    CampaignPageFactory(parent=index)

    html = shown(admin_in("zh-hans").get("/admin/reports/page-types-usage/").content.decode())

    assert not re.search(r"\b(cms|wagtailcore)\.[a-z]+page\b", html), re.findall(r"\bcms\.\w+", html)
    assert "网站内容" in html  # the cms app's name
    assert "项目页面" in html  # the page type's name


def test_wagtail_still_brackets_the_page_choosers_type_as_the_replacement_expects():
    source = inspect.getsource(AdminPageChooser.__init__.replaced)
    assert 'self.choose_one_text += " (" + model_name + ")"' in source


def test_a_page_chooser_names_its_page_type_in_the_readers_brackets():
    chooser = AdminPageChooser(target_models=[CampaignPage])
    with translation.override("zh-hans"):
        assert str(chooser.choose_one_text) == "选择一个页面（项目页面）"
    with translation.override("en"):
        assert str(chooser.choose_one_text) == "Choose a page (Campaign page)"
    assert AdminPageChooser.__init__.replaced is not None
    assert admin_language._page_chooser_bracket
