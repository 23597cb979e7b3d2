"""The reports' Chinese font subset (``manage.py report_fonts``, ADR 0410), built from the system's
Noto Sans CJK SC on a few characters (the whole GB 2312 set takes about a minute per weight, which
the demo does once per machine)."""

import io
from pathlib import Path

from django.core.management import call_command
from fontTools.ttLib import TTFont

from reports.rendering import fonts
from tests.reports.test_pdf_layout import embedded_fonts

KEPT = "清源公益基金会¥3,000 one surgery"


def test_a_subset_keeps_the_asked_characters_under_our_family_name_and_leaves_no_partial_file(tmp_path):
    target = tmp_path / "subset.otf"
    fonts.build_subset(400, characters={ord(c) for c in KEPT}, target=target)

    font = TTFont(target)
    cmap = font.getBestCmap()
    assert {ord(c) for c in KEPT} <= set(cmap)
    assert ord("贫") not in cmap  # only what was asked for
    assert font["name"].getDebugName(1) == fonts.SUBSET_FAMILY
    assert [p.name for p in Path(tmp_path).iterdir()] == ["subset.otf"]


def test_report_fonts_leaves_fonts_in_place_unless_forced(tmp_path, settings, monkeypatch):
    settings.REPORTS_FONT_DIR = tmp_path
    built = []

    def build(weight, part):
        built.append((part, weight))
        fonts.subset_path(weight, part).write_bytes(b"built")

    monkeypatch.setattr("reports.management.commands.report_fonts.build_subset", build)
    fonts.subset_path(400).write_bytes(b"kept")

    call_command("report_fonts", stdout=io.StringIO())
    assert built == [("common", 700), ("rare", 400), ("rare", 700)]  # regular and bold (ADR 0419)
    assert fonts.subset_path(400).read_bytes() == b"kept"

    call_command("report_fonts", "--force", stdout=io.StringIO())
    assert built[3:] == [("common", 400), ("common", 700), ("rare", 400), ("rare", 700)]


def test_everyday_hanzi_are_in_the_common_face_and_rarer_ones_in_the_rare_face():
    common, rare = fonts.subset_characters("common"), fonts.subset_characters("rare")
    assert not common & rare
    assert {ord(c) for c in "白内障复明手术清源公益基金会，。¥A"} <= common  # GB 2312 level 1, symbols
    assert {ord(c) for c in "琰瑾邕"} <= rare  # GB 2312 level 2: names and places
    assert len(common) < 5_200 and len(rare) == 3_008


def test_a_rare_character_is_set_in_the_rare_face_and_nothing_falls_to_the_system_font(tmp_path, settings):
    settings.REPORTS_FONT_DIR = tmp_path
    fonts.build_subset(400, "common", characters={ord(c) for c in "患者姓名王"})
    fonts.build_subset(400, "rare", characters={ord(c) for c in "琰"})
    fonts.reset_font_kit()
    try:
        from reports.rendering.pdf import html_to_pdf

        css = (Path(__file__).resolve().parents[2] / "reports/templates/reports/pdf/print.css").read_text()
        pdf = html_to_pdf(
            f'<html lang="zh-hans"><head><style>{css}</style></head><body><p>患者姓名王琰</p></body></html>'
        )
        # the same through the parsed report stylesheet, as reports are rendered
        parsed = html_to_pdf('<html lang="zh-hans"><body><p>患者姓名王琰</p></body></html>', report_css=True)
    finally:
        fonts.reset_font_kit()
    # the everyday characters from the common face, 琰 (GB 2312 level 2) from the rare one
    assert embedded_fonts(pdf) == embedded_fonts(parsed) == {"Clearfund-CJK-SC", "Clearfund-CJK-SC-Ext"}
