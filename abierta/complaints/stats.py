"""Public statistics of the complaint channel: counts by month and by type, nothing else.

Only the plain columns of ``Case`` are read (category, state, dates to the day): never content,
handlers or anything about reporters. Deleted cases keep their dates as tombstones and still count.
The page is the same for every visitor; nothing is cached per person.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count, F, Q
from django.db.models.functions import ExtractMonth, ExtractYear
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import formats
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from abierta.complaints.models import Case
from abierta.complaints.services import today
from abierta.core.charts import bar_width
from abierta.core.csvexport import CsvResponse

OPEN = ~Q(status__in=[Case.Status.ANSWERED, Case.Status.CLOSED, Case.Status.DELETED])

# The measures, in the order of the table's columns and of the CSV.
MEASURES = ("received", "forwarded", "on_time", "late", "open", "overdue")


def _counts(day: datetime.date) -> dict[str, Count]:
    return {
        "received": Count("id"),
        "forwarded": Count("id", filter=Q(forwarded_on__isnull=False)),
        "on_time": Count("id", filter=Q(answered_on__isnull=False, answered_on__lte=F("due_on"))),
        "late": Count("id", filter=Q(answered_on__isnull=False, answered_on__gt=F("due_on"))),
        "open": Count("id", filter=OPEN),
        "overdue": Count("id", filter=OPEN & Q(due_on__lt=day)),
    }


@dataclass
class Row:
    key: str  # "2026-03" or a category value: stable, for the CSV and for tests
    label: str
    received: int = 0
    forwarded: int = 0
    on_time: int = 0
    late: int = 0
    open: int = 0
    overdue: int = 0

    def values(self) -> list[int]:
        return [getattr(self, m) for m in MEASURES]

    def add(self, other: Row) -> None:
        for m in MEASURES:
            setattr(self, m, getattr(self, m) + getattr(other, m))


@dataclass
class Bar:
    y: int
    width: int
    value: int
    css: str
    fill: str

    @property
    def text_x(self) -> int:
        return self.width + 4

    @property
    def text_y(self) -> int:
        return self.y + BAR_HEIGHT


@dataclass
class ChartRow:
    label: str
    y: int
    bars: list[Bar]


@dataclass
class Chart:
    """Geometry of a horizontal grouped bar chart, computed here so the template only draws."""

    height: int
    rows: list[ChartRow]
    legend: list[tuple[int, str, str]]  # (y, fill, label)
    width: int = 460


@dataclass
class Section:
    slug: str
    heading: str
    first_column: str
    rows: list[Row]
    total: Row
    chart: Chart
    description: str = ""


# What the chart shows of each row: received, answered on time, answered late, open and overdue.
CHART_SERIES = (
    ("received", "bar", "#1f4e9c"),
    ("on_time", "bar-ok", "#2e7d32"),
    ("late", "bar-late", "#b26a00"),
    ("overdue", "bar-overdue", "#b00020"),
)
BAR_SPACE = 380
BAR_HEIGHT = 9
LABEL_HEIGHT = 16
ROW_GAP = 10


def _series_labels() -> dict[str, str]:
    return {
        "received": _("Received"),
        "forwarded": _("Forwarded to an authority"),
        "on_time": _("Answered on time"),
        "late": _("Answered late"),
        "open": _("Still open"),
        "overdue": _("Open and overdue"),
    }


def bar_chart(rows: list[Row]) -> Chart:
    labels = _series_labels()
    top = max((r.received for r in rows), default=0) or 1
    legend = [(i * 16, fill, labels[name]) for i, (name, _css, fill) in enumerate(CHART_SERIES)]
    y = len(legend) * 16 + 8
    chart_rows = []
    for row in rows:
        label_y = y + LABEL_HEIGHT - 4
        y += LABEL_HEIGHT
        bars = []
        for name, css, fill in CHART_SERIES:
            value = getattr(row, name)
            width = bar_width(value, top, BAR_SPACE)
            bars.append(Bar(y=y, width=width, value=value, css=css, fill=fill))
            y += BAR_HEIGHT + 1
        chart_rows.append(ChartRow(label=row.label, y=label_y, bars=bars))
        y += ROW_GAP
    return Chart(height=max(y, 40), rows=chart_rows, legend=legend)


def _months_between(first: tuple[int, int], last: tuple[int, int]) -> Iterable[tuple[int, int]]:
    year, month = first
    while (year, month) <= last:
        yield year, month
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)


def monthly_rows(day: datetime.date) -> list[Row]:
    """One row per month from the first case's month to this month, months without cases included."""
    found = {
        (v["year"], v["month"]): v
        for v in Case.objects.order_by()
        .annotate(year=ExtractYear("received_on"), month=ExtractMonth("received_on"))
        .values("year", "month")
        .annotate(**_counts(day))
    }
    if not found:
        return []
    last = max(max(found), (day.year, day.month))
    rows = []
    for year, month in _months_between(min(found), last):
        values = found.get((year, month), {})
        label = formats.date_format(datetime.date(year, month, 1), "YEAR_MONTH_FORMAT")
        rows.append(Row(f"{year:04d}-{month:02d}", label, **{m: values.get(m, 0) for m in MEASURES}))
    return rows


def category_rows(day: datetime.date) -> list[Row]:
    """One row per type of complaint, every type listed (zeros included)."""
    found = {v["category"]: v for v in Case.objects.order_by().values("category").annotate(**_counts(day))}
    return [
        Row(str(value), str(label), **{m: found.get(value, {}).get(m, 0) for m in MEASURES})
        for value, label in Case.Category.choices
    ]


def _total(rows: list[Row]) -> Row:
    total = Row("total", _("Total"))
    for row in rows:
        total.add(row)
    return total


def _describe(total: Row, what: str) -> str:
    return _(
        "%(what)s: %(received)s received, %(on_time)s answered on time, %(late)s answered late, "
        "%(overdue)s open and overdue. The table below the chart gives every figure."
    ) % {
        "what": what,
        "received": total.received,
        "on_time": total.on_time,
        "late": total.late,
        "overdue": total.overdue,
    }


def monthly_csv(rows: list[Row]) -> CsvResponse:
    labels = _series_labels()
    response = CsvResponse("denuncias-estadisticas.csv", [_("Month")] + [labels[m] for m in MEASURES])
    for row in rows:
        response.add_row([row.key, *row.values()])
    return response


@require_GET
def public_stats(request: HttpRequest) -> HttpResponse:
    day = today()
    months = monthly_rows(day)
    if request.GET.get("format") == "csv":
        return monthly_csv(months)
    types = category_rows(day)
    sections = []
    for slug, heading, first_column, rows in (
        ("por-mes", _("Complaints by month of receipt"), _("Month"), months),
        ("por-tipo", _("Complaints by type"), _("Type"), types),
    ):
        total = _total(rows)
        sections.append(
            Section(
                slug=slug,
                heading=heading,
                first_column=first_column,
                rows=rows,
                total=total,
                chart=bar_chart(rows),
                description=_describe(total, heading),
            )
        )
    labels = _series_labels()
    return render(
        request,
        "complaints/stats.html",
        {
            "sections": sections,
            "columns": [labels[m] for m in MEASURES],
            "today": day,
        },
    )
