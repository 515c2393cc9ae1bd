"""Public statistics of the complaint channel: counts by month and by type, nothing else.

Only the plain columns of ``Case`` are read (category, state, dates to the day): never content,
handlers or anything about reporters. Deleted cases keep their dates as tombstones and still count.

A page that changed with each report told anyone polling it when each one came and of which type.
So the figures are:

- computed once a day (``StatsSnapshot``, made by ``complaints_daily`` or by the first visit of
  the day) and the same all day, whatever arrives meanwhile;
- for closed months only: a report counts from the first day of the month after it was received;
- suppressed below 3: a figure of 1 or 2 is shown as "< 3" (HTML and CSV alike), and the totals add
  only the figures shown, so no total gives a suppressed figure back.

The snapshot also holds the audit chain's head at the start of the day (its count and last hash),
published on the page so that nobody can later drop or rewrite entries of before that day unseen.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Count, F, Q
from django.db.models.functions import ExtractMonth, ExtractYear
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from abierta.complaints import services
from abierta.complaints.models import Case, StatsSnapshot
from abierta.complaints.services import today
from abierta.core.charts import bar_width
from abierta.core.csvexport import CsvResponse

OPEN = ~Q(status__in=[Case.Status.ANSWERED, Case.Status.CLOSED, Case.Status.DELETED])

# The measures, in the order of the table's columns and of the CSV.
MEASURES = ("received", "forwarded", "on_time", "late", "open", "overdue")
# Figures from 1 to SUPPRESS_BELOW - 1 are not published.
SUPPRESS_BELOW = 3
SUPPRESSED = "< 3"


def visible(value: int) -> int:
    """The figure as it counts on the page: a suppressed one counts as nothing."""
    return value if value == 0 or value >= SUPPRESS_BELOW else 0


def shown(value: int) -> int | str:
    """The figure as the page and the CSV show it."""
    return value if value == 0 or value >= SUPPRESS_BELOW else SUPPRESSED


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

    def cells(self) -> list[int | str]:
        """The figures as published: small ones suppressed."""
        return [shown(v) for v in self.values()]

    def add_visible(self, other: Row) -> None:
        """Add the figures of ``other`` that are published (a total of what the page shows)."""
        for m in MEASURES:
            setattr(self, m, getattr(self, m) + visible(getattr(other, m)))


@dataclass
class Bar:
    y: int
    width: int
    value: int | str
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
    has_data: bool = False  # some case counted (even if every figure is suppressed)


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
    top = max((visible(r.received) for r in rows), default=0) or 1
    legend = [(i * 16, fill, labels[name]) for i, (name, _css, fill) in enumerate(CHART_SERIES)]
    y = len(legend) * 16 + 8
    chart_rows = []
    for row in rows:
        label_y = y + LABEL_HEIGHT - 4
        y += LABEL_HEIGHT
        bars = []
        for name, css, fill in CHART_SERIES:
            value = getattr(row, name)
            width = bar_width(visible(value), top, BAR_SPACE)
            bars.append(Bar(y=y, width=width, value=shown(value), css=css, fill=fill))
            y += BAR_HEIGHT + 1
        chart_rows.append(ChartRow(label=row.label, y=label_y, bars=bars))
        y += ROW_GAP
    return Chart(height=max(y, 40), rows=chart_rows, legend=legend)


def _months_between(first: tuple[int, int], last: tuple[int, int]) -> Iterable[tuple[int, int]]:
    year, month = first
    while (year, month) <= last:
        yield year, month
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)


def _first_of_month(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def _closed(day: datetime.date) -> Any:
    """The cases of the months closed on ``day``: received before the first of its month."""
    return Case.objects.order_by().filter(received_on__lt=_first_of_month(day))


def month_counts(day: datetime.date) -> list[list[Any]]:
    """[["2026-03", received, forwarded, …], …]: one per closed month from the first case's month,
    months without cases included."""
    found = {
        (v["year"], v["month"]): v
        for v in _closed(day)
        .annotate(year=ExtractYear("received_on"), month=ExtractMonth("received_on"))
        .values("year", "month")
        .annotate(**_counts(day))
    }
    if not found:
        return []
    before = _first_of_month(day) - datetime.timedelta(days=1)
    return [
        [f"{year:04d}-{month:02d}", *(found.get((year, month), {}).get(m, 0) for m in MEASURES)]
        for year, month in _months_between(min(found), (before.year, before.month))
    ]


def category_counts(day: datetime.date) -> list[list[Any]]:
    """[["bribery", received, …], …]: one per type of complaint (zeros included), closed months only."""
    found = {v["category"]: v for v in _closed(day).values("category").annotate(**_counts(day))}
    return [[str(value), *(found.get(value, {}).get(m, 0) for m in MEASURES)] for value in Case.Category.values]


def _month_row(values: list[Any]) -> Row:
    year, month = (int(part) for part in values[0].split("-"))
    label = formats.date_format(datetime.date(year, month, 1), "YEAR_MONTH_FORMAT")
    return Row(values[0], label, **dict(zip(MEASURES, values[1:], strict=True)))


def _category_row(values: list[Any]) -> Row:
    labels = dict(Case.Category.choices)
    return Row(values[0], str(labels.get(values[0], values[0])), **dict(zip(MEASURES, values[1:], strict=True)))


def monthly_rows(day: datetime.date) -> list[Row]:
    """One row per closed month (computed now: the page reads them from the day's snapshot)."""
    return [_month_row(values) for values in month_counts(day)]


def category_rows(day: datetime.date) -> list[Row]:
    """One row per type of complaint, every type listed (zeros included), closed months only."""
    return [_category_row(values) for values in category_counts(day)]


def _start_of(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=timezone.get_current_timezone())


def stats_snapshot(day: datetime.date | None = None) -> StatsSnapshot:
    """The statistics of ``day`` (today by default): computed by the first caller of the day and
    stored, so that every later visit that day sees the same figures."""
    day = day or today()
    existing = StatsSnapshot.objects.filter(day=day).first()
    if existing is not None:
        return existing
    count, head = services.audit_head(before=_start_of(day))
    figures = {"months": month_counts(day), "types": category_counts(day)}
    try:
        with transaction.atomic():
            return StatsSnapshot.objects.create(day=day, figures=figures, audit_count=count, audit_head=head)
    except IntegrityError:  # another worker made it first
        return StatsSnapshot.objects.get(day=day)


def _total(rows: list[Row]) -> Row:
    total = Row("total", _("Total"))
    for row in rows:
        total.add_visible(row)
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
        response.add_row([row.key, *row.cells()])
    return response


@require_GET
def public_stats(request: HttpRequest) -> HttpResponse:
    snapshot = stats_snapshot()
    day = snapshot.day
    months = [_month_row(values) for values in snapshot.figures.get("months", [])]
    if request.GET.get("format") == "csv":
        return monthly_csv(months)
    types = [_category_row(values) for values in snapshot.figures.get("types", [])]
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
                has_data=any(row.received for row in rows),
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
            "until": _first_of_month(day) - datetime.timedelta(days=1),
            "suppress_below": SUPPRESS_BELOW,
            "audit": snapshot,
        },
    )
