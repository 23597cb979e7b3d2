"""The reports' Chinese font subset (``manage.py report_fonts``, ADR 0410), built from the system's
Noto Sans CJK SC on a few characters (the whole GB 2312 set takes about a minute per weight, which
the demo does once per machine)."""

import io
from pathlib import Path

from django.core.management import call_command
from fontTools.ttLib import TTFont

from reports.rendering import fonts

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

    def build(weight):
        built.append(weight)
        fonts.subset_path(weight).write_bytes(b"built")

    monkeypatch.setattr("reports.management.commands.report_fonts.build_subset", build)
    fonts.subset_path(400).write_bytes(b"kept")

    call_command("report_fonts", stdout=io.StringIO())
    assert built == [700]
    assert fonts.subset_path(400).read_bytes() == b"kept"

    call_command("report_fonts", "--force", stdout=io.StringIO())
    assert built == [700, 400, 700]
