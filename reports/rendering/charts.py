"""Small charts drawn on the server, inlined into the report HTML (no scripts, no network): bar
charts as tables, columns over time as SVG."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape

PALETTE = ("#1f6f5c", "#d98e04", "#3a6ea5", "#b23a48", "#6b5b95", "#7a7a7a")


@dataclass(frozen=True)
class Bar:
    label: str
    value: int  # minor units or counts: whole numbers only, never floats from money
    caption: str  # what is printed next to the bar, e.g. "¥12,000"


def bar_chart(bars: Sequence[Bar], *, title: str) -> str:
    """Horizontal bars, one per item, scaled to the largest value, as an HTML table of three
    columns: the label (wraps inside its column), the bar, the value (its own column). Drawn in
    SVG, a long label ("Approved, not yet paid", or its Chinese) ran into the value beside it;
    laid out by the table, the two can never overlap (issue 14). Widths: ``print.css``."""
    top = max([b.value for b in bars] + [1])
    rows = []
    for i, bar in enumerate(bars):
        # Tenths of a percent of the widest bar, in whole numbers (no float from money).
        permille = max(bar.value, 0) * 1000 // top
        rows.append(
            f'<tr><th scope="row" class="chart-label">{escape(bar.label)}</th>'
            f'<td class="chart-bar"><span style="width: {permille // 10}.{permille % 10}%; '
            f'background: {PALETTE[i % len(PALETTE)]}"></span></td>'
            f'<td class="chart-value">{escape(bar.caption)}</td></tr>'
        )
    return (
        f'<table class="chart bar-chart"><caption class="chart-title">{escape(title)}</caption>'
        f"<tbody>{''.join(rows)}</tbody></table>"
    )


def column_chart(columns: Sequence[Bar], *, title: str, width: int = 480, height: int = 180) -> str:
    """Vertical columns over time (e.g. gifts per month); labels under every column."""
    n = max(len(columns), 1)
    plot_h = height - 50
    slot = width / n
    top = max([c.value for c in columns] + [1])
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="{escape(title, {chr(34): "&quot;"})}">',
        f'<text x="0" y="14" class="chart-title">{escape(title)}</text>',
    ]
    for i, col in enumerate(columns):
        h = round(plot_h * max(col.value, 0) / top)
        x = i * slot + slot * 0.15
        parts.append(
            f'<rect x="{x:.1f}" y="{20 + plot_h - h}" width="{slot * 0.7:.1f}" height="{h}" fill="{PALETTE[0]}"/>'
        )
        parts.append(
            f'<text x="{i * slot + slot / 2:.1f}" y="{height - 14}" text-anchor="middle" '
            f'class="chart-axis">{escape(col.label)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)
