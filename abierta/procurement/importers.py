"""Import of a SECOP II "Plan Anual de Adquisiciones" export (xlsx) with the shared import framework.

The export has one sheet, "Adquisiciones" (SECOP II writes it with trailing spaces), an empty first
row, the 19 column names on row 2 and one acquisition per row from row 3. The file does not name the
entity nor the year: the command (or the staff upload form) gives them. Each row becomes a
``PlanLine`` keyed by (plan, row number); docs/decisions/0012-procurement-plans.md gives the mapping
of every column.

openpyxl reads a workbook through ``zipfile``, which needs a seekable file, while the framework hands
a forward-only stream (it counts the bytes for the progress bar): the stream is copied to a spooled
temporary file (in memory up to 8 MB, on disk beyond), then the sheet is read row by row in
``read_only`` mode, so memory stays flat whatever the number of rows.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import re
import shutil
import tempfile
import unicodedata
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from decimal import Decimal, InvalidOperation
from typing import IO, Any
from xml.etree import ElementTree

from django.utils import timezone
from django.utils.translation import gettext as _

from abierta.core.cache import bump_version
from abierta.core.importing import BatchResult, FormatError, RowRejected, rows_capped, xlsx_check
from abierta.core.models import ImportRun, Institution
from abierta.core.numbers import parse_number
from abierta.procurement.models import PlanLine, ProcurementPlan

KIND = "paa"
SHEET = "adquisiciones"
HEADER_ROW = 2
SPOOL_BYTES = 8 * 1024 * 1024
# Rows read from the sheet (blank ones too): a city's plan has a few thousand.
MAX_ROWS = 50_000

# The column names of SECOP II's export, in order (compared without accents, case or extra spaces).
# The first 17 are required; the last two (Ley 2046 de 2020, food purchases) were added in 2021 and
# are read when present but not stored.
COLUMNS = (
    "Código UNSPSC (cada código separado por ;)",
    "Descripción",
    "Fecha estimada de inicio de proceso de selección (mes)",
    "Fecha estimada de presentación de ofertas (mes)",
    "Duración del contrato (número)",
    "Duración del contrato (intervalo: días, meses, años)",
    "Modalidad de selección",
    "Fuente de los recursos",
    "Valor total estimado",
    "Valor estimado en la vigencia actual",
    "¿Se requieren vigencias futuras?",
    "Estado de solicitud de vigencias futuras",
    "Unidad de contratación (referencia)",
    "Ubicación",
    "Nombre del responsable",
    "Teléfono del responsable",
    "Correo electrónico del responsable",
)
REQUIRED_COLUMNS = len(COLUMNS)

MONTHS = {
    "enero": 1,
    "febrero": 2,
    "marzo": 3,
    "abril": 4,
    "mayo": 5,
    "junio": 6,
    "julio": 7,
    "agosto": 8,
    "septiembre": 9,
    "setiembre": 9,
    "octubre": 10,
    "noviembre": 11,
    "diciembre": 12,
}

# Duration units as stored (codes; the pages translate them).
DAYS, WEEKS, MONTHS_UNIT, YEARS = "days", "weeks", "months", "years"
UNITS = {
    "dia": DAYS,
    "dias": DAYS,
    "semana": WEEKS,
    "semanas": WEEKS,
    "mes": MONTHS_UNIT,
    "meses": MONTHS_UNIT,
    "ano": YEARS,
    "anos": YEARS,
}

# SECOP II writes the same modality in several ways (a final point, a misplaced accent, spaces);
# they are stored under one name so that filters and totals group them.
MODALITIES = {
    "contratacion directa": "Contratación directa",
    "contratacion directa (con ofertas)": "Contratación directa (con ofertas)",
    "minima cuantia": "Mínima cuantía",
    "contratacion regimen especial": "Contratación régimen especial",
    "contratacion regimen especial (con ofertas)": "Contratación régimen especial (con ofertas)",
    "seleccion abreviada subasta inversa": "Selección abreviada subasta inversa",
    "seleccion abreviada - acuerdo marco": "Selección abreviada - acuerdo marco",
    "seleccion abreviada acuerdo marco": "Selección abreviada - acuerdo marco",
    "seleccion abreviada menor cuantia": "Selección abreviada de menor cuantía",
    "seleccion abreviada de menor cuantia": "Selección abreviada de menor cuantía",
    "seleccion abreviada de menor cuantia sin manifestacion de interes": (
        "Selección abreviada de menor cuantía sin manifestación de interés"
    ),
    "licitacion publica": "Licitación pública",
    "licitacion publica obra publica": "Licitación pública obra pública",
    "licitacion obra publica": "Licitación pública obra pública",
    "concurso de meritos abierto": "Concurso de méritos abierto",
    "concurso de meritos con precalificacion": "Concurso de méritos con precalificación",
    "enajenacion de bienes con subasta": "Enajenación de bienes con subasta",
    "enajenacion de bienes con sobre cerrado": "Enajenación de bienes con sobre cerrado",
}

YES = {"si", "s", "yes", "true", "1"}
NO = {"no", "n", "false", "0", ""}
EMPTY = {"", "na", "n/a", "-", "no aplica", "null", "none"}
MAX_VALUE = Decimal("1e17")  # the columns hold 18 digits before the point

_SPACES = re.compile(r"\s+")
_CODE = re.compile(r"^\d{8}$")


def plain(text: str) -> str:
    """Lower case, no accents, spaces collapsed: the form in which names are compared."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _SPACES.sub(" ", stripped).strip()


def clean_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return _SPACES.sub(" ", str(value)).strip()


def normalize_nit(value: str) -> str:
    """ "890.480.184-1" -> "890480184": digits only, without the check digit after a dash."""
    text = str(value).strip()
    if "-" in text:
        text = text.split("-", 1)[0]
    return re.sub(r"\D", "", text)


def parse_codes(value: Any) -> str:
    """ "80111607;80111604" -> the same, deduplicated. An empty cell is allowed (SECOP II accepts lines
    without a code; they cannot be searched by code nor matched to contracts). Every code is kept."""
    text = clean_text(value)
    codes = [c.strip() for c in re.split(r"[;,\s]+", text) if c.strip()]
    for code in codes:
        if not _CODE.match(code):
            raise RowRejected(_("Invalid UNSPSC code: «%(code)s» (8 digits expected).") % {"code": code})
    return ";".join(dict.fromkeys(codes))


def parse_month(value: Any, column: str) -> int | None:
    if value is None:
        return None
    if isinstance(value, datetime.datetime | datetime.date):
        return value.month
    if isinstance(value, int | float) and not isinstance(value, bool):
        number = int(value)
        if number == value and 1 <= number <= 12:
            return number
        raise RowRejected(_("%(column)s: «%(value)s» is not a month.") % {"column": column, "value": value})
    text = plain(str(value))
    if text in EMPTY:
        return None
    if text.isdigit() and 1 <= int(text) <= 12:
        return int(text)
    if text in MONTHS:
        return MONTHS[text]
    raise RowRejected(
        _("%(column)s: «%(value)s» is not a month (Enero … Diciembre expected).")
        % {"column": column, "value": clean_text(value)}
    )


def parse_decimal(value: Any, column: str, *, required: bool) -> Decimal | None:
    """A value in pesos, as Excel stores it or as people type it (``abierta.core.numbers``)."""
    if value is None or (isinstance(value, str) and plain(value) in EMPTY):
        if required:
            raise RowRejected(_("The %(column)s is missing.") % {"column": column.lower()})
        return None
    if isinstance(value, bool):
        raise RowRejected(_("%(column)s: «%(value)s» is not a value.") % {"column": column, "value": value})
    number = parse_number(value, money=True)
    if number is None:
        raise RowRejected(
            _("%(column)s: «%(value)s» is not a value in pesos.") % {"column": column, "value": clean_text(value)}
        )
    if number < 0:
        raise RowRejected(
            _("%(column)s: the value cannot be negative (%(value)s).") % {"column": column, "value": clean_text(value)}
        )
    if number >= MAX_VALUE:
        raise RowRejected(
            _("%(column)s: the value %(value)s is too large.") % {"column": column, "value": clean_text(value)}
        )
    return number.quantize(Decimal("0.01"))


def parse_duration(number: Any, unit: Any) -> tuple[int | None, str]:
    unit_text = plain(clean_text(unit))
    if number is None or (isinstance(number, str) and plain(number) in EMPTY):
        return None, UNITS.get(unit_text, "")
    try:
        value = Decimal(str(number).strip().replace(",", "."))
    except InvalidOperation:
        raise RowRejected(
            _("Contract duration: «%(value)s» is not a number.") % {"value": clean_text(number)}
        ) from None
    if not value.is_finite() or value < 0 or value != value.to_integral_value():
        raise RowRejected(_("Contract duration: «%(value)s» is not a whole number.") % {"value": clean_text(number)})
    if unit_text not in UNITS:
        raise RowRejected(
            _("Contract duration: the unit «%(unit)s» is not known (days, months or years expected).")
            % {"unit": clean_text(unit)}
        )
    if value > 100_000:
        raise RowRejected(_("Contract duration: %(value)s is too long.") % {"value": clean_text(number)})
    return int(value), UNITS[unit_text]


def parse_yes_no(value: Any, column: str) -> bool:
    if isinstance(value, bool):
        return value
    text = plain(clean_text(value))
    if text in YES:
        return True
    if text in NO:
        return False
    raise RowRejected(
        _("%(column)s: «%(value)s» is neither Sí nor No.") % {"column": column, "value": clean_text(value)}
    )


def modality_name(value: Any) -> str:
    text = clean_text(value).rstrip(".").strip()
    return MODALITIES.get(plain(text), text)


def optional_text(value: Any) -> str:
    text = clean_text(value)
    return "" if plain(text) in EMPTY else text


def limited(value: str, limit: int, column: str) -> str:
    if len(value) > limit:
        raise RowRejected(
            _("%(column)s: it has %(length)d characters; at most %(limit)d fit.")
            % {"column": column, "length": len(value), "limit": limit}
        )
    return value


@dataclass(frozen=True)
class LineData:
    """What one row stores; its hash tells an unchanged row from an updated one."""

    unspsc_codes: str
    description: str
    start_month: int | None
    offer_month: int | None
    duration: int | None
    duration_unit: str
    modality: str
    funding_source: str
    total_value: Decimal
    current_year_value: Decimal | None
    future_funds: bool
    future_funds_status: str
    unit: str
    location: str
    responsible_name: str
    responsible_phone: str
    responsible_email: str

    def digest(self) -> str:
        body = json.dumps(asdict(self), sort_keys=True, default=str, ensure_ascii=False)
        return hashlib.sha256(body.encode()).hexdigest()


FIELDS = list(LineData.__dataclass_fields__)


def convert_row(raw: tuple[Any, ...]) -> LineData:
    cells = list(raw) + [None] * (REQUIRED_COLUMNS - len(raw))
    description = clean_text(cells[1])
    if not description:
        raise RowRejected(_("The description is missing."))
    duration, unit = parse_duration(cells[4], cells[5])
    return LineData(
        unspsc_codes=parse_codes(cells[0]),
        description=description,
        start_month=parse_month(cells[2], "Mes estimado de inicio"),
        offer_month=parse_month(cells[3], "Mes estimado de presentación de ofertas"),
        duration=duration,
        duration_unit=unit,
        modality=limited(modality_name(cells[6]), 160, "Modalidad de selección"),
        funding_source=limited(clean_text(cells[7]), 200, "Fuente de los recursos"),
        total_value=parse_decimal(cells[8], "Valor total estimado", required=True) or Decimal(0),
        current_year_value=parse_decimal(cells[9], "Valor estimado en la vigencia actual", required=False),
        future_funds=parse_yes_no(cells[10], "¿Se requieren vigencias futuras?"),
        future_funds_status=limited(optional_text(cells[11]), 100, "Estado de solicitud de vigencias futuras"),
        unit=limited(clean_text(cells[12]), 300, "Unidad de contratación"),
        location=limited(clean_text(cells[13]), 300, "Ubicación"),
        responsible_name=limited(clean_text(cells[14]), 200, "Nombre del responsable"),
        responsible_phone=limited(clean_text(cells[15]), 60, "Teléfono del responsable"),
        responsible_email=limited(clean_text(cells[16]), 200, "Correo electrónico del responsable"),
    )


def _find_sheet(names: list[str]) -> str:
    for name in names:
        if plain(name) == SHEET:
            return name
    shown = ", ".join(f"«{n}»" for n in names) or _("none")
    raise FormatError(
        _("the workbook has no sheet «Adquisiciones» of the SECOP II PAA export (sheets: %(sheets)s).")
        % {"sheets": shown}
    )


def _check_header(header: tuple[Any, ...] | None) -> None:
    cells = [plain(clean_text(c)) for c in (header or ())]
    for i, expected in enumerate(COLUMNS):
        found = cells[i] if i < len(cells) else ""
        if found != plain(expected):
            shown = clean_text(header[i]) if header is not None and i < len(header) else ""
            raise FormatError(
                _(
                    "row %(row)d does not have the headers of the SECOP II PAA: in column %(column)d "
                    "«%(expected)s» was expected and it says «%(shown)s»."
                )
                % {"row": HEADER_ROW, "column": i + 1, "expected": expected, "shown": shown}
            )


def _guarded(rows: Iterator[tuple[int, tuple[Any, ...]]]) -> Iterator[tuple[int, tuple[Any, ...]]]:
    """A damaged sheet (cut file, broken XML) stops the import like a wrong format, keeping what was
    committed before it."""
    while True:
        try:
            item = next(rows)
        except StopIteration:
            return
        except (zipfile.BadZipFile, zlib.error, EOFError, KeyError, ValueError, ElementTree.ParseError):
            raise FormatError(_("the Excel workbook is damaged and cannot be read completely.")) from None
        yield item


class PaaImporter:
    """One entity's PAA for one year; see the module docstring."""

    kind = KIND
    model = PlanLine

    def __init__(
        self,
        *,
        entity_name: str,
        entity_nit: str,
        year: int,
        office: Institution | None = None,
        source_file: str = "",
        match: bool = True,
    ) -> None:
        self.entity_name = clean_text(entity_name)
        self.entity_nit = normalize_nit(entity_nit)
        self.year = year
        self.office = office
        self.source_file = source_file
        self.match = match
        self.plan_id: int | None = None
        # Every line the file has (accepted or not): lines of a previous import not among them are removed.
        self.lines_seen: set[int] = set()
        self.deleted = 0

    def options(self) -> dict[str, Any]:
        return {
            "entidad": self.entity_name,
            "nit": self.entity_nit,
            "year": self.year,
            "office": self.office.slug if self.office else "",
        }

    def rows(self, stream: IO[bytes]) -> Iterator[tuple[int, Any]]:
        import openpyxl
        from openpyxl.utils.exceptions import InvalidFileException

        with tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES) as copy:
            shutil.copyfileobj(stream, copy, 1 << 16)
            copy.seek(0)
            xlsx_check(copy)
            try:
                book = openpyxl.load_workbook(copy, read_only=True, data_only=True)
            except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError):
                raise FormatError(_("the file is not an Excel workbook (.xlsx).")) from None
            try:
                sheet = book[_find_sheet(book.sheetnames)]
                # Only the export's columns are read, and the sheet's declared dimension (which may say
                # XFD1048576) pads no row; every row read counts against MAX_ROWS, blank ones too.
                sheet.reset_dimensions()
                rows = rows_capped(sheet.iter_rows(min_row=1, max_col=len(COLUMNS), values_only=True), MAX_ROWS)
                header: tuple[Any, ...] | None = None
                for number, row in _guarded(enumerate(rows, start=1)):
                    if number == HEADER_ROW:
                        header = row
                        break
                _check_header(header)
                for number, row in _guarded(enumerate(rows, start=HEADER_ROW + 1)):
                    if all(c is None or (isinstance(c, str) and not c.strip()) for c in row):
                        continue  # an empty row (Excel keeps formatted empty rows): not an acquisition
                    self.lines_seen.add(number)
                    yield number, row
            finally:
                book.close()

    def convert(self, line: int, raw: Any) -> LineData:
        return convert_row(raw)

    def _plan(self) -> ProcurementPlan:
        if self.plan_id is not None:
            found = ProcurementPlan.objects.filter(pk=self.plan_id).first()
            if found is not None:
                return found
        plan = ProcurementPlan.objects.filter(entity_name=self.entity_name, year=self.year).first()
        if plan is None:
            plan = ProcurementPlan(
                entity_name=self.entity_name,
                entity_nit=self.entity_nit,
                year=self.year,
                office=self.office,
                source_file=self.source_file[:300],
                imported_at=timezone.now(),
            )
            ProcurementPlan.objects.bulk_create([plan])
            if plan.pk is None:  # databases that do not return keys from bulk inserts
                plan = ProcurementPlan.objects.get(entity_name=self.entity_name, year=self.year)
        else:
            changes: dict[str, Any] = {"imported_at": timezone.now()}
            if self.entity_nit and plan.entity_nit != self.entity_nit:
                changes["entity_nit"] = self.entity_nit
            if self.office is not None and plan.office_id != self.office.pk:
                changes["office"] = self.office
            if self.source_file:
                changes["source_file"] = self.source_file[:300]
            ProcurementPlan.objects.filter(pk=plan.pk).update(**changes)
        self.plan_id = plan.pk
        return plan

    def apply(self, items: list[tuple[int, LineData]]) -> BatchResult:
        plan = self._plan()
        result = BatchResult()
        existing = {
            line: (pk, row_hash)
            for line, pk, row_hash in PlanLine.objects.filter(plan=plan, line__in=[n for n, _d in items]).values_list(
                "line", "pk", "row_hash"
            )
        }
        new: list[PlanLine] = []
        changed: list[PlanLine] = []
        for number, data in items:
            digest = data.digest()
            line = PlanLine(plan=plan, line=number, row_hash=digest, **asdict(data))
            if number not in existing:
                new.append(line)
            elif existing[number][1] != digest:
                line.pk = existing[number][0]
                changed.append(line)
            else:
                result.unchanged += 1
        PlanLine.objects.bulk_create(new)
        if changed:
            PlanLine.objects.bulk_update(changed, [*FIELDS, "row_hash"])
        result.created, result.updated = len(new), len(changed)
        return result

    def finish(self, run: ImportRun) -> None:
        plan = self.plan_id and ProcurementPlan.objects.filter(pk=self.plan_id).first()
        if not plan:
            plan = ProcurementPlan.objects.filter(entity_name=self.entity_name, year=self.year).first()
        if plan is None:
            return
        rejected = set(run.rejections.values_list("line", flat=True))
        keep = self.lines_seen - rejected
        stale = [n for n in PlanLine.objects.filter(plan=plan).values_list("line", flat=True) if n not in keep]
        for start in range(0, len(stale), 500):
            _total, by_model = PlanLine.objects.filter(plan=plan, line__in=stale[start : start + 500]).delete()
            self.deleted += by_model.get(PlanLine._meta.label, 0)
        if self.deleted:
            bump_version(sender=PlanLine)
        if self.match:
            from abierta.procurement.services import plan_match_contracts

            plan_match_contracts(plan=plan)
