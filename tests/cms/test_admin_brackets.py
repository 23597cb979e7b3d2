"""Brackets in Chinese are full-width with no space around them: "盘奶奶（白内障复明手术项目）", not
"盘奶奶 (白内障复明手术项目)" (new-user check, issue 13, ADR 0417).

The checks are general, so a new ``__str__``, column, template or catalogue entry is held to it
too: every row the demo loaders make, by its ``__str__`` under zh-hans; every admin screen a
superuser reaches from the dashboard (links and the sidebar's menu); one public page of each kind
(the crawler's list); every Chinese translation
Django loads (ours, Wagtail's, Django's)."""

import re
from collections import Counter
from io import StringIO
from urllib.parse import urlsplit

import pytest
from django.apps import apps
from django.contrib.auth.models import User
from django.core.management import call_command
from django.template import Context, Template
from django.utils import translation
from django.utils.translation import trans_real

from campaigns.templatetags.labels import bracketed_text
from tests.browser.test_crawl import PAGE_KINDS
from tests.payments.conftest import localstripe_url, stripe_api  # noqa: F401

CJK = r"[\u3400-\u4dbf\u4e00-\u9fff\u3000-\u303f\uff00-\uffef]"
# An ASCII bracket right after Chinese text, right before it, or around a note holding some.
ASCII_BRACKET_BY_CHINESE = re.compile(rf"{CJK}\s*\(|\)\s*{CJK}|\([^()]*{CJK}[^()]*\)")
OUR_APPS = ("campaigns", "payments", "reports", "integrations", "cms", "api")
# Admin links a crawl must not follow (they change things, or are files) or need not (one
# screen of each shape is enough: /admin/outcomes/inspect/1/ stands for all its rows).
NOT_FOLLOWED = re.compile(
    r"logout|/delete/|/unpublish/|/revert|/lock/|/unlock/|/copy/|/move/|/convert_alias|/preview|"
    r"export|\.pdf|\.csv|/download|/documents/|/images/|[?&]p=|ordering=|/search/"
)


def chinese_text_with_ascii_brackets(text: str) -> list[str]:
    # Placeholders and tags stand for text of any language, "()" is code ("get_absolute_url()"):
    # count them as neither.
    plain = re.sub(r"%\(\w+\)[sdfi]|%[sdi]|\{\w*\}|<[^>]+>|\(\)", "x", text)
    return sorted({found.group(0) for found in ASCII_BRACKET_BY_CHINESE.finditer(plain)})


def shown(html: str) -> str:
    html = re.sub(r"<(script|style|template)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_the_check_sees_what_the_new_user_saw():
    assert chinese_text_with_ascii_brackets("捐款编号 1 (白内障复明手术项目)")
    assert chinese_text_with_ascii_brackets("¥300 (1 笔捐赠)")
    assert chinese_text_with_ascii_brackets("盘奶奶 (白内障复明手术项目)")
    assert not chinese_text_with_ascii_brackets("盘奶奶（白内障复明手术项目）")
    assert not chinese_text_with_ascii_brackets("Grandma Pan (Cataract surgery programme)")


def test_a_text_and_its_note_in_each_language():
    with translation.override("zh-hans"):
        assert bracketed_text("盘奶奶", "白内障复明手术项目") == "盘奶奶（白内障复明手术项目）"
    with translation.override("en"):
        assert bracketed_text("Grandma Pan", "Cataract surgery") == "Grandma Pan (Cataract surgery)"


def test_the_template_tags_escape_and_use_the_languages_brackets():
    template = Template(
        "{% load labels %}{% bracketed name note %}|<a>x</a>{% bracket_open %}{{ amount }}{% bracket_close %}"
    )
    context = {"name": "Tom & Jerry", "note": "<b>", "amount": "¥300"}
    with translation.override("zh-hans"):
        assert template.render(Context(context)) == "Tom &amp; Jerry（&lt;b&gt;）|<a>x</a>（¥300）"
    with translation.override("en"):
        assert template.render(Context(context)) == "Tom &amp; Jerry (&lt;b&gt;)|<a>x</a> (¥300)"
    with translation.override("zh-hans"):  # a plain-text mail: nothing escaped
        assert (
            Template("{% load labels %}{% bracketed name note %}").render(Context(context, autoescape=False))
            == "Tom & Jerry（<b>）"
        )


def test_no_chinese_translation_has_an_ascii_bracket():
    """The catalogue as Django loads it for zh-hans (our apps', Wagtail's, Django's and the
    corrections in locale/wagtail, which win over them): a Chinese text brackets with （）, also
    around a placeholder ("%(name)s（%(contact)s）"); "()" after a code name is code."""
    catalogue = trans_real.translation("zh-hans")._catalog

    def ascii_bracket_in_chinese(value: str) -> bool:
        plain = re.sub(r"%\(\w+\)[sdfir]|\(\)", "x", value)
        return bool(re.search(CJK, value)) and bool(re.search(r"[()]", plain))

    found = {
        key: value for key in list(catalogue.keys()) if ascii_bracket_in_chinese(value := catalogue[key])
    }

    assert found == {}


def load_demo() -> None:
    from config.demo import DEMO_COMMANDS

    for command in DEMO_COMMANDS:
        if command != "demo_reports":  # renders PDFs: slow, and its rows are checked elsewhere
            call_command(command, stdout=StringIO())


def admin_screens(client, start: str = "/admin/", limit: int = 400) -> dict[str, str]:
    """Every admin screen reachable from ``start`` by GET (links and the sidebar's menu items),
    two of each URL shape: {url: the text it shows}."""
    todo, seen, shapes, screens = [start], set(), Counter(), {}
    while todo and len(screens) < limit:
        url = todo.pop(0)
        if url in seen:
            continue
        seen.add(url)
        shape = re.sub(r"\d+", "N", urlsplit(url).path)
        shapes[shape] += 1
        if shapes[shape] > 2:
            continue
        response = client.get(url)
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        html = response.content.decode()
        screens[url] = shown(html)
        links = re.findall(r'href="(/admin/[^"#]*)"', html) + re.findall(r'"url": "(/admin/[^"]*)"', html)
        todo += [link.replace("&amp;", "&") for link in links if not NOT_FOLLOWED.search(link)]
    return screens


@pytest.mark.django_db
def test_the_demo_in_chinese_has_no_ascii_brackets_around_chinese_text(stripe_api, client):  # noqa: F811
    # given the demo's data, as the demo loads it
    load_demo()
    # when each row is named, and each admin screen is read, in Chinese
    with translation.override("zh-hans"):
        names = {
            f"{model.__name__} {obj.pk}": str(obj)
            for app in OUR_APPS
            for model in apps.get_app_config(app).get_models()
            for obj in model._default_manager.all()[:20]
        }
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "zh-hans"
    pages = {path: shown(client.get(path).content.decode()) for path in PAGE_KINDS}
    client.force_login(User.objects.create_superuser("root", password="x"))
    screens = admin_screens(client)

    # then no name and no screen puts ASCII brackets around Chinese text
    assert {name: text for name, text in names.items() if chinese_text_with_ascii_brackets(text)} == {}
    assert {url: chinese_text_with_ascii_brackets(text) for url, text in screens.items()
            if chinese_text_with_ascii_brackets(text)} == {}  # fmt: skip
    # nor a public page (one of each kind, as the crawler visits them)
    assert {path: chinese_text_with_ascii_brackets(text) for path, text in pages.items()
            if chinese_text_with_ascii_brackets(text)} == {}  # fmt: skip
    assert "白内障复明手术项目" in pages["/campaigns/cataract-surgery/"]
    # and the check did look: the rows and screens the new user saw are there
    assert any(name.startswith("Beneficiary") for name in names)
    assert any(name.startswith("Donation") for name in names)
    assert any("/admin/outcomes/" in url for url in screens)
    assert any(re.search(r"/admin/supporters/pages/\d+/moderate/", url) for url in screens)
    assert any(re.search(r"/admin/releases/\d+/", url) for url in screens)
    assert len(screens) > 80
