"""abierta import_ocds: real SECOP I releases and records, packages, JSON Lines, gzip, merging across batches."""

from __future__ import annotations

import copy
import datetime
import gzip
import io
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from abierta.contracting.importers import OcdsImporter
from abierta.contracting.models import Contract
from abierta.contracting.ocds import contract_columns, repair_release
from abierta.contracting.tests.factories import CSV
from abierta.contracting.tests.ocds_sample import oracle, sample_records, sample_releases, split_release
from abierta.contracting.tests.schemas import assert_valid_release
from abierta.core.importing import BatchResult, run_import
from abierta.core.models import ImportRun

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


def run(path: Path, *, batch_size: int = 1000) -> ImportRun:
    return run_import(OcdsImporter(), path, batch_size=batch_size, out=io.StringIO(), progress=False)


def counts(run_: ImportRun) -> tuple[int, int, int, int, int]:
    return (run_.read, run_.created, run_.updated, run_.unchanged, run_.rejected)


def expected(releases: list[dict[str, Any]]) -> dict[str, Any]:
    return repair_release(oracle(releases))


def release_package(releases: list[Any]) -> dict[str, Any]:
    return {
        "uri": "https://example.org/paquete.json",
        "version": "1.1",
        "publishedDate": "2024-01-01T00:00:00Z",
        "publisher": {"name": "Colombia Compra Eficiente"},
        "releases": releases,
    }


def write_json(path: Path, data: Any) -> Path:
    path.write_text(json.dumps(data, ensure_ascii=False))
    return path


def test_every_real_release_file_imports_and_validates() -> None:
    releases = sample_releases()
    for path in releases:
        result = run(path)
        assert result.status == ImportRun.Status.FINISHED, result.message
        assert counts(result) == (1, 1, 0, 0, 0), path.name
    assert Contract.objects.count() == len(releases)
    for contract in Contract.objects.all():
        assert_valid_release(contract.release)
        assert contract.source == Contract.Source.OCDS
        source = json.loads(next(p for p in releases if p.name.startswith(contract.ocid + "-")).read_text())
        assert contract.release == expected([source])


def test_every_real_record_file_imports_and_validates() -> None:
    records = sample_records()
    for path in records:
        result = run(path)
        assert counts(result) == (1, 1, 0, 0, 0), path.name
    for path in records:
        record = json.loads(path.read_text())
        contract = Contract.objects.get(ocid=record["releases"][0]["ocid"])
        assert contract.release == expected(record["releases"])
        assert_valid_release(contract.release)


def test_a_record_package_and_a_release_package(tmp_path: Path) -> None:
    records = [json.loads(p.read_text()) for p in sample_records()]
    package = write_json(tmp_path / "registros.json", {"uri": "https://example.org", "records": records})
    assert counts(run(package)) == (10, 10, 0, 0, 0)
    releases = [json.loads(p.read_text()) for p in sample_releases()]
    package = write_json(tmp_path / "entregas.json", release_package(releases))
    result = run(package, batch_size=4)
    # The 2016 releases are the same processes as the records: they were already stored.
    assert result.read == 21
    assert result.created == 11
    assert result.created + result.updated + result.unchanged == 21
    assert Contract.objects.count() == 21


def test_a_record_with_only_its_compiled_release(tmp_path: Path) -> None:
    record = json.loads(sample_records()[0].read_text())
    record["releases"] = [{"url": "https://example.org/r.json", "date": record["compiledRelease"]["date"]}]
    result = run(write_json(tmp_path / "registro.json", record))
    assert counts(result) == (1, 1, 0, 0, 0)
    contract = Contract.objects.get()
    assert_valid_release(contract.release)
    assert contract.ocid == record["compiledRelease"]["ocid"]


def test_a_secop1_compiled_release_fills_the_columns() -> None:
    path = next(p for p in sample_releases() if p.name.startswith("ocds-k50g02-16-12-5280389-"))
    run(path)
    contract = Contract.objects.get()
    assert contract.ocid == "ocds-k50g02-16-12-5280389"
    assert contract.contract_id == "2719-2016"
    assert contract.process_id == "16-12-5280389"
    assert contract.buyer_name == "BOGOTÁ D.C. - SECRETARÍA DE EDUCACIÓN"
    assert contract.supplier_name == "MARTHA ZULENY TORRES BEJARANO"
    assert (contract.supplier_doc_type, contract.supplier_doc) == ("Nit de Persona Natural", "1012362575-0")
    assert contract.modality == "Contratación Directa (Ley 1150 de 2007)"
    assert contract.procurement_method == "limited"
    assert contract.category_code == "801116"
    assert contract.value == Decimal("2307457")
    assert contract.estimate_value == Decimal("2307457")
    assert contract.signed_on == datetime.date(2016, 6, 27)
    assert contract.year == 2016
    assert contract.url == "https://www.contratos.gov.co/consultas/detalleProceso.do?numConstancia=16-12-5280389"
    assert "gestion documental" in contract.search_document
    assert "martha zuleny torres bejarano" in contract.search_document
    # The release repeats its award and contract; merged by id, the compiled release is valid.
    assert len(contract.release["awards"]) == 1
    assert_valid_release(contract.release)
    assert contract_columns(contract.release)["release_hash"] == contract.release_hash


def test_releases_of_one_ocid_in_different_batches_and_files(tmp_path: Path) -> None:
    source = json.loads(sample_releases()[-1].read_text())
    r3, r1, r2 = split_release(source)
    everything = expected([r1, r2, r3])
    # One batch, out of order.
    result = run(write_json(tmp_path / "a.json", release_package([r3, r1, r2])))
    assert counts(result) == (3, 1, 2, 0, 0)
    assert Contract.objects.get().release == everything
    Contract.objects.all().delete()
    # One file, one release per batch, in date order.
    result = run(write_json(tmp_path / "b.json", release_package([r1, r2, r3])), batch_size=1)
    assert counts(result) == (3, 1, 2, 0, 0)
    assert Contract.objects.get().release == everything
    Contract.objects.all().delete()
    # Three files, in date order (each merged on top of what is stored).
    for n, release in enumerate([r1, r2, r3]):
        run(write_json(tmp_path / f"r{n}.json", release))
    assert Contract.objects.get().release == everything
    Contract.objects.all().delete()
    # The newest first, then an older file (compiled again from the stored releases).
    run(write_json(tmp_path / "nuevo.json", release_package([r3])))
    run(write_json(tmp_path / "viejos.json", release_package([r1, r2])))
    assert Contract.objects.get().release == everything
    assert_valid_release(Contract.objects.get().release)


def test_importing_an_older_release_again_changes_nothing(tmp_path: Path) -> None:
    r3, r1, r2 = split_release(json.loads(sample_releases()[-1].read_text()))
    run(write_json(tmp_path / "todo.json", release_package([r1, r2, r3])))
    stored = Contract.objects.get().release
    again = run(write_json(tmp_path / "viejo.json", release_package([r1])))
    assert counts(again) == (1, 0, 0, 1, 0)
    assert Contract.objects.get().release == stored


def test_json_lines_gzip(tmp_path: Path) -> None:
    path = tmp_path / "entregas.jsonl.gz"
    with gzip.open(path, "wt", encoding="utf-8") as f:
        for release_path in sample_releases():
            f.write(json.dumps(json.loads(release_path.read_text()), ensure_ascii=False) + "\n")
        f.write("esto no es json\n")
    result = run(path)
    assert counts(result) == (22, 21, 0, 0, 1)
    assert [(r.line, r.reason) for r in result.rejections.all()] == [(22, "la línea no es JSON válido")]


def test_a_gzipped_release_package(tmp_path: Path) -> None:
    data = json.dumps(release_package([json.loads(p.read_text()) for p in sample_releases()[:5]])).encode()
    path = tmp_path / "paquete.json.gz"
    path.write_bytes(gzip.compress(data))
    assert counts(run(path)) == (5, 5, 0, 0, 0)


def test_malformed_entries_are_rejected_with_their_position(tmp_path: Path) -> None:
    good = json.loads(sample_releases()[0].read_text())
    no_ocid = {k: v for k, v in good.items() if k != "ocid"}
    bad_date = {**copy.deepcopy(good), "ocid": "ocds-k50g02-otro", "date": "ayer"}
    result = run(write_json(tmp_path / "p.json", release_package([good, no_ocid, "texto", bad_date])))
    assert counts(result) == (4, 1, 0, 0, 3)
    reasons = [(r.line, r.reason) for r in result.rejections.all()]
    assert reasons == [
        (2, "la entrega no tiene ocid"),
        (3, "la entrada no es un objeto JSON"),
        (4, f"la entrega {good['id']} de ocds-k50g02-otro no tiene una fecha válida"),
    ]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "El archivo está vacío."),
        (
            b"PK\x03\x04\x14\x00\x06\x00",
            "El archivo es un ZIP o una hoja de cálculo (xlsx), no un archivo JSON de OCDS.",
        ),
        (None, "El archivo no es JSON"),
        (b'{"foo": 1}', "no es un paquete, una entrega ni un registro de OCDS"),
        (b'{"uri": "x", "releases": [{"ocid": "a", "date": "2024', "no es JSON válido"),
    ],
)
def test_a_file_of_the_wrong_format_stops_and_writes_nothing(
    tmp_path: Path, content: bytes | None, message: str
) -> None:
    path = tmp_path / "archivo"
    path.write_bytes(CSV.read_bytes() if content is None else content)
    result = run(path)
    assert result.status == ImportRun.Status.FAILED
    assert message in result.message
    assert (result.read, result.committed_line) == (0, 0)
    assert Contract.objects.count() == 0


def test_importing_the_same_file_twice_changes_nothing(tmp_path: Path) -> None:
    releases = [json.loads(p.read_text()) for p in sample_releases()]
    path = write_json(tmp_path / "p.json", release_package(releases))
    run(path, batch_size=5)
    stored = {c.ocid: (c.pk, c.release_hash, c.imported_at) for c in Contract.objects.all()}
    again = run(path, batch_size=5)
    assert counts(again) == (21, 0, 0, 21, 0)
    assert {c.ocid: (c.pk, c.release_hash, c.imported_at) for c in Contract.objects.all()} == stored


class _Killed(Exception):
    pass


class _DiesAfterTwoBatches(OcdsImporter):
    batches = 0

    def apply(self, items: list[tuple[int, Any]]) -> BatchResult:
        self.batches += 1
        if self.batches == 3:
            raise _Killed
        return super().apply(items)


def test_a_killed_import_resumes_and_ends_as_an_uninterrupted_one(tmp_path: Path) -> None:
    releases = [json.loads(p.read_text()) for p in sample_releases()]
    path = write_json(tmp_path / "p.json", release_package(releases))
    with pytest.raises(_Killed):
        run_import(_DiesAfterTwoBatches(), path, batch_size=4, out=io.StringIO(), progress=False)
    killed = ImportRun.objects.get()
    assert (killed.status, killed.read, killed.created, killed.committed_line) == (ImportRun.Status.RUNNING, 8, 8, 8)
    assert Contract.objects.count() == 8
    resumed = run(path, batch_size=4)
    assert resumed.pk == killed.pk
    assert (resumed.status, *counts(resumed)) == (ImportRun.Status.FINISHED, 21, 21, 0, 0, 0)
    state = {c.ocid: c.release for c in Contract.objects.all()}
    Contract.objects.all().delete()
    run(path)
    assert {c.ocid: c.release for c in Contract.objects.all()} == state


def test_command_imports_several_files_and_prints_each_report() -> None:
    out = io.StringIO()
    releases, records = sample_releases(), sample_records()
    call_command("import_ocds", *[str(p) for p in releases[:2]], str(records[0]), stdout=out, stderr=io.StringIO())
    lines = out.getvalue().splitlines()
    assert lines == [
        f"Archivo {releases[0].name}: 1 filas leídas, 1 creadas, 0 actualizadas, 0 sin cambios, 0 rechazadas.",
        f"Archivo {releases[1].name}: 1 filas leídas, 1 creadas, 0 actualizadas, 0 sin cambios, 0 rechazadas.",
        f"Archivo {records[0].name}: 1 filas leídas, 1 creadas, 0 actualizadas, 0 sin cambios, 0 rechazadas.",
    ]


def test_command_stops_on_a_csv() -> None:
    with pytest.raises(CommandError, match="no se importó: El archivo no es JSON"):
        call_command("import_ocds", str(CSV), stdout=io.StringIO(), stderr=io.StringIO())
    assert Contract.objects.count() == 0
