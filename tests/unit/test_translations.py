"""Every app carries its own Simplified Chinese catalogue (``<app>/locale/zh_Hans``), the project's
templates and config theirs (``locale/``, LOCALE_PATHS); each is complete and its committed ``.mo``
is the compiled ``.po`` (fresh machines may lack msgfmt, so the ``.mo`` is what ships)."""

from __future__ import annotations

import ast
import gettext
from pathlib import Path

import pytest
from django.utils import translation

ROOT = Path(__file__).resolve().parents[2]
CATALOGUES = {
    "project": ROOT / "locale",
    "campaigns": ROOT / "campaigns" / "locale",
    "payments": ROOT / "payments" / "locale",
    "reports": ROOT / "reports" / "locale",
    "cms": ROOT / "cms" / "locale",
    "integrations": ROOT / "integrations" / "locale",
    "wagtail": ROOT / "locale" / "wagtail",
}
# Left untranslated on purpose: Wagtail's own catalogue translates it for pages ("已发布"); donors
# read cms_tags.PUBLIC_STATUS_LABELS instead.
DELIBERATELY_UNTRANSLATED = {"Live"}
# One string each catalogue's own code uses, and its Chinese.
SAMPLES = {
    "project": ("Skip to main content", "跳到主要内容"),  # templates/base.html
    "campaigns": ("Enter an amount.", "请输入金额。"),  # campaigns/amount_input.py
    "payments": ("Won", "胜诉"),  # payments/disputes/models.py
    "reports": ("Reports", "报告"),  # reports/apps.py
    "cms": ("Site content", "网站内容"),  # cms/apps.py
    "integrations": ("Release paid", "拨付已支付"),  # integrations/models.py
    "wagtail": ("Search all pages…", "搜索所有页面…"),  # Wagtail's admin search box
}


def po_entries(path: Path) -> dict[str, tuple[str, bool]]:
    """``{msgid: (msgstr, fuzzy)}`` of a .po file (plural entries keyed by their singular)."""
    entries: dict[str, tuple[str, bool]] = {}
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        lines = [line for line in block.strip().splitlines() if not line.startswith("#~")]
        fuzzy = any(line.startswith("#,") and "fuzzy" in line for line in lines)
        fields: dict[str, str] = {}
        current = None
        for line in lines:
            if line.startswith("#"):
                continue
            if line.startswith('"'):
                fields[current] += ast.literal_eval(line)
                continue
            key, _space, value = line.partition(" ")
            current = key
            fields[key] = ast.literal_eval(value)
        if fields.get("msgid"):
            msgid = (
                fields["msgid"] if "msgctxt" not in fields else f"{fields['msgctxt']}\x04{fields['msgid']}"
            )
            entries[msgid] = (fields.get("msgstr", fields.get("msgstr[0]", "")), fuzzy)
    return entries


def catalogue(name: str) -> Path:
    return CATALOGUES[name] / "zh_Hans" / "LC_MESSAGES" / "django.po"


@pytest.mark.parametrize("name", sorted(CATALOGUES))
def test_every_msgid_has_a_chinese_translation(name):
    entries = po_entries(catalogue(name))

    untranslated = sorted(
        m for m, (s, fuzzy) in entries.items() if (not s or fuzzy) and m not in DELIBERATELY_UNTRANSLATED
    )

    assert entries  # the catalogue is not empty
    assert untranslated == []


@pytest.mark.parametrize("name", sorted(CATALOGUES))
def test_the_committed_mo_is_the_compiled_po(name):
    po = catalogue(name)
    with po.with_suffix(".mo").open("rb") as mo:
        compiled = gettext.GNUTranslations(mo)._catalog

    expected = {m: s for m, (s, fuzzy) in po_entries(po).items() if s and not fuzzy}
    found = {m if isinstance(m, str) else m[0]: s for m, s in compiled.items() if m}

    assert found == expected


def test_the_old_merged_catalogue_parts_are_gone():
    assert sorted(p.name for p in (ROOT / "locale" / "zh_Hans" / "LC_MESSAGES").iterdir()) == [
        "django.mo",
        "django.po",
    ]


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_a_string_of_each_app_translates_from_its_own_catalogue(name):
    msgid, chinese = SAMPLES[name]

    with translation.override("zh-hans"):
        shown = translation.gettext(msgid)

    assert po_entries(catalogue(name))[msgid] == (chinese, False)
    assert shown == chinese


# Wagtail msgids whose Chinese is the same text (a product name, a bare placeholder pair).
SAME_IN_CHINESE = {
    "ID",
    "URL",
    "Wagtail API v2",
    "Wagtail API v3",
    "%(range_start)s - %(range_end)s",
    "%(related_model_name)s %(field_label)s",
}


def wagtail_source_msgids() -> list[tuple[str, str | None]]:
    """Every (msgid, msgid_plural) of the English catalogues of the installed Wagtail apps."""
    from django.apps import apps

    msgids: list[tuple[str, str | None]] = []
    for app in apps.get_app_configs():
        if not app.name.startswith("wagtail"):
            continue
        po = Path(app.path) / "locale" / "en" / "LC_MESSAGES" / "django.po"
        if not po.exists():
            continue
        for block in po.read_text(encoding="utf-8").split("\n\n"):
            lines = [line for line in block.strip().splitlines() if not line.startswith("#")]
            fields: dict[str, str] = {}
            current = None
            for line in lines:
                if line.startswith('"'):
                    fields[current] += ast.literal_eval(line)
                    continue
                key, _space, value = line.partition(" ")
                current = key
                fields[key] = ast.literal_eval(value)
            if fields.get("msgid") and "msgctxt" not in fields:
                msgids.append((fields["msgid"], fields.get("msgid_plural")))
    return msgids


def test_every_wagtail_admin_string_reads_in_chinese():
    """Wagtail 8.0's zh_Hans catalogues lack ~380 msgids ("18 Pages", "Search all pages…", empty
    lists); locale/wagtail supplies them (ADR 0405). After a Wagtail upgrade this lists the new ones."""
    msgids = wagtail_source_msgids()

    with translation.override("zh-hans"):
        english = sorted(
            msgid
            for msgid, plural in msgids
            if msgid not in SAME_IN_CHINESE
            and (translation.ngettext(msgid, plural, 2) if plural else translation.gettext(msgid))
            in (msgid, plural)
        )

    assert len(msgids) > 1000
    assert english == []
