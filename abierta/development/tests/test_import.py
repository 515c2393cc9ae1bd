"""Importing and exporting a development plan and its measurements (CSV and XLSX)."""

from __future__ import annotations

import datetime
import io
import time
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation
from openpyxl import Workbook, load_workbook

from abierta.core.importing import FormatError
from abierta.core.models import ChangeRecord, Institution
from abierta.core.numbers import parse_number
from abierta.core.tests.factories import xlsx_with_blank_rows, xlsx_with_padding, xlsx_with_row_at
from abierta.development import importers
from abierta.development.exporter import measurements_export, plan_export
from abierta.development.importers import ImportReport, measurements_import, plan_import
from abierta.development.models import DevelopmentPlan, Goal, Measurement, Pillar, Programme, YearTarget

pytestmark = pytest.mark.django_db

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "plantilla-plan-desarrollo.csv"
HEADER = (
    "pilar_codigo,pilar_nombre,pilar_peso,programa_codigo,programa_nombre,programa_peso,meta_codigo,meta_nombre,"
    "indicador,unidad,sentido,tipo,linea_base,anio_linea_base,meta_cuatrienio,meta_2024,meta_2025,meta_2026,"
    "meta_2027,dependencia,presupuesto,peso"
)
GOOD = "1,Pilar uno,1,1.1,Programa,1,{code},Meta {code},Indicador,%,aumentar,punto,10,2023,20,12,14,16,20,planeacion,,1"


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    """The messages are checked in their source language; the catalog translates them."""
    with translation.override("en"):
        yield


@pytest.fixture
def plan(db: None) -> DevelopmentPlan:
    for slug, name in [
        ("transparencia", "Grupo Asesor de Transparencia y Anticorrupción"),
        ("planeacion", "Secretaría de Planeación"),
        ("participacion", "Secretaría de Participación y Desarrollo Social"),
    ]:
        Institution.objects.create(slug=slug, name=name)
    return DevelopmentPlan.objects.create(
        slug="pd-2024-2027", title="Plan de Desarrollo", jurisdiction="Cartagena", period_start=2024, period_end=2027
    )


def csv_bytes(*lines: str, bom: bool = False) -> bytes:
    return (("\ufeff" if bom else "") + "\n".join(lines) + "\n").encode("utf-8")


def xlsx_bytes(rows: list[list[Any]]) -> bytes:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def counts(report: ImportReport) -> tuple[int, int, int, int, int]:
    return report.read, report.created, report.updated, report.unchanged, report.rejected


def database() -> tuple[int, ...]:
    models: list[Any] = [Pillar, Programme, Goal, YearTarget, Measurement, ChangeRecord]
    return tuple(m.objects.count() for m in models)


def import_fixture(plan: DevelopmentPlan) -> ImportReport:
    return plan_import(plan=plan, rows_file=FIXTURE.read_bytes(), filename=FIXTURE.name)


# The sample file, idempotency, round trips ----------------------------------------------------------


def test_sample_file_imports_cleanly(plan: DevelopmentPlan) -> None:
    report = import_fixture(plan)
    assert report.ok, report.lines()
    assert counts(report) == (3, 3, 0, 0, 0)
    assert (Pillar.objects.count(), Programme.objects.count(), Goal.objects.count()) == (2, 2, 3)
    data = Goal.objects.get(code="1.1.1")
    assert data.accumulation == Goal.Accumulation.CUMULATIVE
    assert data.budget == Decimal("1250000000.00")  # Colombian format
    assert data.weight == Decimal(2)
    assert data.responsible.slug == "transparencia"
    assert data.plan == plan
    assert [(t.year, t.target) for t in data.year_targets.all()] == [
        (y, Decimal(t)) for y, t in [(2024, 10), (2025, 20), (2026, 20), (2027, 10)]
    ]
    response_time = Goal.objects.get(code="1.1.2")
    assert response_time.direction == Goal.Direction.DECREASE
    assert response_time.budget == Decimal(350000000)
    participation = Goal.objects.get(code="2.1.1")
    assert participation.baseline == Decimal("3.5")  # decimal comma
    assert participation.budget is None
    assert participation.year_targets.get(year=2026).target == Decimal("6.5")
    assert ChangeRecord.objects.filter(action=ChangeRecord.Action.CREATED).count() == 3


def test_second_import_changes_nothing_and_writes_no_history(plan: DevelopmentPlan) -> None:
    import_fixture(plan)
    before = database()
    report = import_fixture(plan)
    assert report.ok
    assert counts(report) == (3, 0, 0, 3, 0)
    assert database() == before


def test_a_real_change_updates_and_records_only_that(plan: DevelopmentPlan) -> None:
    import_fixture(plan)
    text = FIXTURE.read_text(encoding="utf-8").replace(
        "días hábiles,disminuir,punto,18,2023,10", "días hábiles,disminuir,punto,18,2023,9"
    )
    records = ChangeRecord.objects.count()
    report = plan_import(plan=plan, rows_file=text.encode(), filename="plan.csv")
    assert counts(report) == (3, 0, 1, 2, 0)
    assert Goal.objects.get(code="1.1.2").target == 9
    assert ChangeRecord.objects.count() == records + 1
    change = ChangeRecord.objects.latest("pk")
    assert change.action == ChangeRecord.Action.UPDATED
    assert change.changes == {"target": ["10.0000", "9.0000"]}


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_export_then_import_round_trips_unchanged(plan: DevelopmentPlan, fmt: str) -> None:
    import_fixture(plan)
    Goal.objects.filter(code="1.1.1").update(
        title='=HYPERLINK("x") -a formula-looking title', baseline=Decimal("-1.25")
    )
    measurements_import(
        plan=plan,
        rows_file=csv_bytes(
            "meta_codigo,fecha,valor,fuente,enlace,nota",
            "1.1.1,2024-06-30,14,Portal de datos,https://datos.example.org,",
            "1.1.2,31/12/2024,15.5,Informe PQRSD,,-primer corte",
        ),
        filename="m.csv",
    )
    exported = plan_export(plan=plan, fmt=fmt)
    before = database()
    report = plan_import(plan=plan, rows_file=exported, filename=f"plan.{fmt}")
    assert report.ok, report.lines()
    assert counts(report) == (3, 0, 0, 3, 0)
    assert database() == before
    assert plan_export(plan=plan, fmt=fmt) == exported or fmt == "xlsx"  # xlsx embeds a timestamp

    exported = measurements_export(plan=plan, fmt=fmt)
    report = measurements_import(plan=plan, rows_file=exported, filename=f"m.{fmt}")
    assert report.ok, report.lines()
    assert counts(report) == (2, 0, 0, 2, 0)
    assert database() == before


def test_export_to_a_new_plan_recreates_it(plan: DevelopmentPlan) -> None:
    import_fixture(plan)
    copy = DevelopmentPlan.objects.create(
        slug="copia", title="Copia", jurisdiction="Cartagena", period_start=2024, period_end=2027
    )
    report = plan_import(plan=copy, rows_file=plan_export(plan=plan, fmt="xlsx"), filename="plan.xlsx")
    assert counts(report) == (3, 3, 0, 0, 0)
    assert plan_export(plan=copy, fmt="csv") == plan_export(plan=plan, fmt="csv")


def test_csv_export_has_a_bom_and_protects_formulas(plan: DevelopmentPlan) -> None:
    import_fixture(plan)
    Goal.objects.filter(code="1.1.1").update(title="=1+1")
    text = plan_export(plan=plan, fmt="csv").decode("utf-8")
    assert text.startswith("\ufeffpilar_codigo,")
    assert ",'=1+1," in text
    sheet = load_workbook(io.BytesIO(plan_export(plan=plan, fmt="xlsx"))).active
    titles = [row[7] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert "'=1+1" in titles


@pytest.mark.slow
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_demo_plan_round_trips_unchanged(db: None, fmt: str) -> None:
    from abierta.core import demo as core_demo
    from abierta.development import demo as development_demo
    from abierta.plans import demo as plans_demo

    offices = core_demo.offices()
    plans_demo.load(offices=offices, users={})
    development_demo.load(offices=offices, users={})
    demo = DevelopmentPlan.objects.get(slug=development_demo.PLAN_SLUG)
    before = database()
    report = plan_import(plan=demo, rows_file=plan_export(plan=demo, fmt=fmt), filename=f"plan.{fmt}")
    assert report.ok, report.lines()
    assert report.read == report.unchanged == Goal.objects.filter(plan=demo).count() > 0
    report = measurements_import(
        plan=demo, rows_file=measurements_export(plan=demo, fmt=fmt), filename=f"mediciones.{fmt}"
    )
    assert report.ok, report.lines()
    assert report.read == report.unchanged == Measurement.objects.filter(goal__plan=demo).count() > 0
    assert database() == before


# Reading the file: BOM, semicolons, Colombian numbers, XLSX ------------------------------------------


def test_semicolon_csv_with_bom_and_colombian_numbers(plan: DevelopmentPlan) -> None:
    report = plan_import(
        plan=plan,
        rows_file=csv_bytes(
            HEADER.replace(",", ";"),
            "1;Pilar;1;1.1;Programa;1;1.1.1;Meta;Indicador;pesos;aumentar;punto;1.234,5;2023;2.000.000,25;;;;;"
            "Secretaría de Planeación;1.234.567,89;0,5",
            bom=True,
        ),
        filename="plan.csv",
    )
    assert report.ok, report.lines()
    goal = Goal.objects.get()
    assert (goal.baseline, goal.target) == (Decimal("1234.5"), Decimal("2000000.25"))
    assert goal.budget == Decimal("1234567.89")
    assert goal.weight == Decimal("0.5")
    assert goal.responsible.slug == "planeacion"  # found by its exact name
    assert goal.year_targets.count() == 0


@pytest.mark.parametrize(
    ("text", "money", "expected"),
    [
        ("1.234.567,89", False, Decimal("1234567.89")),
        ("1,234,567.89", False, Decimal("1234567.89")),
        ("1234567.89", False, Decimal("1234567.89")),
        ("12,5", False, Decimal("12.5")),
        ("12.5", False, Decimal("12.5")),
        ("12.345", False, Decimal("12.345")),
        ("250.000", True, Decimal(250000)),
        ("$ 1.500.000", True, Decimal(1500000)),
        ("-3", False, Decimal(-3)),
        ("1.23.4", False, None),
        ("12,34,5", False, None),
        ("doce", False, None),
        ("45%", False, None),
        ("", False, None),
    ],
)
def test_numbers_plain_and_colombian(text: str, money: bool, expected: Decimal | None) -> None:
    assert parse_number(text, money=money) == expected


def test_xlsx_first_sheet_with_numbers_and_dates(plan: DevelopmentPlan) -> None:
    rows: list[list[Any]] = [HEADER.split(","), GOOD.format(code="1.1.1").split(",")]
    rows[1][12], rows[1][14], rows[1][21] = 10, 20.5, 2  # numbers as the spreadsheet stores them
    report = plan_import(plan=plan, rows_file=xlsx_bytes(rows), filename="Plan.XLSX")
    assert report.ok, report.lines()
    assert Goal.objects.get().target == Decimal("20.5")
    day = datetime.datetime(2025, 3, 31)  # noqa: DTZ001 (a spreadsheet's dates have no time zone)
    data = xlsx_bytes([["meta_codigo", "fecha", "valor", "fuente"], ["1.1.1", day, 12.25, "Informe"]])
    report = measurements_import(plan=plan, rows_file=data, filename="m.xlsx")
    assert report.ok, report.lines()
    assert Measurement.objects.get().date == datetime.date(2025, 3, 31)


# Bad files stop at once; bad rows are all reported and nothing is written ----------------------------


@pytest.mark.parametrize(
    ("data", "filename", "message"),
    [
        (b"%PDF-1.4", "plan.pdf", "CSV (.csv) or Excel (.xlsx)"),
        (b"whatever", "plan.xls", "CSV (.csv) or Excel (.xlsx)"),
        (b"not a zip", "plan.xlsx", "not a valid Excel"),
        (xlsx_bytes([["a"]]), "plan.csv", "named .csv but is a spreadsheet"),
        ("pilar_codigo;ñandú\n".encode("latin-1"), "plan.csv", "not UTF-8"),
        (b"", "plan.csv", "empty"),
        (csv_bytes("pilar_codigo,pilar_nombre"), "plan.csv", "Required columns are missing: programa_codigo"),
        (csv_bytes(HEADER + ",observaciones"), "plan.csv", "Unknown columns: observaciones"),
        (csv_bytes(HEADER + ",meta_2030"), "plan.csv", "outside the plan's period"),
        (csv_bytes(HEADER + ",peso"), "plan.csv", "appears twice"),
    ],
)
def test_a_file_in_the_wrong_format_stops_at_once(
    plan: DevelopmentPlan, data: bytes, filename: str, message: str
) -> None:
    report = plan_import(plan=plan, rows_file=data, filename=filename)
    assert not report.ok
    assert message in report.fatal
    assert report.lines() == [report.fatal]
    assert counts(report) == (0, 0, 0, 0, 0)
    assert database() == (0, 0, 0, 0, 0, 0)


def row(code: str, **changes: str) -> str:
    cells = dict(zip(HEADER.split(","), GOOD.format(code=code).split(","), strict=True))
    cells.update(changes)
    return ",".join(cells.values())


def test_every_bad_row_is_reported_with_its_line_and_nothing_is_written(plan: DevelopmentPlan) -> None:
    lines = [
        HEADER,
        row("1.1.1"),  # line 2: fine
        row("1.1.2", meta_nombre=""),  # 3
        row("1.1.3", linea_base="diez"),  # 4
        row("1.1.4", dependencia="secretaria-inexistente"),  # 5
        row("1.1.5", meta_cuatrienio="5"),  # 6: increase below the baseline
        row("1.1.6", sentido="disminuir", meta_cuatrienio="15"),  # 7: decrease above the baseline
        row("1.1.7", sentido="disminuir", tipo="acumulado", meta_cuatrienio="5"),  # 8
        row("1.1.1"),  # 9: duplicate code
        row("1.1.9", sentido="subir"),  # 10
        row("1.1.10", tipo="anual"),  # 11
        row("1.1.11", presupuesto="-5"),  # 12
        row("1.1.12", anio_linea_base="1900"),  # 13
        row("1.1.13", pilar_nombre="Otro nombre"),  # 14: pillar 1 already has a name
        row("1.1.14", linea_base="1.23456"),  # 15: too many decimals
        ",".join(GOOD.format(code="1.1.15").split(",")[:10]),  # 16: a short row
        row("1.1.16") + ",sobra",  # 17: a cell beyond the header
        "",  # 18: empty lines are skipped, yet counted
        row("1.1.18", meta_2025="x"),  # 19
    ]
    report = plan_import(plan=plan, rows_file=csv_bytes(*lines), filename="plan.csv")
    assert not report.ok
    by_line: dict[int, list[str]] = {}
    for error in report.errors:
        by_line.setdefault(error.line, []).append(error.reason)
    expected = {
        3: "«meta_nombre» is empty",
        4: "«diez» in «linea_base» is not a number",
        5: "Unknown office «secretaria-inexistente»",
        6: "With «aumentar» the target (5) must be at least the baseline (10)",
        7: "With «disminuir» the target (15) must be at most the baseline (10)",
        8: "A cumulative indicator («acumulado») cannot have «disminuir»",
        9: "The goal code «1.1.1» is repeated: it is already on line 2",
        10: "«subir» in «sentido» must be one of: aumentar, disminuir",
        11: "«anual» in «tipo» must be one of: punto, acumulado",
        12: "«-5» in «presupuesto» cannot be negative",
        13: "The year 1900 in «anio_linea_base» is outside 2014–2027",
        14: "Pillar «1» has a different name or weight on line 2",
        15: "has more than 4 decimals",
        16: "«sentido» is empty",
        17: "more cells than the header",
        19: "«x» in «meta_2025» is not a number",
    }
    assert sorted(by_line) == sorted(expected)
    for line, message in expected.items():
        assert any(message in m for m in by_line[line]), (line, by_line[line])
    assert counts(report) == (17, 0, 0, 0, 16)
    assert database() == (0, 0, 0, 0, 0, 0)
    assert "Line 3: «meta_nombre» is empty." in report.lines()
    assert "Nothing was written" in report.summary()


def test_a_cumulative_goal_may_target_less_than_the_previous_plan_achieved(plan: DevelopmentPlan) -> None:
    data = csv_bytes(HEADER, row("1.1.1", tipo="acumulado", linea_base="800", meta_cuatrienio="500"))
    report = plan_import(plan=plan, rows_file=data, filename="plan.csv")
    assert report.ok, report.lines()


def test_a_weight_of_zero_is_kept_and_an_empty_weight_is_one(plan: DevelopmentPlan) -> None:
    data = csv_bytes(HEADER, row("1.1.1", peso="0", pilar_peso=""), row("1.1.2", peso="", pilar_peso=""))
    report = plan_import(plan=plan, rows_file=data, filename="plan.csv")
    assert report.ok, report.lines()
    assert Goal.objects.get(code="1.1.1").weight == 0
    assert Goal.objects.get(code="1.1.2").weight == 1
    assert Pillar.objects.get().weight == 1


def test_a_rejected_row_leaves_the_existing_plan_untouched(plan: DevelopmentPlan) -> None:
    import_fixture(plan)
    before = database()
    text = (
        FIXTURE.read_text(encoding="utf-8").replace(",18,2023,10,", ",18,2023,9,").replace("participacion,", "nadie,")
    )
    report = plan_import(plan=plan, rows_file=text.encode(), filename="plan.csv")
    assert [e.line for e in report.errors] == [4]
    assert database() == before
    assert Goal.objects.get(code="1.1.2").target == 10


# Measurements -------------------------------------------------------------------------------------


def test_measurements_import_update_and_history(plan: DevelopmentPlan, django_user_model: Any) -> None:
    import_fixture(plan)
    user = django_user_model.objects.create_user(email="editor@example.org", password="x-1234567-y")
    data = csv_bytes(
        "meta_codigo;fecha;valor;fuente;enlace;nota",
        "1.1.1;2024-12-31;15;Portal de datos;https://datos.example.org;",
        "1.1.2;30/06/2025;14,5;Informe de PQRSD;;primer semestre",
    )
    records = ChangeRecord.objects.count()
    report = measurements_import(plan=plan, rows_file=data, filename="mediciones.csv", actor=user)
    assert counts(report) == (2, 2, 0, 0, 0)
    measurement = Measurement.objects.get(goal__code="1.1.2")
    assert (measurement.date, measurement.value, measurement.note) == (
        datetime.date(2025, 6, 30),
        Decimal("14.5"),
        "primer semestre",
    )
    assert measurement.created_by == user
    assert ChangeRecord.objects.count() == records + 2

    again = measurements_import(plan=plan, rows_file=data, filename="mediciones.csv", actor=user)
    assert counts(again) == (2, 0, 0, 2, 0)
    assert ChangeRecord.objects.count() == records + 2

    changed = data.replace(b"14,5", b"13")
    report = measurements_import(plan=plan, rows_file=changed, filename="mediciones.csv", actor=user)
    assert counts(report) == (2, 0, 1, 1, 0)
    assert Measurement.objects.get(goal__code="1.1.2").value == 13
    assert ChangeRecord.objects.latest("pk").changes == {"value": ["14.5000", "13.0000"]}


def test_bad_measurements_are_all_reported_and_nothing_is_written(plan: DevelopmentPlan) -> None:
    import_fixture(plan)
    before = database()
    future = (datetime.date.today() + datetime.timedelta(days=40)).isoformat()  # noqa: DTZ011
    data = csv_bytes(
        "meta_codigo,fecha,valor,fuente,enlace",
        "1.1.1,2024-12-31,15,Portal,",  # 2: fine
        "9.9.9,2024-12-31,15,Portal,",  # 3
        "1.1.1,31-12-2024,15,Portal,",  # 4
        f"1.1.1,{future},15,Portal,",  # 5
        "1.1.1,1990-01-01,15,Portal,",  # 6
        "1.1.2,2024-12-31,quince,Portal,",  # 7
        "1.1.2,2024-06-30,15,,",  # 8
        "1.1.1,31/12/2024,16,Portal,",  # 9: same goal and date as line 2
        "1.1.2,2024-03-31,15,Portal,ftp://x",  # 10
    )
    report = measurements_import(plan=plan, rows_file=data, filename="m.csv")
    messages = {e.line: e.reason for e in report.errors}
    assert sorted(messages) == [3, 4, 5, 6, 7, 8, 9, 10]
    assert "Unknown goal code «9.9.9»" in messages[3]
    assert "is not a date" in messages[4]
    assert "outside the accepted range" in messages[5]
    assert "outside the accepted range" in messages[6]
    assert "«quince» in «valor» is not a number" in messages[7]
    assert "«fuente» is empty" in messages[8]
    assert "is repeated: it is already on line 2" in messages[9]
    assert "is not a web address" in messages[10]
    assert counts(report) == (9, 0, 0, 0, 8)
    assert database() == before


# Commands -----------------------------------------------------------------------------------------


def test_commands_import_export_and_fail_on_rejected_rows(plan: DevelopmentPlan, tmp_path: Path) -> None:
    out = io.StringIO()
    call_command("import_plan_desarrollo", plan.slug, str(FIXTURE), stdout=out)
    assert "created: 3" in out.getvalue()
    target = tmp_path / "plan.xlsx"
    call_command("export_plan_desarrollo", plan.slug, str(target), stdout=io.StringIO())
    out = io.StringIO()
    call_command("import_plan_desarrollo", plan.slug, str(target), stdout=out)
    assert "unchanged: 3" in out.getvalue()

    bad = tmp_path / "mediciones.csv"
    bad.write_text("meta_codigo,fecha,valor,fuente\n9.9.9,2024-12-31,1,x\n", encoding="utf-8")
    err = io.StringIO()
    with pytest.raises(CommandError, match="rejected: 1"):
        call_command("import_mediciones", plan.slug, str(bad), stdout=io.StringIO(), stderr=err)
    assert "Line 2: Unknown goal code «9.9.9»" in err.getvalue()
    spreadsheet = tmp_path / "mediciones.ods"
    spreadsheet.write_bytes(b"PK")
    with pytest.raises(CommandError, match="CSV"):
        call_command("import_mediciones", plan.slug, str(spreadsheet), stdout=io.StringIO())
    with pytest.raises(CommandError, match="no-existe"):
        call_command("export_plan_desarrollo", "no-existe", str(target))

    measurements = tmp_path / "mediciones.xlsx"
    call_command("export_plan_desarrollo", plan.slug, str(measurements), "--mediciones", stdout=io.StringIO())
    assert load_workbook(measurements).active["A1"].value == "meta_codigo"


def test_blank_xlsx_rows_count_against_the_maximum(monkeypatch: pytest.MonkeyPatch) -> None:
    """Security review S5: blank rows were skipped without limit (1 M of them took 64 s)."""
    monkeypatch.setattr(importers, "MAX_ROWS", 50)
    data = xlsx_with_blank_rows(xlsx_bytes([["meta_codigo", "valor"], ["1.1.1", 3]]), 200)
    with pytest.raises(FormatError) as error:
        importers.read_table(data, "plan.xlsx")
    assert "50" in str(error.value)
    # Within the maximum, blank rows are still skipped.
    table = importers.read_table(
        xlsx_with_blank_rows(xlsx_bytes([["meta_codigo", "valor"], ["1.1.1", 3]]), 20), "p.xlsx"
    )
    assert [values for _line, values in table.rows] == [{"meta_codigo": "1.1.1", "valor": 3}]


def test_a_sheet_that_declares_a_million_rows_is_refused() -> None:
    """One ``<row r="1048576">`` makes openpyxl yield a million empty rows before it."""
    data = xlsx_with_row_at(xlsx_bytes([["meta_codigo", "valor"], ["1.1.1", 3]]), 1_048_576)
    started = time.monotonic()
    with pytest.raises(FormatError):
        importers.read_table(data, "plan.xlsx")
    assert time.monotonic() - started < 5


@pytest.mark.django_db
def test_the_web_import_reports_it_like_other_format_errors(plan: DevelopmentPlan) -> None:
    data = xlsx_with_row_at(xlsx_bytes([["meta_codigo", "valor"], ["1.1.1", 3]]), 1_048_576)
    with translation.override("es-co"):
        report = plan_import(plan=plan, rows_file=data, filename="plan.xlsx")
    assert "filas vacías" in report.fatal


def test_a_workbook_that_unzips_to_far_more_than_it_weighs_is_refused_before_opening(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def not_opened(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("openpyxl opened it")

    data = xlsx_with_padding(xlsx_bytes([["meta_codigo", "valor"], ["1.1.1", 3]]), 5 * 1024 * 1024)
    assert len(data) < 100_000
    monkeypatch.setattr(openpyxl, "load_workbook", not_opened)
    with pytest.raises(FormatError) as error:
        importers.read_table(data, "plan.xlsx")
    assert "MB" in str(error.value)
