"""Contract imports on PostgreSQL write each batch on a second connection while the next is read
(``core.importing``, a ``Staged`` importer): the result is the one of a single thread, batch by batch,
and a failure of the writer stops the import at the last committed batch, from which it resumes."""

from __future__ import annotations

import io
import json
import threading
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

from abierta.contracting.importers import OcdsImporter, SecopContractsImporter
from abierta.contracting.models import Contract, SourceRelease
from abierta.contracting.tests.factories import CSV
from abierta.core import importing
from abierta.core.importing import BatchResult, run_import
from abierta.core.models import ImportRun

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the second connection is used on PostgreSQL only"),
]


def release(n: int, step: int) -> dict[str, Any]:
    ocid = f"ocds-k50g02-T{n:04d}"
    value = {"amount": 1000 * (n + 1) + step, "currency": "COP"}
    body: dict[str, Any] = {
        "ocid": ocid,
        "id": f"{ocid}-{step}",
        "date": f"2024-0{1 + step}-{1 + n % 27:02d}T00:00:00Z",
        "tag": ["tender"] if step == 0 else ["award"],
        "initiationType": "tender",
        "buyer": {"id": "B", "name": "Alcaldía de Cartagena"},
        "parties": [{"id": "B", "name": "Alcaldía de Cartagena", "roles": ["buyer"]}],
        "tender": {"id": f"T{n}", "title": f"Obra {n}", "value": value, "status": "active"},
    }
    if step:
        body["awards"] = [{"id": f"A{n}", "value": value, "status": "active"}]
        body["tender"] = {"id": f"T{n}", "status": "complete"}
    return body


def releases_file(tmp_path: Path, *, ocids: int = 40) -> Path:
    """Each ocid's releases one after the other (so that odd batch sizes cut an ocid in two), and a few
    ocids coming back much later in the file (a batch that names an ocid of a batch still uncommitted)."""
    lines = []
    for n in range(ocids):
        lines += [release(n, 0), release(n, 1)]
    lines += [release(n, 2) for n in range(0, ocids, 7)]
    path = tmp_path / "releases.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in lines))
    return path


def state() -> list[tuple[str, str, int]]:
    return [
        (c.ocid, c.release_hash, SourceRelease.objects.filter(contract=c).count())
        for c in Contract.objects.order_by("ocid")
    ]


def counts(run: ImportRun) -> tuple[str, int, int, int, int, int, int]:
    return (run.status, run.read, run.created, run.updated, run.unchanged, run.rejected, run.committed_line)


def import_file(path: Path, importer: Any = None, *, batch_size: int = 7) -> ImportRun:
    return run_import(importer or OcdsImporter(), path, batch_size=batch_size, out=io.StringIO(), progress=False)


def written_by_other_threads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The threads that ran ``OcdsImporter.write``."""
    names: list[str] = []
    original = OcdsImporter.write

    def write(self: OcdsImporter, prepared: Any) -> BatchResult:
        names.append(threading.current_thread().name)
        return original(self, prepared)

    monkeypatch.setattr(OcdsImporter, "write", write)
    return names


@pytest.mark.parametrize("batch_size", [1, 7, 1000])
def test_the_overlapped_import_stores_what_one_thread_stores(
    tmp_path: Path, settings: Any, monkeypatch: pytest.MonkeyPatch, batch_size: int
) -> None:
    path = releases_file(tmp_path)
    settings.ABIERTA_IMPORT_OVERLAP = False
    serial = counts(import_file(path, batch_size=batch_size))
    expected = state()
    Contract.objects.all().delete()
    ImportRun.objects.all().delete()

    settings.ABIERTA_IMPORT_OVERLAP = True
    threads = written_by_other_threads(monkeypatch)
    overlapped = counts(import_file(path, batch_size=batch_size))

    assert threads and set(threads) == {"import-writer"}
    assert overlapped == serial
    assert state() == expected
    assert serial[:3] == ("finished", 86, 40)


def test_a_failed_write_stops_at_the_last_committed_batch_and_the_run_resumes(
    tmp_path: Path, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = releases_file(tmp_path)
    settings.ABIERTA_IMPORT_OVERLAP = False
    import_file(path)
    expected = state()
    Contract.objects.all().delete()
    ImportRun.objects.all().delete()

    settings.ABIERTA_IMPORT_OVERLAP = True
    original = OcdsImporter.write
    calls = {"n": 0}

    def failing(self: OcdsImporter, prepared: Any) -> BatchResult:
        calls["n"] += 1
        if calls["n"] == 4:
            raise RuntimeError("the database went away")
        return original(self, prepared)

    monkeypatch.setattr(OcdsImporter, "write", failing)
    with pytest.raises(RuntimeError, match="went away"):
        import_file(path)
    run = ImportRun.objects.get()
    # Three batches of 7 lines committed, nothing of the fourth nor after it.
    assert (run.status, run.committed_line, run.read) == ("running", 21, 21)
    assert Contract.objects.count() == 11

    monkeypatch.setattr(OcdsImporter, "write", original)
    resumed = import_file(path)
    assert resumed.pk == run.pk
    assert (resumed.status, resumed.read) == ("finished", 86)
    assert state() == expected


def test_a_batch_waits_for_the_uncommitted_batch_that_has_its_ocid(
    tmp_path: Path, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Batch 2 names the ocid batch 1 creates: it is prepared only once batch 1 is committed (else it
    would create the contract twice, and the unique ocid would fail the import)."""
    settings.ABIERTA_IMPORT_OVERLAP = True
    path = tmp_path / "two.jsonl"
    path.write_text(json.dumps(release(1, 0)) + "\n" + json.dumps(release(1, 1)) + "\n")
    waited: list[set[str]] = []
    original = importing._Writer.wait_for

    def wait_for(self: importing._Writer, keys: set[str]) -> None:
        if any(not keys.isdisjoint(batch.keys) for batch in self._uncommitted):
            waited.append(keys)
        original(self, keys)

    monkeypatch.setattr(importing._Writer, "wait_for", wait_for)
    run = import_file(path, batch_size=1)
    assert counts(run)[:5] == ("finished", 2, 1, 1, 0)
    assert SourceRelease.objects.count() == 2
    # Whether batch 1 was still uncommitted when batch 2 was ready depends on the threads; when it
    # was, batch 2 waited for it (the import above would have failed otherwise).
    assert all(keys == {"ocds-k50g02-T0001"} for keys in waited)


def test_secop_ii_files_are_overlapped_too(settings: Any) -> None:
    path = CSV
    settings.ABIERTA_IMPORT_OVERLAP = False
    serial = counts(import_file(path, SecopContractsImporter(), batch_size=1))
    expected = state()
    Contract.objects.all().delete()
    ImportRun.objects.all().delete()
    settings.ABIERTA_IMPORT_OVERLAP = True
    assert counts(import_file(path, SecopContractsImporter(), batch_size=1)) == serial
    assert state() == expected
    assert serial[2] >= 2


def test_two_contract_imports_at_once_run_one_after_the_other(tmp_path: Path, settings: Any) -> None:
    """Two imports creating the same new contracts at the same time (the synchronisation and a file):
    the second waits for the first (``exclusive``), so neither fails. Without the lock, import B
    would prepare its batch while A's is not committed, and its COPY would hit the unique ocid."""
    settings.ABIERTA_IMPORT_OVERLAP = False
    path = releases_file(tmp_path, ocids=6)
    b_prepared = threading.Event()
    outcomes: dict[str, Any] = {}

    class A(OcdsImporter):
        def write(self, prepared: Any) -> BatchResult:
            # Give B every chance to prepare the same batch before A commits it.
            b_prepared.wait(timeout=2)
            return super().write(prepared)

    class B(OcdsImporter):
        def prepare(self, items: Any) -> Any:
            b_prepared.set()
            return super().prepare(items)

    def run(name: str, importer: OcdsImporter) -> None:
        try:
            outcomes[name] = counts(import_file(path, importer, batch_size=1000))
        except Exception as error:  # reported by the test
            outcomes[name] = error
        finally:
            connection.close()

    first = threading.Thread(target=run, args=("a", A()))
    first.start()
    while not ImportRun.objects.exists():  # A holds the lock
        threading.Event().wait(0.01)
    second = threading.Thread(target=run, args=("b", B()))
    second.start()
    first.join()
    second.join()
    assert not any(isinstance(outcome, Exception) for outcome in outcomes.values()), outcomes
    assert outcomes["a"][:3] == ("finished", 13, 6)
    assert outcomes["b"][:5] == ("finished", 13, 0, 0, 13)
