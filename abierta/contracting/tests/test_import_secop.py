"""abierta import_secop_contratos: SECOP II contract rows (jbjy-vk9h) stored as valid OCDS compiled releases."""

from __future__ import annotations

import datetime
import gzip
import io
import json
import shutil
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from abierta.contracting.importers import SecopContractsImporter
from abierta.contracting.models import Contract
from abierta.contracting.ocds import contract_columns, release_hash
from abierta.contracting.secop import row_to_release
from abierta.contracting.tests.factories import CSV, JSON
from abierta.contracting.tests.schemas import assert_valid_release, release_validator
from abierta.core.importing import BatchResult, run_import
from abierta.core.models import ImportRun

pytestmark = pytest.mark.django_db


def run(path: Path, *, batch_size: int = 1000) -> ImportRun:
    return run_import(SecopContractsImporter(), path, batch_size=batch_size, out=io.StringIO(), progress=False)


def rejections(run_: ImportRun) -> list[tuple[int, str]]:
    return [(r.line, r.reason) for r in run_.rejections.all()]


def test_the_validator_refuses_a_date_time_without_offset() -> None:
    validator = release_validator()
    assert not validator.format_checker.conforms("2024-03-01T00:00:00", "date-time")
    assert not validator.format_checker.conforms("2024-02-30T00:00:00Z", "date-time")
    assert validator.format_checker.conforms("2024-03-01T00:00:00-05:00", "date-time")


def test_csv_with_two_malformed_rows_stores_eight_and_reports_lines_and_reasons() -> None:
    result = run(CSV)
    assert result.status == ImportRun.Status.FINISHED
    assert (result.read, result.created, result.updated, result.unchanged, result.rejected) == (10, 8, 0, 0, 2)
    assert rejections(result) == [
        (10, "valor_del_contrato no es un número: «doscientos millones»"),
        (11, "fecha_de_firma no es una fecha válida: «31/02/2024»"),
    ]
    assert Contract.objects.count() == 8
    for contract in Contract.objects.all():
        assert_valid_release(contract.release)
        assert contract.source == Contract.Source.SECOP2
        assert contract.ocid == f"ocds-k50g02-{contract.contract_id}"


def test_a_works_contract_is_mapped_to_ocds() -> None:
    run(CSV)
    contract = Contract.objects.get(contract_id="CO1.PCCNTR.5801201")
    release = contract.release
    assert release["ocid"] == "ocds-k50g02-CO1.PCCNTR.5801201"
    assert release["tag"] == ["compiled"]
    assert release["buyer"] == {"id": "CO-NIT-890480184", "name": "ALCALDÍA DISTRITAL DE CARTAGENA DE INDIAS"}
    parties = {p["id"]: p for p in release["parties"]}
    assert parties["CO-NIT-890480184"]["identifier"] == {
        "scheme": "CO-NIT",
        "id": "890480184",
        "legalName": "ALCALDÍA DISTRITAL DE CARTAGENA DE INDIAS",
    }
    supplier = parties["CO-NIT-901234567"]
    assert supplier["roles"] == ["supplier"]
    assert supplier["details"]["documentType"] == "NIT"
    assert supplier["details"]["isGroup"] == "Si"
    tender = release["tender"]
    assert tender["procurementMethod"] == "open"
    assert tender["procurementMethodDetails"] == "Licitación pública Obra Publica"
    assert tender["mainProcurementCategory"] == "works"
    assert tender["items"][0]["classification"] == {"scheme": "UNSPSC", "id": "72141100"}
    (award,) = release["awards"]
    assert award["suppliers"] == [{"id": "CO-NIT-901234567", "name": "CONSORCIO VIAS OLAYA 2024"}]
    (item,) = release["contracts"]
    assert item["value"] == {"amount": 4850000000, "currency": "COP"}
    assert item["status"] == "active"
    assert item["statusDetails"] == "En ejecución"
    assert item["dateSigned"] == "2024-03-01T00:00:00-05:00"
    assert item["period"] == {
        "startDate": "2024-03-15T00:00:00-05:00",
        "endDate": "2024-12-15T00:00:00-05:00",
        "durationInDays": 275,
    }
    assert item["daysAdded"] == 45
    (payment,) = item["implementation"]["transactions"]
    assert payment["value"] == {"amount": 1455000000, "currency": "COP"}
    assert payment["payee"] == {"id": "CO-NIT-901234567", "name": "CONSORCIO VIAS OLAYA 2024"}
    assert item["financialSummary"]["pendingExecution"] == {"amount": 3395000000, "currency": "COP"}
    assert release["planning"]["budget"]["budgetBreakdown"] == [
        {
            "id": "recursos_propios",
            "description": "Recursos propios",
            "amount": {"amount": 4850000000, "currency": "COP"},
        }
    ]
    assert release["urlSECOP"].startswith("https://community.secop.gov.co/Public/Tendering/OpportunityDetail/")
    # The columns
    assert contract.buyer_nit == "890480184"
    assert contract.buyer_name == "ALCALDÍA DISTRITAL DE CARTAGENA DE INDIAS"
    assert contract.supplier_name == "CONSORCIO VIAS OLAYA 2024"
    assert (contract.supplier_doc_type, contract.supplier_doc) == ("NIT", "901234567")
    assert contract.process_id == "CO1.BDOS.5123401"
    assert contract.modality == "Licitación pública Obra Publica"
    assert contract.contract_type == "Obra"
    assert contract.status == "En ejecución"
    assert contract.procurement_method == "open"
    assert contract.category_code == "72141100"
    assert contract.signed_on == datetime.date(2024, 3, 1)
    assert (contract.start_on, contract.end_on) == (datetime.date(2024, 3, 15), datetime.date(2024, 12, 15))
    assert contract.year == 2024
    assert contract.value == Decimal("4850000000")
    assert contract.original_value == Decimal("4850000000")
    assert contract.value_added is None  # SECOP II's contracts dataset does not say
    assert contract.paid == Decimal("1455000000")
    assert contract.days_added == 45
    assert contract.original_term_days == 275 - 45
    assert contract.url == release["urlSECOP"]
    assert "malla vial del barrio olaya herrera" in contract.search_document
    assert "consorcio vias olaya 2024" in contract.search_document
    assert "alcaldia distrital de cartagena" in contract.search_document
    assert contract.release_hash == release_hash(release)
    assert contract.release_date == datetime.datetime(2024, 9, 30, 5, 0, tzinfo=datetime.UTC)


@pytest.mark.parametrize(
    ("contract_id", "method", "status", "paid"),
    [
        ("CO1.PCCNTR.5801288", "open", "active", Decimal("97000000")),  # concurso de méritos abierto
        ("CO1.PCCNTR.5900001", "direct", "terminated", Decimal("32500000")),  # contratación directa, terminado
        ("CO1.PCCNTR.5900002", "open", "active", Decimal("0")),  # mínima cuantía, modificado; nothing paid
        ("CO1.PCCNTR.5900003", "open", "cancelled", Decimal("0")),  # subasta inversa, cancelado
        ("CO1.PCCNTR.5900004", "direct", "pending", Decimal("0")),  # régimen especial, borrador
        ("CO1.PCCNTR.5900005", "selective", "terminated", Decimal("610000000")),  # menor cuantía, cerrado
        ("CO1.PCCNTR.5900006", "limited", "active", Decimal("13000000")),  # directa con ofertas
    ],
)
def test_modality_and_status_mapping(contract_id: str, method: str, status: str, paid: Decimal) -> None:
    run(CSV)
    contract = Contract.objects.get(contract_id=contract_id)
    assert contract.release["tender"]["procurementMethod"] == method
    assert contract.release["contracts"][0]["status"] == status
    assert contract.procurement_method == method
    assert contract.paid == paid


def test_no_definido_means_missing() -> None:
    run(CSV)
    draft = Contract.objects.get(contract_id="CO1.PCCNTR.5900004")
    assert draft.signed_on is None
    assert draft.supplier_name == ""
    assert len(draft.release["parties"]) == 1  # no supplier party
    assert "suppliers" not in draft.release["awards"][0]
    assert draft.release["date"] == "2024-09-15T00:00:00-05:00"
    cancelled = Contract.objects.get(contract_id="CO1.PCCNTR.5900003")
    assert "period" not in cancelled.release["contracts"][0]
    assert cancelled.start_on is None
    assert cancelled.release["awards"][0]["status"] == "cancelled"
    # No ultima_actualizacion: the release is dated by the signature.
    supplies = Contract.objects.get(contract_id="CO1.PCCNTR.5900002")
    assert supplies.release["date"] == "2024-05-08T00:00:00-05:00"
    assert supplies.value == Decimal("45870500.50")  # "45.870.500,50"
    assert supplies.supplier_doc == "806001234"
    # Socrata's CSV date format (MM/DD/YYYY hh:mm:ss AM)
    parks = Contract.objects.get(contract_id="CO1.PCCNTR.5900005")
    assert parks.signed_on == datetime.date(2024, 1, 15)
    assert parks.end_on == datetime.date(2024, 5, 22)


def test_csv_with_bom_gives_the_same_contracts(tmp_path: Path) -> None:
    run(CSV)
    before = {c.ocid: c.release_hash for c in Contract.objects.all()}
    with_bom = tmp_path / "con_bom.csv"
    with_bom.write_bytes(b"\xef\xbb\xbf" + CSV.read_bytes())
    second = run(with_bom)
    assert (second.read, second.created, second.unchanged, second.rejected) == (10, 0, 8, 2)
    assert {c.ocid: c.release_hash for c in Contract.objects.all()} == before


def test_json_export_gives_the_same_contracts_as_the_csv(tmp_path: Path) -> None:
    from_json = run(JSON)
    assert (from_json.read, from_json.created, from_json.rejected) == (8, 8, 0)
    json_hashes = {c.ocid: c.release_hash for c in Contract.objects.all()}
    Contract.objects.all().delete()
    run(CSV)
    assert {c.ocid: c.release_hash for c in Contract.objects.all()} == json_hashes


def test_json_lines_and_gzip(tmp_path: Path) -> None:
    rows = json.loads(JSON.read_text())
    path = tmp_path / "contratos.jsonl.gz"
    with gzip.open(path, "wt", encoding="utf-8") as f:
        for row in rows:
            f.write(json.dumps(row, ensure_ascii=False) + "\n")
    result = run(path)
    assert (result.read, result.created, result.rejected) == (8, 8, 0)


def test_socrata_display_headers_are_accepted(tmp_path: Path) -> None:
    text = CSV.read_bytes().decode("utf-8")
    header, rest = text.split("\r\n", 1)
    display = {
        "nombre_entidad": "Nombre Entidad",
        "nit_entidad": "Nit Entidad",
        "id_contrato": "ID Contrato",
        "valor_del_contrato": "Valor del Contrato",
        "fecha_de_firma": "Fecha de Firma",
        "urlproceso": "URLProceso",
    }
    header = ",".join(display.get(h, h) for h in header.split(","))
    path = tmp_path / "web.csv"
    path.write_text(header + "\r\n" + rest, encoding="utf-8")
    assert run(path).created == 8


def test_row_level_rejections(tmp_path: Path) -> None:
    text = CSV.read_bytes().decode("utf-8")
    header, *lines = text.rstrip("\r\n").split("\r\n")
    first = lines[0]
    missing_id = first.replace("CO1.PCCNTR.5801201", "No Definido")
    negative = lines[1].replace(",388000000,", ",-388000000,")
    path = tmp_path / "malos.csv"
    path.write_text("\r\n".join([header, first, first, missing_id, negative, "a,b,c"]) + "\r\n", encoding="utf-8")
    result = run(path)
    assert rejections(result) == [
        (3, "id_contrato CO1.PCCNTR.5801201 repetido: ya aparece en la línea 2"),
        (4, "falta id_contrato"),
        (5, "valor_del_contrato es negativo: «-388000000»"),
        (6, "la fila tiene 3 columnas y el encabezado 84"),
    ]
    assert (result.read, result.created, result.rejected) == (5, 1, 4)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "El archivo está vacío."),
        (b"\xef\xbb\xbf  \r\n", "El archivo está vacío."),
        (b"PK\x03\x04\x14\x00\x06\x00rest-of-an-xlsx", "El archivo es un ZIP o una hoja de cálculo (xlsx)"),
        (b"a,b,c\r\n1,2,3\r\n", "faltan las columnas id_contrato, nit_entidad, nombre_entidad, valor_del_contrato"),
        (b'[{"id_del_proceso": "CO1.REQ.1"}]', "faltan las columnas id_contrato"),
        (b'{"data": [1, 2', "no es una lista de contratos de SECOP II"),
        (b"nombre_entidad,id_contrato\r\n\xe1\xe9\xed,1\r\n", "no está en UTF-8"),
    ],
)
def test_a_file_of_the_wrong_format_stops_and_writes_nothing(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "archivo"
    path.write_bytes(content)
    result = run(path)
    assert result.status == ImportRun.Status.FAILED
    assert message in result.message
    assert (result.read, result.created, result.committed_line) == (0, 0, 0)
    assert Contract.objects.count() == 0


def test_importing_the_same_file_twice_changes_nothing() -> None:
    run(CSV)
    stored = {c.ocid: (c.pk, c.release_hash, c.imported_at) for c in Contract.objects.all()}
    again = run(CSV)
    assert (again.read, again.created, again.updated, again.unchanged, again.rejected) == (10, 0, 0, 8, 2)
    assert {c.ocid: (c.pk, c.release_hash, c.imported_at) for c in Contract.objects.all()} == stored


def test_a_changed_row_is_updated(tmp_path: Path) -> None:
    run(CSV)
    path = tmp_path / "cambiado.csv"
    path.write_text(CSV.read_bytes().decode("utf-8").replace(",1455000000,0,1455000000,", ",1455000000,0,2000000000,"))
    again = run(path)
    assert (again.created, again.updated, again.unchanged) == (0, 1, 7)
    assert Contract.objects.get(contract_id="CO1.PCCNTR.5801201").paid == Decimal("2000000000")


class _Killed(Exception):
    pass


class _DiesAfterTwoBatches(SecopContractsImporter):
    def __init__(self) -> None:
        super().__init__()
        self.batches = 0

    def apply(self, items: list[tuple[int, Any]]) -> BatchResult:
        self.batches += 1
        if self.batches == 3:
            raise _Killed
        return super().apply(items)


def test_a_killed_import_resumes_after_the_last_committed_batch() -> None:
    with pytest.raises(_Killed):
        run_import(_DiesAfterTwoBatches(), CSV, batch_size=3, out=io.StringIO(), progress=False)
    killed = ImportRun.objects.get()
    assert killed.status == ImportRun.Status.RUNNING
    assert (killed.read, killed.created, killed.committed_line) == (6, 6, 7)
    assert Contract.objects.count() == 6

    resumed = run(CSV, batch_size=3)
    assert resumed.pk == killed.pk
    assert resumed.status == ImportRun.Status.FINISHED
    assert (resumed.read, resumed.created, resumed.updated, resumed.unchanged, resumed.rejected) == (10, 8, 0, 0, 2)
    assert [r[0] for r in rejections(resumed)] == [10, 11]
    assert Contract.objects.count() == 8
    # Exactly what a run without the kill stores.
    resumed_state = {c.ocid: c.release_hash for c in Contract.objects.all()}
    Contract.objects.all().delete()
    run(CSV)
    assert {c.ocid: c.release_hash for c in Contract.objects.all()} == resumed_state


def test_contract_columns_of_a_release_are_what_the_importer_stores() -> None:
    run(CSV)
    contract = Contract.objects.get(contract_id="CO1.PCCNTR.5900006")
    columns = contract_columns(contract.release)
    for name, value in columns.items():
        assert getattr(contract, name) == value, name


def test_row_to_release_needs_the_entity_nit() -> None:
    from abierta.core.importing import RowRejected

    with pytest.raises(RowRejected, match="falta nit_entidad"):
        row_to_release({"id_contrato": "CO1.PCCNTR.1", "nit_entidad": "No Definido"})
    with pytest.raises(RowRejected, match="no tiene ninguna fecha"):
        row_to_release({"id_contrato": "CO1.PCCNTR.1", "nit_entidad": "890480184"})


def test_command_prints_the_report(tmp_path: Path) -> None:
    out, err = io.StringIO(), io.StringIO()
    call_command("import_secop_contratos", str(CSV), stdout=out, stderr=err)
    assert out.getvalue() == (
        "Archivo secop_contratos.csv: 10 filas leídas, 8 creadas, 0 actualizadas, 0 sin cambios, 2 rechazadas.\n"
        "  línea 10: valor_del_contrato no es un número: «doscientos millones»\n"
        "  línea 11: fecha_de_firma no es una fecha válida: «31/02/2024»\n"
    )


def test_command_shows_a_progress_bar_on_a_terminal(tmp_path: Path) -> None:
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    err = Terminal()
    call_command("import_secop_contratos", str(CSV), stdout=io.StringIO(), stderr=err)
    assert "100.0%" in err.getvalue()
    assert "10 filas" in err.getvalue()


def test_command_stops_on_a_wrong_file(tmp_path: Path) -> None:
    path = tmp_path / "plan.xlsx"
    shutil.copy(CSV, path)
    path.write_bytes(b"PK\x03\x04" + b"\x00" * 20)
    with pytest.raises(CommandError, match=r"El archivo plan\.xlsx no se importó: El archivo es un ZIP"):
        call_command("import_secop_contratos", str(path), stdout=io.StringIO(), stderr=io.StringIO())
    with pytest.raises(CommandError, match="No existe el archivo"):
        call_command("import_secop_contratos", str(tmp_path / "nada.csv"), stdout=io.StringIO())
    assert Contract.objects.count() == 0
