"""Totals of a plan's lines (by modality, month and funding source) and their bar charts.

The chart geometry comes from abierta.core.charts and ``templates/includes/bar_chart.html`` draws
it: a server-rendered SVG, no script, with the same figures in a table beside it.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, QuerySet, Sum
from django.utils import formats
from django.utils.dates import MONTHS
from django.utils.translation import gettext as _

from abierta.core.charts import CHART_WIDTH, bar_layout
from abierta.procurement.models import PlanLine

BAR_SPACE = 300  # the longest bar, in SVG units


def money(value: Decimal | int) -> str:
    """$ 1.234.567 in Spanish, $ 1,234,567 in English (whole pesos)."""
    return "$ " + formats.number_format(int(value), 0, use_l10n=True, force_grouping=True)


@dataclass
class TotalRow:
    key: str  # the value filtered on (modality, funding source, month number), "" when missing
    label: str
    lines: int
    value: Decimal
    share: int  # per cent of the value of the lines totalled
    y: int = 0
    width: int = 0

    @property
    def value_text(self) -> str:
        return money(self.value)

    @property
    def text_x(self) -> int:
        return self.width + 6


@dataclass
class Totals:
    slug: str
    heading: str
    first_column: str
    rows: list[TotalRow]
    lines: int
    value: Decimal
    height: int
    width: int = CHART_WIDTH

    @property
    def value_text(self) -> str:
        return money(self.value)


def _totals(slug: str, heading: str, first_column: str, items: list[tuple[str, str, int, Decimal]]) -> Totals:
    all_value = sum((v for _k, _l, _n, v in items), Decimal(0))
    places, height = bar_layout([v for _k, _l, _n, v in items], space=BAR_SPACE)
    rows = []
    for (key, label, n, value), (y, width) in zip(items, places, strict=True):
        share = round(value * 100 / all_value) if all_value else 0
        rows.append(TotalRow(key=key, label=label, lines=n, value=value, share=share, y=y, width=width))
    return Totals(
        slug=slug,
        heading=heading,
        first_column=first_column,
        rows=rows,
        lines=sum(n for _k, _l, n, _v in items),
        value=all_value,
        height=height,
    )


def _grouped(lines: QuerySet[PlanLine], field: str) -> list[dict[str, Any]]:
    return list(
        lines.order_by().values(field).annotate(n=Count("pk"), value=Sum("total_value")).order_by("-value", field)
    )


def by_modality(lines: QuerySet[PlanLine]) -> Totals:
    items = [
        (r["modality"], r["modality"] or _("Not stated"), r["n"], r["value"] or Decimal(0))
        for r in _grouped(lines, "modality")
    ]
    return _totals("por-modalidad", _("By selection modality"), _("Modality"), items)


def by_funding(lines: QuerySet[PlanLine]) -> Totals:
    items = [
        (r["funding_source"], r["funding_source"] or _("Not stated"), r["n"], r["value"] or Decimal(0))
        for r in _grouped(lines, "funding_source")
    ]
    return _totals("por-fuente", _("By funding source"), _("Funding source"), items)


def by_month(lines: QuerySet[PlanLine]) -> Totals:
    found = {r["start_month"]: r for r in _grouped(lines, "start_month")}
    items = []
    for month in range(1, 13):
        r = found.get(month)
        items.append(
            (str(month), str(MONTHS[month]).capitalize(), r["n"] if r else 0, (r and r["value"]) or Decimal(0))
        )
    missing = found.get(None)
    if missing:
        items.append(("", _("Not stated"), missing["n"], missing["value"] or Decimal(0)))
    return _totals("por-mes", _("By estimated start month"), _("Month"), items)
