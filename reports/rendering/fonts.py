"""Fonts for reports: a pre-subset Chinese font and one font configuration per worker process.

Why (docs/adr/0410-reports-fonts-and-table-wrapping.md): WeasyPrint embeds every font a document
uses, and for a CJK font it copies the whole 19 MB collection and subsets a 65,535-glyph face on
every document. The print CSS therefore lists fonts per document language (``html:lang(...)`` in
``print.css``): English text is set in DejaVu Sans and reaches the CJK font only for characters
DejaVu lacks (a Chinese name), so an English statement with no Chinese embeds no CJK font. For the
CJK font itself, ``manage.py report_fonts`` writes once per machine two subsets of Noto Sans CJK SC
Regular: the *common* part (GB 2312 level 1, the 3,755 hanzi of everyday text, with its
symbols, Latin and punctuation: ~5,000 characters), family "Clearfund CJK SC", and the *rare* part
(GB 2312 level 2, 3,008 hanzi: rarer names and places), family "Clearfund CJK SC Ext", listed next.
HarfBuzz subsets the face a document uses on every render, and its time follows the face's size:
a document embeds the small common face, and the rare one only when it has such a character. A
character outside both falls back to the full system font, so nothing is ever lost, only slower.

Two weights (ADR 0419, amended): Regular and Bold, each cut into the same two parts. WeasyPrint
cannot embolden a face itself, and Chinese reports without a bold face read as unfinished (no
bold title, heading or key figure). A bold face costs render time only in a document that sets
Chinese in bold, and HarfBuzz subsets it to the few characters the headings use.

Fontconfig state, the ``@font-face`` sheet and the parsed report stylesheet (``print.css``) are
built once per process and reused by every report that process renders.
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import threading
from dataclasses import dataclass
from pathlib import Path

import weasyprint
from django.conf import settings
from weasyprint.text.fonts import FontConfiguration

logger = logging.getLogger(__name__)

SUBSET_FAMILY = "Clearfund CJK SC"
# The parts of GB 2312 cut into faces of their own: part → (family, first and last row of hanzi).
PARTS = {"common": (SUBSET_FAMILY, 0xB0, 0xD7), "rare": (f"{SUBSET_FAMILY} Ext", 0xD8, 0xF7)}
SYSTEM_FAMILY = "Noto Sans CJK SC"
# CSS weight → the fontconfig style of the source face and the file name of its subset.
WEIGHTS = {400: "Regular", 700: "Bold"}


class FontSourceMissing(LookupError):
    """Fontconfig has no Noto Sans CJK SC face to subset (install fonts-noto-cjk)."""


def font_dir() -> Path:
    return Path(str(settings.REPORTS_FONT_DIR))


def subset_path(weight: int, part: str = "common") -> Path:
    return font_dir() / f"clearfund-cjk-sc-{part}-{WEIGHTS[weight].lower()}.otf"


def subset_characters(part: str = "common") -> set[int]:
    """Code points kept in a part's face. Common: GB 2312's symbols (rows 1–9) and its 3,755
    level-1 hanzi, ASCII, Latin-1, general punctuation, CJK punctuation and full-width forms.
    Rare: the 3,008 level-2 hanzi only. Raises ``KeyError`` for another part."""
    _family, first, last = PARTS[part]
    chars: set[int] = set()
    rows = list(range(first, last + 1))
    if part == "common":
        chars = set(range(0x20, 0x7F)) | set(range(0xA0, 0x180)) | set(range(0x2000, 0x2070))
        chars |= set(range(0x3000, 0x3040)) | set(range(0xFF00, 0xFFF0))
        rows = list(range(0xA1, 0xAA)) + rows
    for high in rows:
        for low in range(0xA1, 0xFF):
            try:
                chars.update(map(ord, bytes((high, low)).decode("gb2312")))
            except UnicodeDecodeError:  # unassigned cell of the GB 2312 table
                continue
    return chars


def _source(weight: int) -> tuple[Path, int]:
    """The file and collection index of the system's Noto Sans CJK SC face at ``weight``."""
    fc_match = shutil.which("fc-match")
    if fc_match is None:
        raise FontSourceMissing("fc-match not found (install fontconfig)")
    pattern = f"{SYSTEM_FAMILY}:style={WEIGHTS[weight]}"
    result = subprocess.run(
        [fc_match, "-f", "%{family}|%{file}|%{index}", pattern],
        capture_output=True,
        text=True,
        timeout=20,
        check=False,
    )
    family, _, rest = result.stdout.partition("|")
    file, _, index = rest.partition("|")
    if SYSTEM_FAMILY not in family.split(",") or not file:
        raise FontSourceMissing(f"no {pattern} font (install fonts-noto-cjk)")
    return Path(file), int(index or 0)


def build_subset(
    weight: int, part: str = "common", *, characters: set[int] | None = None, target: Path | None = None
) -> Path:
    """Write the ``part`` subset of Noto Sans CJK SC at ``weight`` (a key of ``WEIGHTS``), renamed
    to the part's family ("Clearfund CJK SC", "Clearfund CJK SC Ext").

    Takes 10–30 s per face (fontTools, pure Python): run at deploy through
    ``manage.py report_fonts``, never in a task. Raises ``FontSourceMissing`` without the font.
    """
    from fontTools import subset
    from fontTools.ttLib import TTFont

    source, index = _source(weight)
    target = target or subset_path(weight, part)
    family = PARTS[part][0]
    logging.getLogger("fontTools").setLevel(logging.WARNING)  # it logs every glyph name at INFO
    options = subset.Options()
    # Horizontal text only: keep kerning and proportional punctuation, not the vertical forms that
    # would pull thousands of glyphs back in through GSUB.
    options.layout_features = ["kern", "palt", "halt", "locl", "ccmp", "liga"]
    options.name_IDs = ["*"]
    options.notdef_outline = True
    options.hinting = False  # PDFs are not rasterised at small sizes by us; hints only add bytes
    font = TTFont(source, fontNumber=index, lazy=True)
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=characters if characters is not None else subset_characters(part))
    subsetter.subset(font)
    # Family names (1, 16) say this is our subset, so fontconfig never confuses it with the full font.
    style = WEIGHTS[weight]
    for record in font["name"].names:
        if record.nameID in (1, 16):
            record.string = family
        elif record.nameID == 4:
            record.string = f"{family} {style}"
        elif record.nameID == 6:
            record.string = f"{family.replace(' ', '')}-{style}"
    target.parent.mkdir(parents=True, exist_ok=True)
    # A name of this process's own: two demos started at once on a fresh machine both build the
    # font, and must not write into one file.
    partial = target.with_name(f"{target.name}.{os.getpid()}.partial")
    font.save(partial)
    partial.replace(target)  # atomic: a worker never reads half a font
    return target


@dataclass
class FontKit:
    """What every render in one thread shares: fontconfig state, the @font-face sheet of the
    pre-subset faces and the reports' parsed stylesheet."""

    config: FontConfiguration
    stylesheets: list[weasyprint.CSS]  # the @font-face sheet (empty without the subset files)
    subset_weights: tuple[int, ...]  # weights of the common face present
    report_sheet: weasyprint.CSS  # reports/pdf/print.css, parsed once (reports.rendering.pdf)


_local = threading.local()  # Pango font maps are not thread-safe: one kit per thread


def _font_face_css(faces: list[tuple[str, int]]) -> str:
    return "".join(
        f"@font-face {{ font-family: '{PARTS[part][0]}'; font-weight: {weight}; "
        f"src: url('{subset_path(weight, part).resolve().as_uri()}'); }}"
        for part, weight in faces
    )


def font_kit() -> FontKit:
    """This thread's font configuration and report stylesheet, built on first use and reused by
    every later render."""
    kit = getattr(_local, "kit", None)
    if kit is not None:
        return kit
    from reports.rendering.pdf import LocalOnlyFetcher

    config = FontConfiguration()
    faces = [(part, weight) for part in PARTS for weight in WEIGHTS if subset_path(weight, part).is_file()]
    weights = [weight for part, weight in faces if part == "common"]
    if len(faces) < len(PARTS) * len(WEIGHTS):
        logger.warning(
            "pre-subset CJK fonts missing in %s: Chinese reports fall back to the full system font "
            "(correct, slower); run `manage.py report_fonts`",
            font_dir(),
        )
    sheets = []
    if faces:
        fetcher = LocalOnlyFetcher(roots=[font_dir().resolve()])
        sheets.append(weasyprint.CSS(string=_font_face_css(faces), font_config=config, url_fetcher=fetcher))
    from django.template.loader import render_to_string

    # Parsing the 60 rules of print.css took ~10 % of a one-gift statement when every document
    # carried them inline; parsed here, they apply to every report this thread renders.
    report_sheet = weasyprint.CSS(string=render_to_string("reports/pdf/print.css"), font_config=config)
    kit = FontKit(config=config, stylesheets=sheets, subset_weights=tuple(weights), report_sheet=report_sheet)
    _local.kit = kit
    return kit


def reset_font_kit() -> None:
    """Forget this thread's kit (after ``report_fonts`` built new files, and in tests)."""
    _local.kit = None
