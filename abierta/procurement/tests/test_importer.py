"""The PAA importer: real SECOP II exports, idempotence, malformed rows, wrong files, resuming."""

from __future__ import annotations

import io
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from django.core.management import CommandError, call_command

from abierta.core.importing import run_import
from abierta.core.models import ImportRun, Institution
from abierta.core.tests.factories import xlsx_with_blank_rows, xlsx_with_padding, xlsx_with_row_at
from abierta.procurement import importers
from abierta.procurement.importers import MONTHS_UNIT, PaaImporter, parse_decimal
from abierta.procurement.models import PlanLine, ProcurementPlan
from abierta.procurement.tests.helpers import make_paa, paa_row
from factories import SHARED_DATA, needs_shared_data

pytestmark = pytest.mark.django_db

DATA = SHARED_DATA / "secop" / "paa"
REAL = sorted(DATA.glob("AdquisicionesPAA_*.xlsx"))
real_files = needs_shared_data("secop", "paa")


def importer(**kwargs: Any) -> PaaImporter:
    defaults: dict[str, Any] = {"entity_name": "Alcaldía de Cartagena", "entity_nit": "890480184", "year": 2024}
    defaults.update(kwargs)
    return PaaImporter(**defaults)


def data_rows(path: Path) -> int:
    """Non-empty rows below the header, counted independently of the importer."""
    book = openpyxl.load_workbook(path, read_only=True)
    sheet = book.worksheets[0]
    n = sum(
        1 for row in sheet.iter_rows(min_row=3, values_only=True) if any(c is not None and str(c).strip() for c in row)
    )
    book.close()
    return n


def cut(path: Path) -> Path:
    """The first half of the file, as after an interrupted download."""
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    return path


@pytest.mark.slow
@real_files
def test_real_files_are_there() -> None:
    assert len(REAL) == 4, REAL


def entity_map() -> dict[str, tuple[str, str]]:
    """paa.xlsx: file name -> (entity, NIT); "NULL" when SECOP has no NIT."""
    book = openpyxl.load_workbook(DATA / "paa.xlsx", read_only=True)
    rows = list(book.worksheets[0].iter_rows(min_row=2, values_only=True))
    book.close()
    return {str(f): (str(e), "" if n in (None, "NULL") else str(n)) for f, e, n, _d in rows}


@pytest.mark.slow
@real_files
@pytest.mark.parametrize("path", REAL, ids=[p.name[:22] for p in REAL])
def test_real_file_imports_every_row_and_twice_changes_nothing(path: Path) -> None:
    entity, nit = entity_map()[path.name]
    expected = data_rows(path)
    run = run_import(importer(entity_name=entity, entity_nit=nit, year=2023), path, progress=False)
    assert run.status == ImportRun.Status.FINISHED, run.message
    assert run.read == expected
    assert run.created + run.updated + run.unchanged + run.rejected == run.read
    assert run.rejected == 0, list(run.rejections.values_list("line", "reason"))
    plan = ProcurementPlan.objects.get(entity_name=entity, year=2023)
    assert plan.entity_nit == nit
    assert plan.lines.count() == run.created == expected
    again = run_import(importer(entity_name=entity, entity_nit=nit, year=2023), path, progress=False)
    assert (again.read, again.created, again.updated, again.unchanged) == (expected, 0, 0, expected)
    assert plan.lines.count() == expected


@pytest.mark.slow
@real_files
def test_largest_real_file_mapping() -> None:
    path = next(p for p in REAL if "305351" in p.name)
    run = run_import(importer(entity_name="AGENCIA NACIONAL DE TIERRAS", entity_nit="900948953"), path, progress=False)
    assert run.read == 6263
    first = PlanLine.objects.get(line=3)
    assert first.unspsc_codes == "80111600"
    assert first.description.startswith("20-PS-258937 Prestación de servicios de apoyo")
    assert (first.start_month, first.offer_month) == (1, 8)
    assert (first.duration, first.duration_unit) == (5, MONTHS_UNIT)
    assert first.modality == "Contratación directa"  # "Contratación directa." in the file
    assert first.funding_source == "Presupuesto de entidad nacional"
    assert first.total_value == first.current_year_value == Decimal("20500000")
    assert first.future_funds is False and first.future_funds_status == ""
    assert first.location == "Distrito Capital de Bogotá - Bogotá"
    assert first.responsible_email == "contratos@agenciadetierras.gov.co"
    second = PlanLine.objects.get(line=4)
    assert (second.duration, second.duration_unit) == (150, "days")
    # Six lines need future-year funds, all "Aprobadas".
    assert set(PlanLine.objects.filter(future_funds=True).values_list("future_funds_status", flat=True)) == {
        "Aprobadas"
    }
    assert PlanLine.objects.filter(future_funds=True).count() == 6


@pytest.mark.slow
@real_files
def test_cartagena_lines_and_long_code_lists() -> None:
    path = next(p for p in REAL if "300498" in p.name)
    run_import(importer(), path, progress=False)
    book = openpyxl.load_workbook(path, read_only=True)
    in_file = sum(
        1 for r in book.worksheets[0].iter_rows(min_row=3, values_only=True) if r[13] == "Bolívar - Cartagena"
    )
    book.close()
    assert in_file > 50
    assert PlanLine.objects.filter(location="Bolívar - Cartagena").count() == in_file
    # Line 327 lists 61 codes: every one is kept.
    long = PlanLine.objects.get(line=327)
    assert len(long.unspsc_codes.split(";")) == 61
    assert PlanLine.objects.get(line=5).modality == "Contratación directa (con ofertas)"


@pytest.mark.slow
@real_files
def test_lines_without_code_are_kept() -> None:
    path = next(p for p in REAL if "304716" in p.name)
    run_import(importer(), path, progress=False)
    line = PlanLine.objects.get(line=24)
    assert line.unspsc_codes == ""
    assert line.description == "Licenciamiento Servicios Microsoft"
    assert line.modality == "Contratación régimen especial (con ofertas)"
    assert line.total_value == Decimal("330733284")
    sure = PlanLine.objects.get(line=3)
    assert sure.modality == "Selección abreviada - acuerdo marco"  # "Seléccion abreviada - acuerdo marco"


def test_malformed_rows_are_rejected_with_line_and_reason(tmp_path: Path) -> None:
    path = make_paa(
        tmp_path / "paa.xlsx",
        [
            paa_row(),  # 3: fine
            paa_row(c0="7214100"),  # 4: code of 7 digits
            paa_row(c1="  "),  # 5: no description
            paa_row(c2="Marzi"),  # 6: not a month
            paa_row(c8=None),  # 7: no value
            paa_row(c8="mil pesos"),  # 8: not a number
            paa_row(c4="2,5"),  # 9: not a whole duration
            paa_row(c5="Quincenas"),  # 10: unknown unit
            paa_row(c10="Tal vez"),  # 11: neither yes nor no
            paa_row(c9=-5),  # 12: negative
            [None] * 19,  # 13: empty row, skipped
            paa_row(c8="$ 1.234.567", c9="1.234.567,50", c2="diciembre", c10="Sí", c11="Aprobadas", c5="Años"),  # 14
        ],
    )
    run = run_import(importer(), path, progress=False)
    assert run.status == ImportRun.Status.FINISHED
    assert (run.read, run.created, run.rejected) == (11, 2, 9)
    reasons = dict(run.rejections.values_list("line", "reason"))
    assert reasons == {
        4: "Código UNSPSC no válido: «7214100» (se esperan 8 dígitos).",
        5: "Falta la descripción.",
        6: "Mes estimado de inicio: «Marzi» no es un mes (se espera Enero … Diciembre).",
        7: "Falta el valor total estimado.",
        8: "Valor total estimado: «mil pesos» no es un valor en pesos.",
        9: "Duración del contrato: «2,5» no es un número entero.",
        10: "Duración del contrato: la unidad «Quincenas» no se reconoce (se espera días, meses o años).",
        11: "¿Se requieren vigencias futuras?: «Tal vez» no es Sí ni No.",
        12: "Valor estimado en la vigencia actual: el valor no puede ser negativo (-5).",
    }
    typed = PlanLine.objects.get(line=14)
    assert typed.total_value == Decimal("1234567")
    assert typed.current_year_value == Decimal("1234567.50")
    assert typed.start_month == 12
    assert typed.duration_unit == "years"
    assert typed.future_funds is True and typed.future_funds_status == "Aprobadas"
    plan = ProcurementPlan.objects.get()
    assert (plan.entity_name, plan.entity_nit, plan.year) == ("Alcaldía de Cartagena", "890480184", 2024)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("89662254", Decimal("89662254")),
        ("$ 89.662.254", Decimal("89662254")),
        ("89,662,254.00", Decimal("89662254")),
        ("89.662.254,75", Decimal("89662254.75")),
        ("1.500", Decimal("1500")),
        ("1500,5", Decimal("1500.5")),
        (20500000.0, Decimal("20500000")),
        (12, Decimal("12")),
    ],
)
def test_values_as_numbers_or_text(text: Any, expected: Decimal) -> None:
    assert parse_decimal(text, "Valor", required=True) == expected


def test_changed_row_is_updated_and_removed_row_deleted(tmp_path: Path) -> None:
    first = make_paa(tmp_path / "v1.xlsx", [paa_row(), paa_row(c1="Interventoría de la pavimentación"), paa_row()])
    run_import(importer(), first, progress=False)
    assert PlanLine.objects.count() == 3
    second = make_paa(tmp_path / "v2.xlsx", [paa_row(), paa_row(c1="Interventoría técnica de la pavimentación")])
    imp = importer()
    run = run_import(imp, second, progress=False)
    assert (run.read, run.created, run.updated, run.unchanged) == (2, 0, 1, 1)
    assert imp.deleted == 1
    assert sorted(PlanLine.objects.values_list("line", flat=True)) == [3, 4]
    assert PlanLine.objects.get(line=4).description == "Interventoría técnica de la pavimentación"


def test_resumes_after_the_last_committed_batch(tmp_path: Path) -> None:
    path = make_paa(tmp_path / "paa.xlsx", [paa_row(c1=f"Compra número {i}") for i in range(25)])

    class Killed(Exception):
        pass

    class Dying(PaaImporter):
        batches = 0

        def apply(self, items: list[tuple[int, Any]]) -> Any:
            self.batches += 1
            if self.batches == 3:
                raise Killed
            return super().apply(items)

    with pytest.raises(Killed):
        run_import(Dying(entity_name="X", entity_nit="1", year=2024), path, batch_size=10, progress=False)
    run = ImportRun.objects.get()
    assert (run.status, run.committed_line, run.read) == (ImportRun.Status.RUNNING, 22, 20)
    assert PlanLine.objects.count() == 20
    resumed = run_import(importer(entity_name="X", entity_nit="1"), path, batch_size=10, progress=False)
    assert resumed.pk == run.pk
    assert (resumed.status, resumed.read, resumed.created) == (ImportRun.Status.FINISHED, 25, 25)
    assert PlanLine.objects.count() == 25


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda p: p.write_bytes(b"codigo;descripcion\n1;2\n") and p, "no es un libro de Excel"),
        (lambda p: make_paa(p, [paa_row()], sheet="Hoja1"), "no tiene la hoja «Adquisiciones»"),
        (lambda p: make_paa(p, [paa_row()], header=["Código", "Descripción"]), "no tiene los encabezados"),
        (lambda p: make_paa(p, [paa_row()], header=[]), "no tiene los encabezados"),
        (lambda p: cut(make_paa(p, [paa_row()] * 50)), "no es un libro de Excel"),
    ],
    ids=["csv", "sheet", "header", "no-header", "cut"],
)
def test_wrong_file_stops_and_writes_nothing(tmp_path: Path, build: Any, message: str) -> None:
    path = build(tmp_path / "archivo.xlsx")
    run = run_import(importer(), path, progress=False)
    assert run.status == ImportRun.Status.FAILED
    assert message in run.message
    assert run.read == 0
    assert not ProcurementPlan.objects.exists()
    assert not PlanLine.objects.exists()


@pytest.mark.slow
@real_files
def test_paa_mapping_file_is_refused() -> None:
    run = run_import(importer(), DATA / "paa.xlsx", progress=False)
    assert run.status == ImportRun.Status.FAILED
    assert "«Sheet1»" in run.message


def test_command_reports_and_sets_office(tmp_path: Path) -> None:
    office = Institution.objects.create(name="Secretaría de Infraestructura", slug="infraestructura")
    path = make_paa(tmp_path / "paa.xlsx", [paa_row(), paa_row(c0="abc")])
    out = io.StringIO()
    call_command(
        "import_paa",
        str(path),
        "--entidad",
        "Alcaldía de Cartagena",
        "--nit",
        "890.480.184-1",
        "--year",
        "2024",
        "--office",
        "infraestructura",
        stdout=out,
        stderr=io.StringIO(),
    )
    text = out.getvalue()
    assert "2 filas leídas, 1 creadas, 0 actualizadas, 0 sin cambios, 1 rechazadas" in text
    assert "línea 4: Código UNSPSC no válido: «abc»" in text
    plan = ProcurementPlan.objects.get()
    assert plan.office == office and plan.entity_nit == "890480184"


def test_command_refuses_wrong_file_and_unknown_office(tmp_path: Path) -> None:
    bad = tmp_path / "x.xlsx"
    bad.write_text("no")
    with pytest.raises(CommandError, match="no es una exportación del PAA"):
        call_command("import_paa", str(bad), "--entidad", "X", "--year", "2024", stdout=io.StringIO())
    good = make_paa(tmp_path / "paa.xlsx", [paa_row()])
    with pytest.raises(CommandError, match="No existe la dependencia"):
        call_command("import_paa", str(good), "--entidad", "X", "--year", "2024", "--office", "nada")
    assert not PlanLine.objects.exists()


def test_damaged_sheet_stops_keeping_committed_batches(tmp_path: Path) -> None:
    import zipfile

    good = make_paa(tmp_path / "bien.xlsx", [paa_row(c1=f"Compra {i}") for i in range(40)])
    broken = tmp_path / "dañado.xlsx"
    with zipfile.ZipFile(good) as source, zipfile.ZipFile(broken, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data[: int(len(data) * 0.7)]  # the XML ends in the middle of a row
            target.writestr(item, data)
    run = run_import(importer(), broken, batch_size=10, progress=False)
    assert run.status == ImportRun.Status.FAILED
    assert "dañado" in run.message
    assert run.committed_line > 0 and run.committed_line % 10 == 2  # whole batches only
    assert PlanLine.objects.count() == run.read == run.committed_line - 2


def test_blank_rows_count_against_the_maximum(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Security review S5: blank rows were read without limit (1 M of them took 64 s)."""
    monkeypatch.setattr(importers, "MAX_ROWS", 40)
    path = make_paa(tmp_path / "paa.xlsx", [paa_row(), paa_row()])
    path.write_bytes(xlsx_with_blank_rows(path.read_bytes(), 100))
    run = run_import(importer(), path, progress=False)
    assert run.status == ImportRun.Status.FAILED
    assert "40 filas" in run.message and "vacías" in run.message
    assert not PlanLine.objects.exists()


def test_a_sheet_that_declares_a_million_rows_or_columns_is_refused_quickly(tmp_path: Path) -> None:
    path = make_paa(tmp_path / "paa.xlsx", [paa_row()])
    path.write_bytes(xlsx_with_row_at(path.read_bytes(), 1_048_576))
    started = time.monotonic()
    run = run_import(importer(), path, progress=False)
    assert time.monotonic() - started < 10
    assert run.status == ImportRun.Status.FAILED and "filas" in run.message


def test_a_workbook_that_unzips_to_far_more_than_it_weighs_is_refused(tmp_path: Path) -> None:
    path = make_paa(tmp_path / "paa.xlsx", [paa_row()])
    path.write_bytes(xlsx_with_padding(path.read_bytes(), 5 * 1024 * 1024))
    run = run_import(importer(), path, progress=False)
    assert run.status == ImportRun.Status.FAILED and "MB" in run.message
    assert not PlanLine.objects.exists()
