"""The link-preview image (``og:image``): a 1200×630 PNG with the title, the progress bar and the
percent, drawn with Pillow in the page's language.

Fonts: Noto Sans CJK SC (Debian ``fonts-noto-cjk``) found through fontconfig, as the PDF reports
find theirs (``reports.rendering.fonts``); it sets Latin and Chinese alike. Without it the image
still renders in Pillow's built-in font (Latin only), so a missing font never fails a preview.
"""

from __future__ import annotations

import functools
import io
import shutil
import subprocess

from PIL import Image, ImageDraw, ImageFont

WIDTH, HEIGHT = 1200, 630
GREEN = (11, 93, 75)  # the site's theme colour (base.html theme-color #0b5d4b)
TRACK = (221, 233, 229)
INK = (29, 29, 29)
MUTED = (85, 85, 85)


@functools.cache
def _font_file(style: str) -> tuple[str, int] | None:
    """The file and collection index of Noto Sans CJK SC at ``style``, or None when absent."""
    fc_match = shutil.which("fc-match")
    if fc_match is None:
        return None
    result = subprocess.run(
        [fc_match, "-f", "%{family}|%{file}|%{index}", f"Noto Sans CJK SC:style={style}"],
        capture_output=True,
        text=True,
        timeout=20,
        check=False,
    )
    family, _, rest = result.stdout.partition("|")
    file, _, index = rest.partition("|")
    if "Noto Sans CJK SC" not in family.split(",") or not file:
        return None
    return file, int(index or 0)


def _font(size: int, *, bold: bool = False) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    found = _font_file("Bold" if bold else "Regular")
    if found is None:
        return ImageFont.load_default(size)
    return ImageFont.truetype(found[0], size, index=found[1])


def _wrap(draw: ImageDraw.ImageDraw, text: str, font, width: int, max_lines: int) -> list[str]:
    """Break ``text`` into lines no wider than ``width`` pixels, by character (Chinese has no
    spaces; Latin words are kept whole where a space allows), the last line ending in "…"."""
    lines: list[str] = []
    line = ""
    for char in text:
        if draw.textlength(line + char, font=font) <= width:
            line += char
            continue
        head, space, tail = line.rpartition(" ")
        if space and head and char != " ":
            lines.append(head)
            line = tail + char
        else:
            lines.append(line.rstrip())
            line = char.lstrip()
        if len(lines) == max_lines:
            break
    else:
        if line:
            lines.append(line)
        return lines
    last = lines[-1]
    while last and draw.textlength(last + "…", font=font) > width:
        last = last[:-1]
    lines[-1] = last.rstrip() + "…"
    return lines


def render_card(
    *, title: str, percent: int, raised: str, of_goal: str, footer: str, counted: str = ""
) -> bytes:
    """PNG bytes of the preview card. ``percent`` is whole percent (may exceed 100; the bar stops
    full); ``raised``, ``counted`` (what counts towards the goal, given only when it differs from
    what was raised: matching, refunds), ``of_goal`` and ``footer`` are already translated and
    formatted. The progress block sits in the middle of the space the title leaves."""
    image = Image.new("RGB", (WIDTH, HEIGHT), "white")
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, WIDTH, 14), fill=GREEN)
    title_font = _font(60, bold=True)
    y = 70
    for line in _wrap(draw, title, title_font, WIDTH - 160, 3):
        draw.text((80, y), line, font=title_font, fill=INK)
        y += 80
    lines = [(text, colour) for text, colour in ((raised, INK), (counted, INK), (of_goal, MUTED)) if text]
    block = 44 + 76 + 44 * len(lines)  # the bar, the gap to the figures, a line per figure
    footer_top = HEIGHT - 50
    bar_top = max(y + 30, y + (footer_top - y - block) // 2)
    draw.rounded_rectangle((80, bar_top, WIDTH - 80, bar_top + 44), radius=22, fill=TRACK)
    filled = int((WIDTH - 160) * min(max(percent, 0), 100) / 100)
    if filled >= 44:
        draw.rounded_rectangle((80, bar_top, 80 + filled, bar_top + 44), radius=22, fill=GREEN)
    elif filled > 0:
        draw.ellipse((80, bar_top, 124, bar_top + 44), fill=GREEN)
    draw.text((80, bar_top + 70), f"{percent}%", font=_font(64, bold=True), fill=GREEN)
    figures = _font(34)
    for i, (text, colour) in enumerate(lines):
        draw.text((300, bar_top + 76 + 44 * i), text, font=figures, fill=colour)
    draw.text((80, HEIGHT - 50), footer, font=_font(26), fill=MUTED)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()
