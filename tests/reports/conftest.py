import io
import re

import pypdf
import pytest
from fontTools.pens.boundsPen import BoundsPen
from fontTools.ttLib import TTFont


@pytest.fixture
def private_root(settings, tmp_path):
    settings.PRIVATE_STORAGE_ROOT = tmp_path / "private"
    return settings.PRIVATE_STORAGE_ROOT


@pytest.fixture
def cjk_subset(settings, tmp_path):
    """Call with characters to write the common CJK faces (regular and bold) of just those (plus
    ASCII) into an empty font directory, as ``manage.py report_fonts`` would with all of GB 2312
    level 1."""
    from reports.rendering import fonts

    settings.REPORTS_FONT_DIR = tmp_path / "report-fonts"

    def build(characters) -> None:
        for weight in fonts.WEIGHTS:
            fonts.build_subset(
                weight, "common", characters={ord(c) for c in characters} | set(range(0x20, 0x7F))
            )
        fonts.reset_font_kit()

    fonts.reset_font_kit()
    yield build
    fonts.reset_font_kit()


def pdf_text(data: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() for page in reader.pages)


def drawn_glyphs(data: bytes) -> dict[str, set[tuple[str, bool]]]:
    """Each character a PDF's text shows → {(font name without subset prefix, drawn)}, where
    "drawn" means the embedded font program has a real glyph for it: not glyph 0 (.notdef, the
    tofu box), not an id past the font's glyphs (WeasyPrint's stand-in for a missing glyph) and
    not an empty outline."""
    reader = pypdf.PdfReader(io.BytesIO(data))
    found: dict[str, set[tuple[str, bool]]] = {}
    for page in reader.pages:
        for ref in page["/Resources"]["/Font"].values():
            font = ref.get_object()
            name = str(font["/BaseFont"]).split("+")[-1]
            descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"].get_object()
            stream = next(descriptor[k] for k in ("/FontFile3", "/FontFile2") if k in descriptor)
            program = TTFont(io.BytesIO(stream.get_object().get_data()))
            order, glyphs = program.getGlyphOrder(), program.getGlyphSet()
            cmap = font["/ToUnicode"].get_object().get_data().decode("latin-1")
            for gid, hexa in re.findall(r"<([0-9a-f]{4})> <([0-9a-f]+)>", cmap):
                char, index = bytes.fromhex(hexa).decode("utf-16-be"), int(gid, 16)
                drawn = 0 < index < len(order)
                if drawn and not char.isspace():
                    pen = BoundsPen(glyphs)
                    glyphs[order[index]].draw(pen)
                    drawn = pen.bounds is not None
                found.setdefault(char, set()).add((name, drawn))
    return found
