"""The geometry of horizontal bar charts, computed in Python and drawn by a template as SVG.

Every chart of the site is server-rendered SVG with no script, and every page shows the same
figures in a table beside it. The consultation's results and the procurement plan's totals draw
one bar per row with ``templates/includes/bar_chart.html``; the complaint statistics draw several
bars per row (a legend, one colour per series) with their own template, on the same widths.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

CHART_WIDTH = 560
BAR_SPACE = 380  # the longest bar, in SVG units
ROW_HEIGHT = 40  # a label above its bar

Number = int | Decimal


def bar_width(value: Number, top: Number, space: int = BAR_SPACE) -> int:
    """The width of a bar for ``value`` when ``top`` is the longest: at least 1 for any value but 0."""
    return max(round(value * space / (top or 1)), 1 if value else 0)


@dataclass
class BarRow:
    """One bar: its label, the figure written after it, its top and its width."""

    label: str
    value: Number
    value_text: str
    y: int
    width: int

    @property
    def text_x(self) -> int:
        return self.width + 6


@dataclass
class BarChart:
    rows: list[BarRow]
    height: int
    width: int = CHART_WIDTH


def bar_layout(values: Sequence[Number], *, space: int = BAR_SPACE) -> tuple[list[tuple[int, int]], int]:
    """The top and width of each value's bar, one row of ROW_HEIGHT each, and the chart's height."""
    top = max(values, default=0) or 1
    places = [(i * ROW_HEIGHT, bar_width(value, top, space)) for i, value in enumerate(values)]
    return places, max(len(values) * ROW_HEIGHT, ROW_HEIGHT)


def bar_chart(items: Sequence[tuple[str, Number, str]], *, space: int = BAR_SPACE) -> BarChart:
    """A bar per (label, value, value as written) item, in the order given."""
    places, height = bar_layout([value for _label, value, _text in items], space=space)
    rows = [
        BarRow(label=label, value=value, value_text=text, y=y, width=width)
        for (label, value, text), (y, width) in zip(items, places, strict=True)
    ]
    return BarChart(rows=rows, height=height)
