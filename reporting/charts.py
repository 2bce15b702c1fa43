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

# Each row is a label on its own line with the bar under it, in a box narrow enough that a phone shows it
# near its natural size: 14-unit text stays above 12 px at 390 px wide.
WIDTH = 400
NUMBER_ROOM = 110
FONT = 14
LABEL_LINE = 18
BAR = 14
ROW = LABEL_LINE + BAR + 12
PLACEHOLDER = 24
TOP = 4

_ids = count(1)


@dataclass(frozen=True)
class Bar:
    label: str
    value: int | None  # None: hidden, drawn as a placeholder
    text: str  # the number or why it is not shown


def bar_chart(title: str, bars: Sequence[Bar], *, rtl: bool = False, chart_id: str | None = None) -> Markup:
    """One chart: a row per bar, label above, bar scaled to the largest shown value, number as text.

    `chart_id` names the chart's title element; give one unique in the page where the page must be the
    same bytes on every request (a published report).
    """
    height = TOP * 2 + ROW * max(len(bars), 1)
    scale_max = max((b.value for b in bars if b.value), default=0)
    room = WIDTH - NUMBER_ROOM
    title_id = f"chart-{chart_id or next(_ids)}"
    direction = "rtl" if rtl else "ltr"
    start = WIDTH if rtl else 0
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" aria-labelledby="{title_id}" '
        f'viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" height="{height}" '
        f'font-family="sans-serif" font-size="{FONT}" direction="{direction}">',
        f'<title id="{title_id}">{escape(title)}</title>',
    ]
    for index, bar in enumerate(bars):
        y = TOP + index * ROW
        bar_y = y + LABEL_LINE + 2
        if bar.value is None:
            length = PLACEHOLDER
        else:
            length = round(room * bar.value / scale_max) if scale_max else 0
        bar_start = WIDTH - length if rtl else 0
        number_x = WIDTH - length - 6 if rtl else length + 6
        parts.append(
            f'<text class="label" x="{start}" y="{y + LABEL_LINE - 4}" text-anchor="start" '
            f'fill="#1b1f24">{escape(bar.label)}</text>'
        )
        if bar.value is None:
            parts.append(
                f'<rect class="bar hidden" x="{bar_start}" y="{bar_y}" width="{length}" '
                f'height="{BAR}" fill="none" stroke="#5b6470" stroke-dasharray="3 2"/>'
            )
        elif length:
            parts.append(
                f'<rect class="bar" x="{bar_start}" y="{bar_y}" width="{length}" height="{BAR}" '
                'fill="#0b5cad"/>'
            )
        parts.append(
            f'<text class="number" x="{number_x}" y="{bar_y + BAR - 2}" text-anchor="start" '
            f'font-weight="bold" fill="#1b1f24">{escape(bar.text)}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - every interpolated text is escaped above
