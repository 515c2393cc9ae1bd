"""Export a development plan, and its measurements, in the import template (docs/gestion-plantilla.md).

CSV is UTF-8 with a BOM and cells protected against formulas (as abierta/core/csvexport.py); XLSX
has one sheet with the header on the first row. Export → import changes nothing.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from decimal import Decimal
from typing import IO, Any

from django.http import HttpResponse

from abierta.core.csvexport import CsvResponse, safe_cell
from abierta.development.importers import ACCUMULATIONS, DIRECTIONS, MEASUREMENT_COLUMNS, PLAN_HEAD, PLAN_TAIL
from abierta.development.models import DevelopmentPlan, Goal, Measurement, goal_plan_order

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

DIRECTION_NAMES = {v: k for k, v in DIRECTIONS.items()}
ACCUMULATION_NAMES = {v: k for k, v in ACCUMULATIONS.items()}

Table = tuple[list[str], list[list[Any]]]


def plain(value: Decimal | None) -> Decimal | None:
    """The number without trailing zeros and without an exponent (12.5000 → 12.5, 1E+3 → 1000)."""
    if value is None:
        return None
    if value == value.to_integral_value():
        return value.quantize(Decimal(1))
    return value.normalize()


def plan_columns(plan: DevelopmentPlan) -> list[str]:
    return [*PLAN_HEAD, *(f"meta_{year}" for year in plan.years()), *PLAN_TAIL]


def plan_table(plan: DevelopmentPlan) -> Table:
    """The plan as template rows, one per goal, in the plan's order."""
    years = plan.years()
    goals = (
        Goal.objects.filter(plan=plan)
        .select_related("programme__pillar", "responsible")
        .prefetch_related("year_targets")
        .order_by(*goal_plan_order())
    )
    rows = []
    for goal in goals:
        programme, pillar = goal.programme, goal.programme.pillar
        targets = {t.year: t.target for t in goal.year_targets.all()}
        rows.append(
            [
                pillar.code,
                pillar.name,
                plain(pillar.weight),
                programme.code,
                programme.name,
                plain(programme.weight),
                goal.code,
                goal.title,
                goal.indicator,
                goal.unit,
                DIRECTION_NAMES[goal.direction],
                ACCUMULATION_NAMES[goal.accumulation],
                plain(goal.baseline),
                goal.baseline_year,
                plain(goal.target),
                *(plain(targets.get(year)) for year in years),
                goal.responsible.slug,
                plain(goal.budget),
                plain(goal.weight),
            ]
        )
    return plan_columns(plan), rows


def measurements_table(plan: DevelopmentPlan) -> Table:
    measurements = (
        Measurement.objects.filter(goal__plan=plan)
        .select_related("goal__programme__pillar")
        .order_by(*goal_plan_order("goal__"), "date")
    )
    rows = [[m.goal.code, m.date, plain(m.value), m.source, m.source_url, m.note] for m in measurements]
    return list(MEASUREMENT_COLUMNS), rows


def write_csv(out: IO[str], table: Table) -> None:
    """UTF-8 text with a BOM (write ``out`` with encoding="utf-8"); text cells cannot run as formulas."""
    header, rows = table
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow(header)
    for row in rows:
        writer.writerow([safe_cell(v) for v in row])


def write_xlsx(out: IO[bytes], table: Table, *, title: str) -> None:
    from openpyxl import Workbook

    header, rows = table
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title[:31]
    sheet.append(header)
    for row in rows:
        # Numbers stay numbers; text is protected (openpyxl would take "=…" as a formula).
        sheet.append([safe_cell(v) for v in row])
    sheet.freeze_panes = "A2"
    workbook.save(out)


def export_bytes(table: Table, *, fmt: str, title: str) -> bytes:
    if fmt == "csv":
        text = io.StringIO(newline="")
        write_csv(text, table)
        return text.getvalue().encode("utf-8")
    if fmt == "xlsx":
        binary = io.BytesIO()
        write_xlsx(binary, table, title=title)
        return binary.getvalue()
    raise ValueError(f"Unknown export format: {fmt}")


def plan_export(*, plan: DevelopmentPlan, fmt: str) -> bytes:
    """The plan in the template, as CSV or XLSX bytes."""
    return export_bytes(plan_table(plan), fmt=fmt, title="plan")


def measurements_export(*, plan: DevelopmentPlan, fmt: str) -> bytes:
    return export_bytes(measurements_table(plan), fmt=fmt, title="mediciones")


def export_response(*, table: Table, fmt: str, filename: str) -> HttpResponse:
    """A download for a view: ``filename`` without extension."""
    header, rows = table
    if fmt == "csv":
        csv_response = CsvResponse(f"{filename}.csv", header)
        _add_rows(csv_response, rows)
        return csv_response
    response = HttpResponse(export_bytes(table, fmt="xlsx", title=filename), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
    return response


def _add_rows(response: CsvResponse, rows: Iterable[list[Any]]) -> None:
    for row in rows:
        response.add_row(row)
