"""Import a development plan, and the measurements of its goals, from a CSV or XLSX file.

The template (one row per goal, Spanish column names) is described in docs/gestion-plantilla.md;
abierta/development/exporter.py writes the same template, so export → import changes nothing.

Both imports run on :func:`abierta.core.importing.run_import` in its all-or-nothing mode:

- every row is validated, and every rejected row is reported with its line number as the
  spreadsheet shows it (the header is line 1) and a plain reason;
- if any row is rejected nothing is written (all or nothing, in one transaction);
- a file that is not the expected format (not CSV/XLSX, required columns missing) stops at once;
- it is idempotent: objects are found by their codes (pillar by plan and code, programme by pillar
  and code, goal by plan and code, measurement by goal and date), a second import of the same file
  changes nothing, and only real changes write public history.

Optional columns: when a column is absent from the file, the field it fills is left as it is (new
objects take the default); when the column is present and a cell is empty, the field takes its
default (weight 1, no budget, no baseline year, no yearly target, no link, no note).
"""

from __future__ import annotations

import csv
import datetime
import io
import re
import unicodedata
import zipfile
from argparse import ArgumentParser
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.core.management.base import CommandError
from django.core.validators import URLValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _

from abierta.core import history
from abierta.core.csvexport import FORMULA_STARTS
from abierta.core.importing import (
    FILE,
    BatchResult,
    FormatError,
    ImportCommand,
    Importer,
    RowRejected,
    Upload,
    rows_capped,
    run_import,
    xlsx_check,
)
from abierta.core.models import ImportRejection, ImportRun, Institution
from abierta.core.numbers import is_blank, parse_number
from abierta.development.models import DevelopmentPlan, Goal, Measurement, Pillar, Programme, YearTarget

MAX_BYTES = 10 * 1024 * 1024
MAX_ROWS = 20_000
# A baseline year, or a measurement's date, may be this many years before the plan's period.
YEARS_BEFORE_PERIOD = 10

# The template (docs/gestion-plantilla.md), in the order the exporter writes it: the plan's
# columns, one ``meta_<year>`` per year of the period between head and tail, then the measurements'.
PLAN_HEAD = (
    "pilar_codigo",
    "pilar_nombre",
    "pilar_peso",
    "programa_codigo",
    "programa_nombre",
    "programa_peso",
    "meta_codigo",
    "meta_nombre",
    "indicador",
    "unidad",
    "sentido",
    "tipo",
    "linea_base",
    "anio_linea_base",
    "meta_cuatrienio",
)
PLAN_TAIL = ("dependencia", "presupuesto", "peso")
PLAN_OPTIONAL = ("pilar_peso", "programa_peso", "anio_linea_base", "presupuesto", "peso")
PLAN_REQUIRED = tuple(c for c in (*PLAN_HEAD, *PLAN_TAIL) if c not in PLAN_OPTIONAL)
YEAR_COLUMN = re.compile(r"^meta_(\d{4})$")
MEASUREMENT_COLUMNS = ("meta_codigo", "fecha", "valor", "fuente", "enlace", "nota")
MEASUREMENT_OPTIONAL = ("enlace", "nota")
MEASUREMENT_REQUIRED = tuple(c for c in MEASUREMENT_COLUMNS if c not in MEASUREMENT_OPTIONAL)

DIRECTIONS: dict[str, str] = {"aumentar": Goal.Direction.INCREASE, "disminuir": Goal.Direction.DECREASE}
ACCUMULATIONS: dict[str, str] = {"punto": Goal.Accumulation.POINT, "acumulado": Goal.Accumulation.CUMULATIVE}

# Decimal places and largest absolute value of each kind of number.
VALUE = (4, Decimal(10) ** 16)
MONEY = (2, Decimal(10) ** 18)
WEIGHT = (3, Decimal(10) ** 4)

CREATED, UPDATED, UNCHANGED = "created", "updated", "unchanged"


class ImportReport:
    """What the staff page and the commands show of a development plan import: the run's counters,
    its rejected rows and, when the file could not be read at all, ``fatal``."""

    def __init__(self, run: ImportRun) -> None:
        self.run = run
        self.read, self.created, self.updated = run.read, run.created, run.updated
        self.unchanged, self.rejected = run.unchanged, run.rejected
        self.fatal = run.message if run.status == ImportRun.Status.FAILED else ""
        self.errors: list[ImportRejection] = list(run.rejections.order_by("line", "pk"))

    @property
    def ok(self) -> bool:
        return not self.fatal and not self.errors

    def summary(self) -> str:
        if self.fatal:
            return self.fatal
        text = _(
            "Rows read: %(read)d; created: %(created)d; updated: %(updated)d; unchanged: %(unchanged)d; "
            "rejected: %(rejected)d."
        ) % {
            "read": self.read,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "rejected": self.rejected,
        }
        if self.errors:
            text += " " + _("Nothing was written: correct the rejected rows and import the file again.")
        return text

    def lines(self) -> list[str]:
        return [
            self.summary(),
            *(_("Line %(line)d: %(message)s") % {"line": e.line, "message": e.reason} for e in self.errors),
        ]


# Reading the file ------------------------------------------------------------------------------


@dataclass
class Table:
    columns: list[str]
    rows: list[tuple[int, dict[str, Any]]]  # (line as the spreadsheet shows it, cells by column)
    overflow: dict[int, bool] = field(default_factory=dict)  # lines with cells beyond the header


def normalise_header(value: Any) -> str:
    text = str(value if value is not None else "").strip().lstrip("\ufeff").strip().lower()
    text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return re.sub(r"[\s\-]+", "_", text)


def read_table(data: bytes, filename: str) -> Table:
    """The file's header and non-blank rows; FormatError if it is not a table this import reads."""
    if len(data) > MAX_BYTES:
        raise FormatError(_("The file is larger than %(size)d MB.") % {"size": MAX_BYTES // (1024 * 1024)})
    raw = _raw_rows(data, filename)
    try:
        header = next(raw)
    except StopIteration:
        raise FormatError(_("The file is empty.")) from None
    columns = _header(header)
    table = Table(columns=[c for c in columns if c], rows=[])
    for line, cells in enumerate(rows_capped(raw, MAX_ROWS), start=2):
        if all(is_blank(c) for c in cells):
            continue
        values = {c: (cells[i] if i < len(cells) else None) for i, c in enumerate(columns) if c}
        table.overflow[line] = any(not is_blank(c) for c in cells[len(columns) :])
        table.rows.append((line, values))
    return table


def _raw_rows(data: bytes, filename: str) -> Iterator[list[Any]]:
    """The rows of cells of a .xlsx or .csv file, by its name."""
    name = (filename or "").lower()
    if name.endswith(".xlsx"):
        return _xlsx_rows(data)
    if name.endswith(".csv"):
        if data.startswith(b"PK\x03\x04"):
            raise FormatError(_("The file is named .csv but is a spreadsheet workbook: save it as CSV or as .xlsx."))
        return _csv_rows(data)
    raise FormatError(_("Unsupported file «%(name)s»: upload a CSV (.csv) or Excel (.xlsx) file.") % {"name": filename})


def _header(header: list[Any]) -> list[str]:
    """The header's column names, normalised; FormatError if one appears twice."""
    columns = [normalise_header(h) for h in header]
    seen: set[str] = set()
    for column in columns:
        if column and column in seen:
            raise FormatError(_("The column «%(column)s» appears twice.") % {"column": column})
        seen.add(column)
    return columns


def _csv_rows(data: bytes) -> Iterator[list[Any]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise FormatError(
            _("The file is not UTF-8 text: save it as «CSV UTF-8» in your spreadsheet and try again.")
        ) from None
    if "\x00" in text:
        raise FormatError(_("The file is not a text CSV file."))
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    try:
        yield from csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    except csv.Error as e:
        raise FormatError(_("The CSV file cannot be read: %(error)s") % {"error": e}) from None


def _xlsx_rows(data: bytes) -> Iterator[list[Any]]:
    from openpyxl import load_workbook

    xlsx_check(io.BytesIO(data))
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError):
        raise FormatError(_("The file is not a valid Excel (.xlsx) workbook.")) from None
    except Exception as e:  # openpyxl's own InvalidFileException and friends
        if type(e).__module__.startswith("openpyxl"):
            raise FormatError(_("The file is not a valid Excel (.xlsx) workbook.")) from None
        raise
    try:
        if not workbook.worksheets:
            return
        sheet = workbook.worksheets[0]
        # The sheet's declared dimension (which may say XFD1048576) would pad every row to it.
        sheet.reset_dimensions()
        for row in sheet.iter_rows(values_only=True):
            yield list(row)
    finally:
        workbook.close()


def check_columns(table: Table, *, required: Iterable[str], optional: Iterable[str], years: list[int]) -> None:
    required, optional = list(required), set(optional)
    missing = [c for c in required if c not in table.columns]
    if missing:
        raise FormatError(_("Required columns are missing: %(columns)s.") % {"columns": ", ".join(missing)})
    unknown = []
    for column in table.columns:
        if column in required or column in optional:
            continue
        match = YEAR_COLUMN.match(column) if years else None
        if match:
            if int(match.group(1)) not in years:
                raise FormatError(
                    _("The column «%(column)s» is for a year outside the plan's period (%(start)d–%(end)d).")
                    % {"column": column, "start": years[0], "end": years[-1]}
                )
            continue
        unknown.append(column)
    if unknown:
        raise FormatError(
            _("Unknown columns: %(columns)s. The template is described in docs/gestion-plantilla.md.")
            % {"columns": ", ".join(unknown)}
        )


# Reading cells ---------------------------------------------------------------------------------


class Row:
    """The cells of one row, read with their checks; each problem is collected, not raised."""

    def __init__(self, cells: dict[str, Any]) -> None:
        self.cells = cells
        self.problems: list[str] = []

    def has(self, column: str) -> bool:
        return column in self.cells

    def text(self, column: str, *, max_length: int, required: bool = True) -> str:
        value = self.cells.get(column)
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        text = "" if value is None else str(value).strip()
        if text.startswith("'") and text[1:2] and text[1:2] in FORMULA_STARTS:
            text = text[1:]  # undo the export's protection against formulas
        if required and not text:
            self.problems.append(_("«%(column)s» is empty.") % {"column": column})
        elif len(text) > max_length:
            self.problems.append(
                _("«%(column)s» is longer than %(max)d characters.") % {"column": column, "max": max_length}
            )
        return text

    def number(
        self, column: str, kind: tuple[int, Decimal], *, required: bool = True, minimum: Decimal | None = None
    ) -> Decimal | None:
        value = self.cells.get(column)
        if is_blank(value):
            if required:
                self.problems.append(_("«%(column)s» is empty.") % {"column": column})
            return None
        places, limit = kind
        number = parse_number(value, money=kind is MONEY)
        if number is None:
            self.problems.append(_("«%(value)s» in «%(column)s» is not a number.") % {"value": value, "column": column})
            return None
        quantum = Decimal(1).scaleb(-places)
        if isinstance(value, float):
            number = number.quantize(quantum)  # a spreadsheet's binary fraction, not a typed one
        elif number != number.quantize(quantum):
            self.problems.append(
                _("«%(value)s» in «%(column)s» has more than %(places)d decimals.")
                % {"value": value, "column": column, "places": places}
            )
            return None
        if abs(number) >= limit:
            self.problems.append(_("«%(value)s» in «%(column)s» is too large.") % {"value": value, "column": column})
            return None
        if minimum is not None and number < minimum:
            self.problems.append(
                _("«%(value)s» in «%(column)s» cannot be negative.") % {"value": value, "column": column}
            )
            return None
        return number.quantize(quantum)

    def weight(self, column: str) -> Decimal:
        """A weight; an empty cell is the default weight, 1 (and 0 is a weight)."""
        value = self.number(column, WEIGHT, required=False, minimum=Decimal(0))
        return Decimal(1).quantize(Decimal("0.001")) if value is None else value

    def year(self, column: str, *, low: int, high: int) -> int | None:
        value = self.cells.get(column)
        if is_blank(value):
            return None
        number = parse_number(value)
        if number is None or number != number.to_integral_value():
            self.problems.append(_("«%(value)s» in «%(column)s» is not a year.") % {"value": value, "column": column})
            return None
        year = int(number)
        if not low <= year <= high:
            self.problems.append(
                _("The year %(year)d in «%(column)s» is outside %(low)d–%(high)d.")
                % {"year": year, "column": column, "low": low, "high": high}
            )
            return None
        return year

    def choice(self, column: str, choices: dict[str, str]) -> str:
        raw = self.text(column, max_length=40)
        if not raw:
            return ""
        key = normalise_header(raw)
        if key not in choices:
            self.problems.append(
                _("«%(value)s» in «%(column)s» must be one of: %(choices)s.")
                % {"value": raw, "column": column, "choices": ", ".join(choices)}
            )
            return ""
        return choices[key]

    def date(self, column: str, *, low: datetime.date, high: datetime.date) -> datetime.date | None:
        value = self.cells.get(column)
        if is_blank(value):
            self.problems.append(_("«%(column)s» is empty.") % {"column": column})
            return None
        day = parse_date(value)
        if day is None:
            self.problems.append(
                _("«%(value)s» in «%(column)s» is not a date: write YYYY-MM-DD or DD/MM/YYYY.")
                % {"value": value, "column": column}
            )
            return None
        if not low <= day <= high:
            self.problems.append(
                _("The date %(date)s is outside the accepted range, %(low)s to %(high)s.")
                % {"date": day.isoformat(), "low": low.isoformat(), "high": high.isoformat()}
            )
            return None
        return day


def parse_date(value: Any) -> datetime.date | None:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = str(value).strip()
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.datetime.strptime(text, pattern).date()  # noqa: DTZ007 (a calendar date)
        except ValueError:
            continue
    return None


# Writing ----------------------------------------------------------------------------------------


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, models.Model) or isinstance(b, models.Model):
        return bool(getattr(a, "pk", a) == getattr(b, "pk", b))
    return bool(a == b)


def _apply(obj: models.Model, values: dict[str, Any]) -> list[str]:
    """Set the values that differ; the names of the fields changed."""
    changed = [name for name, value in values.items() if not _same(getattr(obj, name), value)]
    for name in changed:
        setattr(obj, name, values[name])
    return changed


def _next_order(queryset: models.QuerySet[Any]) -> int:
    last = queryset.aggregate(m=models.Max("order"))["m"]
    return (last or 0) + 1


# The plan ---------------------------------------------------------------------------------------


@dataclass
class PlanRow:
    line: int
    pillar_code: str
    pillar: dict[str, Any]
    programme_code: str
    programme: dict[str, Any]
    goal_code: str
    goal: dict[str, Any]
    year_targets: dict[int, Decimal | None]


def _institutions() -> Callable[[str], Institution | None]:
    by_slug: dict[str, Institution] = {}
    by_name: dict[str, Institution] = {}
    by_folded: dict[str, Institution] = {}
    for institution in Institution.objects.all():
        by_slug[institution.slug] = institution
        by_name[institution.name] = institution
        by_folded[institution.name.casefold()] = institution

    def find(text: str) -> Institution | None:
        return by_slug.get(text) or by_name.get(text) or by_folded.get(text.casefold())

    return find


def _plan_row(
    plan: DevelopmentPlan,
    line: int,
    row: Row,
    year_columns: dict[int, str],
    institution: Callable[[str], Institution | None],
) -> PlanRow:
    """The cells of one row of the plan, read; each problem is collected in ``row``."""
    pillar_code = row.text("pilar_codigo", max_length=20)
    pillar: dict[str, Any] = {"name": row.text("pilar_nombre", max_length=300)}
    if row.has("pilar_peso"):
        pillar["weight"] = row.weight("pilar_peso")
    programme_code = row.text("programa_codigo", max_length=20)
    programme: dict[str, Any] = {"name": row.text("programa_nombre", max_length=300)}
    if row.has("programa_peso"):
        programme["weight"] = row.weight("programa_peso")
    goal_code = row.text("meta_codigo", max_length=30)
    goal: dict[str, Any] = {
        "title": row.text("meta_nombre", max_length=500),
        "indicator": row.text("indicador", max_length=500),
        "unit": row.text("unidad", max_length=60),
        "direction": row.choice("sentido", DIRECTIONS),
        "accumulation": row.choice("tipo", ACCUMULATIONS),
        "baseline": row.number("linea_base", VALUE),
        "target": row.number("meta_cuatrienio", VALUE),
    }
    if row.has("anio_linea_base"):
        goal["baseline_year"] = row.year(
            "anio_linea_base", low=plan.period_start - YEARS_BEFORE_PERIOD, high=plan.period_end
        )
    if row.has("presupuesto"):
        goal["budget"] = row.number("presupuesto", MONEY, required=False, minimum=Decimal(0))
    if row.has("peso"):
        goal["weight"] = row.weight("peso")
    office = row.text("dependencia", max_length=200)
    if office:
        goal["responsible"] = institution(office)
        if goal["responsible"] is None:
            row.problems.append(
                _("Unknown office «%(value)s»: write the slug or the exact name of an institution.") % {"value": office}
            )
    year_targets = {year: row.number(column, VALUE, required=False) for year, column in year_columns.items()}
    return PlanRow(line, pillar_code, pillar, programme_code, programme, goal_code, goal, year_targets)


def _check_direction(row: Row, goal: dict[str, Any]) -> None:
    """The target must go the way the goal's direction says, from the baseline."""
    baseline, target, direction = goal["baseline"], goal["target"], goal["direction"]
    if direction == Goal.Direction.DECREASE and goal["accumulation"] == Goal.Accumulation.CUMULATIVE:
        row.problems.append(
            _("A cumulative indicator («acumulado») cannot have «disminuir» as direction: use «punto».")
        )
    elif baseline is not None and target is not None and goal["accumulation"] == Goal.Accumulation.POINT:
        figures = {"target": f"{target.normalize():f}", "baseline": f"{baseline.normalize():f}"}
        if direction == Goal.Direction.INCREASE and target < baseline:
            row.problems.append(
                _("With «aumentar» the target (%(target)s) must be at least the baseline (%(baseline)s).") % figures
            )
        if direction == Goal.Direction.DECREASE and target > baseline:
            row.problems.append(
                _("With «disminuir» the target (%(target)s) must be at most the baseline (%(baseline)s).") % figures
            )


@dataclass
class _PlanSeen:
    """What earlier rows of the file said: pillars, programmes and goals by code, with their line."""

    pillars: dict[str, tuple[int, dict[str, Any]]] = field(default_factory=dict)
    programmes: dict[tuple[str, str], tuple[int, dict[str, Any]]] = field(default_factory=dict)
    goals: dict[str, int] = field(default_factory=dict)


def _check_repeats(row: Row, item: PlanRow, seen: _PlanSeen) -> None:
    """A pillar or programme repeated must say the same on every row; a goal code appears once."""
    line = item.line
    if item.pillar_code:
        first = seen.pillars.setdefault(item.pillar_code, (line, item.pillar))
        if first[0] != line and first[1] != item.pillar:
            row.problems.append(
                _("Pillar «%(code)s» has a different name or weight on line %(line)d.")
                % {"code": item.pillar_code, "line": first[0]}
            )
    if item.pillar_code and item.programme_code:
        first = seen.programmes.setdefault((item.pillar_code, item.programme_code), (line, item.programme))
        if first[0] != line and first[1] != item.programme:
            row.problems.append(
                _("Programme «%(code)s» of pillar «%(pillar)s» has a different name or weight on line %(line)d.")
                % {"code": item.programme_code, "pillar": item.pillar_code, "line": first[0]}
            )
    if item.goal_code:
        first_line = seen.goals.setdefault(item.goal_code, line)
        if first_line != line:
            row.problems.append(
                _("The goal code «%(code)s» is repeated: it is already on line %(line)d.")
                % {"code": item.goal_code, "line": first_line}
            )


class PlanImporter:
    """The plan's rows: pillars, programmes, goals and yearly targets (an Importer of core.importing)."""

    kind = "development-plan"
    model = Goal

    def __init__(self, *, plan: DevelopmentPlan, filename: str, actor: Any = None) -> None:
        self.plan, self.filename, self.actor = plan, filename, actor
        self.year_columns: dict[int, str] = {}
        self.institution: Callable[[str], Institution | None] = lambda text: None
        self.seen = _PlanSeen()

    def options(self) -> dict[str, Any]:
        return {"plan": self.plan.slug}

    def rows(self, stream: IO[bytes]) -> Iterator[tuple[int, Any]]:
        table = read_table(stream.read(), self.filename)
        check_columns(table, required=PLAN_REQUIRED, optional=PLAN_OPTIONAL, years=self.plan.years())
        self.year_columns = {int(m.group(1)): c for c in table.columns if (m := YEAR_COLUMN.match(c))}
        self.institution = _institutions()
        return _table_rows(table)

    def convert(self, line: int, raw: tuple[dict[str, Any], bool]) -> PlanRow:
        cells, overflow = raw
        row = Row(cells)
        if overflow:
            row.problems.append(_("The row has more cells than the header has columns."))
        item = _plan_row(self.plan, line, row, self.year_columns, self.institution)
        _check_direction(row, item.goal)
        _check_repeats(row, item, self.seen)
        if row.problems:
            raise RowRejected(*row.problems)
        return item

    def apply(self, items: list[tuple[int, PlanRow]]) -> BatchResult:
        return _counted(_plan_write(self.plan, [item for _line, item in items], self.actor))

    def finish(self, run: ImportRun) -> None:
        pass


def _table_rows(table: Table) -> Iterator[tuple[int, tuple[dict[str, Any], bool]]]:
    for line, cells in table.rows:
        yield line, (cells, table.overflow.get(line, False))


def _counted(states: Iterable[str]) -> BatchResult:
    result = BatchResult()
    for state in states:
        setattr(result, state, getattr(result, state) + 1)
    return result


def _import(importer: PlanImporter | MeasurementsImporter, data: bytes, filename: str, actor: Any) -> ImportReport:
    started_by = str(getattr(actor, "email", "") or "")
    run = run_import(importer, Upload(filename, data), mode=FILE, progress=False, started_by=started_by)
    return ImportReport(run)


@dataclass
class _PlanState:
    """The plan's pillars, programmes and goals by code, and those this import has already written."""

    pillars: dict[str, Pillar]
    programmes: dict[tuple[str, str], Programme]
    goals: dict[str, Goal]
    done_pillars: set[str] = field(default_factory=set)
    done_programmes: set[tuple[str, str]] = field(default_factory=set)

    @classmethod
    def of(cls, plan: DevelopmentPlan) -> _PlanState:
        return cls(
            pillars={p.code: p for p in plan.pillars.all()},
            programmes={
                (p.pillar.code, p.code): p for p in Programme.objects.filter(pillar__plan=plan).select_related("pillar")
            },
            goals={g.code: g for g in plan.goals.select_related("responsible").prefetch_related("year_targets")},
        )


def _write_pillar(plan: DevelopmentPlan, row: PlanRow, state: _PlanState) -> tuple[Pillar, bool]:
    """The row's pillar, created or updated (on its first row only); whether it changed."""
    pillar = state.pillars.get(row.pillar_code)
    changed = False
    if pillar is None:
        pillar = Pillar(plan=plan, code=row.pillar_code, order=_next_order(plan.pillars.all()), **row.pillar)
        pillar.save()
        state.pillars[row.pillar_code] = pillar
        changed = True
    elif row.pillar_code not in state.done_pillars and _apply(pillar, row.pillar):
        pillar.save()
        changed = True
    state.done_pillars.add(row.pillar_code)
    return pillar, changed


def _write_programme(pillar: Pillar, row: PlanRow, state: _PlanState) -> tuple[Programme, bool]:
    """The row's programme, created or updated (on its first row only); whether it changed."""
    key = (row.pillar_code, row.programme_code)
    programme = state.programmes.get(key)
    changed = False
    if programme is None:
        programme = Programme(
            pillar=pillar, code=row.programme_code, order=_next_order(pillar.programmes.all()), **row.programme
        )
        programme.save()
        state.programmes[key] = programme
        changed = True
    elif key not in state.done_programmes and _apply(programme, row.programme):
        programme.save()
        changed = True
    state.done_programmes.add(key)
    return programme, changed


def _write_goal(programme: Programme, row: PlanRow, state: _PlanState, actor: Any) -> tuple[Goal, str]:
    """The row's goal, created or updated with its public history; CREATED, UPDATED or UNCHANGED."""
    values = {"programme": programme, **row.goal}
    goal = state.goals.get(row.goal_code)
    if goal is None:
        goal = Goal(code=row.goal_code, order=_next_order(programme.goals.all()), **values)
        goal.save()
        history.record(goal, actor=actor, before=None)
        return goal, CREATED
    before = history.snapshot(goal)
    moved = not _same(goal.programme, programme)
    if not _apply(goal, values):
        return goal, UNCHANGED
    if moved:
        goal.order = _next_order(programme.goals.all())
    goal.save()
    history.record(goal, actor=actor, before=before)
    return goal, UPDATED


def _write_year_targets(goal: Goal, targets: dict[int, Decimal | None], *, new: bool) -> bool:
    """Set the goal's yearly targets to the row's (an empty cell deletes one); whether any changed."""
    existing = {} if new else {t.year: t for t in goal.year_targets.all()}
    changed = False
    for year, value in targets.items():
        current = existing.get(year)
        if value is None:
            if current is not None:
                current.delete()
                changed = True
        elif current is None:
            YearTarget.objects.create(goal=goal, year=year, target=value)
            changed = True
        elif current.target != value:
            current.target = value
            current.save(update_fields=["target"])
            changed = True
    return changed


def _plan_write(plan: DevelopmentPlan, parsed: list[PlanRow], actor: Any) -> Iterator[str]:
    state = _PlanState.of(plan)
    for row in parsed:
        pillar, pillar_changed = _write_pillar(plan, row, state)
        programme, programme_changed = _write_programme(pillar, row, state)
        goal, goal_state = _write_goal(programme, row, state, actor)
        targets_changed = _write_year_targets(goal, row.year_targets, new=goal_state == CREATED)
        if goal_state == UNCHANGED and (pillar_changed or programme_changed or targets_changed):
            goal_state = UPDATED
        yield goal_state


def plan_import(*, plan: DevelopmentPlan, rows_file: bytes, filename: str, actor: Any = None) -> ImportReport:
    """Create or update the plan's pillars, programmes, goals and yearly targets from the file."""
    return _import(PlanImporter(plan=plan, filename=filename, actor=actor), rows_file, filename, actor)


# Measurements -----------------------------------------------------------------------------------


@dataclass
class MeasurementRow:
    line: int
    goal: Goal
    date: datetime.date
    values: dict[str, Any]


class MeasurementsImporter:
    """Dated measurements of the plan's goals (an Importer of core.importing)."""

    kind = "development-measurements"
    model = Measurement

    def __init__(self, *, plan: DevelopmentPlan, filename: str, actor: Any = None) -> None:
        self.plan, self.filename, self.actor = plan, filename, actor
        self.goals: dict[str, Goal] = {}
        self.low = datetime.date(plan.period_start - YEARS_BEFORE_PERIOD, 1, 1)
        self.high = timezone.localdate()
        self.url = URLValidator(schemes=["http", "https"])
        self.seen: dict[tuple[str, datetime.date], int] = {}

    def options(self) -> dict[str, Any]:
        return {"plan": self.plan.slug}

    def rows(self, stream: IO[bytes]) -> Iterator[tuple[int, Any]]:
        table = read_table(stream.read(), self.filename)
        check_columns(table, required=MEASUREMENT_REQUIRED, optional=MEASUREMENT_OPTIONAL, years=[])
        self.goals = {g.code: g for g in self.plan.goals.all()}
        return _table_rows(table)

    def convert(self, line: int, raw: tuple[dict[str, Any], bool]) -> MeasurementRow:
        cells, overflow = raw
        row = Row(cells)
        if overflow:
            row.problems.append(_("The row has more cells than the header has columns."))
        code = row.text("meta_codigo", max_length=30)
        goal = self.goals.get(code)
        if code and goal is None:
            row.problems.append(_("Unknown goal code «%(code)s» in this plan.") % {"code": code})
        day = row.date("fecha", low=self.low, high=self.high)
        values: dict[str, Any] = {
            "value": row.number("valor", VALUE),
            "source": row.text("fuente", max_length=300),
        }
        if row.has("enlace"):
            link = row.text("enlace", max_length=500, required=False)
            if link:
                try:
                    self.url(link)
                except ValidationError:
                    row.problems.append(_("«%(value)s» in «enlace» is not a web address.") % {"value": link})
            values["source_url"] = link
        if row.has("nota"):
            values["note"] = row.text("nota", max_length=500, required=False)
        if code and day is not None:
            first = self.seen.setdefault((code, day), line)
            if first != line:
                row.problems.append(
                    _("The measurement of «%(code)s» on %(date)s is repeated: it is already on line %(line)d.")
                    % {"code": code, "date": day.isoformat(), "line": first}
                )
        if row.problems or goal is None or day is None:
            raise RowRejected(*row.problems)
        return MeasurementRow(line, goal, day, values)

    def apply(self, items: list[tuple[int, MeasurementRow]]) -> BatchResult:
        return _counted(_measurements_write(self.plan, [item for _line, item in items], self.actor))

    def finish(self, run: ImportRun) -> None:
        pass


def _measurements_write(plan: DevelopmentPlan, parsed: list[MeasurementRow], actor: Any) -> Iterator[str]:
    existing = {(m.goal_id, m.date): m for m in Measurement.objects.filter(goal__plan=plan).select_related("goal")}
    author = actor if getattr(actor, "pk", None) else None
    for row in parsed:
        measurement = existing.get((row.goal.pk, row.date))
        if measurement is None:
            measurement = Measurement(goal=row.goal, date=row.date, created_by=author, **row.values)
            measurement.save()
            history.record(measurement, actor=actor, before=None)
            existing[(row.goal.pk, row.date)] = measurement
            yield CREATED
            continue
        before = history.snapshot(measurement)
        if _apply(measurement, row.values):
            measurement.save()
            history.record(measurement, actor=actor, before=before)
            yield UPDATED
        else:
            yield UNCHANGED


def measurements_import(*, plan: DevelopmentPlan, rows_file: bytes, filename: str, actor: Any = None) -> ImportReport:
    """Create or update dated measurements of the plan's goals from the file."""
    return _import(MeasurementsImporter(plan=plan, filename=filename, actor=actor), rows_file, filename, actor)


# Commands ---------------------------------------------------------------------------------------


def find_plan(slug: str) -> DevelopmentPlan:
    try:
        return DevelopmentPlan.objects.get(slug=slug)
    except DevelopmentPlan.DoesNotExist:
        raise CommandError(_("No development plan has the slug «%(slug)s».") % {"slug": slug}) from None


class PlanImportCommand(ImportCommand):
    """``PLAN_SLUG FILE``: one file into one plan, all or nothing; the report of :class:`ImportReport`."""

    mode = FILE
    many_files = False
    files_help = "a .csv or .xlsx file in the template of docs/gestion-plantilla.md"
    importer_class: type[PlanImporter | MeasurementsImporter]

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("plan_slug", help="slug of the development plan")
        super().add_arguments(parser)

    def importer(self, path: Path, options: dict[str, Any]) -> PlanImporter | MeasurementsImporter:
        return self.importer_class(plan=find_plan(options["plan_slug"]), filename=path.name)

    def report(self, run: ImportRun, importer: Importer[Any]) -> str:
        report = ImportReport(run)
        lines = report.lines()
        if report.ok:
            self.stdout.write(self.style.SUCCESS(lines[0]))
            return ""
        for line in lines[1:]:
            self.stderr.write(line)
        return lines[0]
