"""Horizontal bar charts as inline SVG, rendered on the server: no script, no style attributes.

Colours and strokes are SVG presentation attributes (so a saved or printed page keeps them) and
classes that endwatch/static/report.css may restyle. Every bar carries its number as text, so the
chart is readable in black and white. A hidden count is drawn as a fixed-size outline with its
label ("fewer than 5", "withheld"), never as a bar whose length could give the number away.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import count

from markupsafe import Markup, escape

WIDTH = 640
LABEL_WIDTH = 250
NUMBER_ROOM = 110
ROW = 26
BAR = 16
PLACEHOLDER = 24
TOP = 6

_ids = count(1)


@dataclass(frozen=True)
class Bar:
    label: str
    value: int | None  # None: hidden, drawn as a placeholder
    text: str  # the number or why it is not shown


def bar_chart(title: str, bars: Sequence[Bar], *, rtl: bool = False) -> Markup:
    """One chart: a row per bar, label, bar scaled to the largest shown value, number as text."""
    height = TOP * 2 + ROW * max(len(bars), 1)
    scale_max = max((b.value for b in bars if b.value), default=0)
    room = WIDTH - LABEL_WIDTH - NUMBER_ROOM
    title_id = f"chart-{next(_ids)}"
    direction = "rtl" if rtl else "ltr"
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" aria-labelledby="{title_id}" '
        f'viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" height="{height}" '
        f'font-family="sans-serif" font-size="13" direction="{direction}">',
        f'<title id="{title_id}">{escape(title)}</title>',
    ]
    for index, bar in enumerate(bars):
        y = TOP + index * ROW
        middle = y + ROW / 2 + 4
        if bar.value is None:
            length = PLACEHOLDER
        else:
            length = round(room * bar.value / scale_max) if scale_max else 0
        bar_start = LABEL_WIDTH if not rtl else WIDTH - LABEL_WIDTH - length
        label_x = LABEL_WIDTH - 8 if not rtl else WIDTH - 8
        label_anchor = "end" if not rtl else "start"
        number_x = LABEL_WIDTH + length + 6 if not rtl else WIDTH - LABEL_WIDTH - length - 6
        parts.append(
            f'<text class="label" x="{label_x}" y="{middle}" text-anchor="{label_anchor}" '
            f'fill="#1b1f24">{escape(bar.label)}</text>'
        )
        if bar.value is None:
            parts.append(
                f'<rect class="bar hidden" x="{bar_start}" y="{y + (ROW - BAR) / 2}" width="{length}" '
                f'height="{BAR}" fill="none" stroke="#5b6470" stroke-dasharray="3 2"/>'
            )
        elif length:
            parts.append(
                f'<rect class="bar" x="{bar_start}" y="{y + (ROW - BAR) / 2}" width="{length}" '
                f'height="{BAR}" fill="#0b5cad"/>'
            )
        parts.append(
            f'<text class="number" x="{number_x}" y="{middle}" text-anchor="start" '
            f'fill="#1b1f24">{escape(bar.text)}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - every interpolated text is escaped above
