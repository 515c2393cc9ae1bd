"""The geometry of the consultation's results chart, drawn as SVG by the results template."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class BarRow:
    label: str
    value: int
    y: int
    width: int

    @property
    def text_x(self) -> int:
        return self.width + 6


@dataclass
class BarChart:
    rows: list[BarRow]
    height: int
    width: int = 560


BAR_SPACE = 380
BAR_LEFT = 0


def bar_chart(items: list[tuple[str, int]]) -> BarChart:
    """A horizontal bar per item, label above its bar; geometry computed here, drawn by the template."""
    top = max((v for _l, v in items), default=0) or 1
    rows = []
    y = 0
    for label, value in items:
        rows.append(BarRow(label=label, value=value, y=y, width=max(round(value * BAR_SPACE / top), 1 if value else 0)))
        y += 40
    return BarChart(rows=rows, height=max(y, 40))
