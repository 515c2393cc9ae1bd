"""The shared import framework (run_import), with a tiny importer of "key,number" lines."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

import pytest

from abierta.core.importing import BatchResult, FormatError, RowRejected, Upload, run_import, write_report
from abierta.core.models import ImportRun, Institution

pytestmark = pytest.mark.django_db


class LinesImporter:
    """Each line "slug,name" becomes an Institution; the header must be "slug,name"."""

    kind = "test-lines"
    model = Institution

    def __init__(self, *, die_on_batch: int = 0) -> None:
        self.batches = 0
        self.die_on_batch = die_on_batch
        self.finished: list[int] = []

    def options(self) -> dict[str, Any]:
        return {}

    def rows(self, stream: IO[bytes]) -> Iterator[tuple[int, Any]]:
        lines = io.TextIOWrapper(stream, encoding="utf-8")
        if lines.readline().strip() != "slug,name":
            raise FormatError("Falta el encabezado slug,name.")
        for number, line in enumerate(lines, 2):
            yield number, line.rstrip("\n")

    def convert(self, line: int, raw: Any) -> tuple[str, str]:
        slug, _, name = raw.partition(",")
        if not name:
            raise RowRejected("falta el nombre")
        return slug, name

    def apply(self, items: list[tuple[int, tuple[str, str]]]) -> BatchResult:
        self.batches += 1
        if self.batches == self.die_on_batch:
            raise KeyboardInterrupt
        result = BatchResult()
        for line, (slug, name) in items:
            if slug == "repetido":
                result.rejected.append((line, "repetido"))
                continue
            _, created = Institution.objects.update_or_create(slug=slug, defaults={"name": name})
            if created:
                result.created += 1
            else:
                result.unchanged += 1
        return result

    def finish(self, run: ImportRun) -> None:
        self.finished.append(run.pk)


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "datos.csv"
    path.write_text(text, encoding="utf-8")
    return path


FILE = "slug,name\na,Uno\nb,Dos\nc\nd,Cuatro\nrepetido,X\ne,Cinco\n"


def test_counts_rejections_and_report(tmp_path: Path) -> None:
    importer = LinesImporter()
    run = run_import(importer, write(tmp_path, FILE), batch_size=2, out=io.StringIO(), progress=False)
    assert run.status == ImportRun.Status.FINISHED
    assert (run.read, run.created, run.unchanged, run.rejected, run.committed_line) == (6, 4, 0, 2, 7)
    assert importer.finished == [run.pk]
    out = io.StringIO()
    write_report(run, out)
    assert out.getvalue() == (
        "Archivo datos.csv: 6 filas leídas, 4 creadas, 0 actualizadas, 0 sin cambios, 2 rechazadas.\n"
        "  línea 4: falta el nombre\n"
        "  línea 6: repetido\n"
    )


def test_wrong_format_writes_nothing(tmp_path: Path) -> None:
    run = run_import(LinesImporter(), write(tmp_path, "otra,cosa\na,b\n"), out=io.StringIO(), progress=False)
    assert run.status == ImportRun.Status.FAILED
    assert Institution.objects.count() == 0
    out = io.StringIO()
    write_report(run, out)
    assert out.getvalue() == "El archivo datos.csv no se importó: Falta el encabezado slug,name.\n"


def test_resume_after_a_kill(tmp_path: Path) -> None:
    path = write(tmp_path, FILE)
    with pytest.raises(KeyboardInterrupt):
        run_import(LinesImporter(die_on_batch=2), path, batch_size=2, out=io.StringIO(), progress=False)
    killed = ImportRun.objects.get()
    assert (killed.status, killed.read, killed.committed_line) == (ImportRun.Status.RUNNING, 2, 3)
    assert sorted(Institution.objects.values_list("slug", flat=True)) == ["a", "b"]
    resumed = run_import(LinesImporter(), path, batch_size=2, out=io.StringIO(), progress=False)
    assert resumed.pk == killed.pk
    assert (resumed.read, resumed.created, resumed.rejected) == (6, 4, 2)
    assert sorted(Institution.objects.values_list("slug", flat=True)) == ["a", "b", "d", "e"]
    # A finished file imported again is a new run with nothing changed.
    again = run_import(LinesImporter(), path, batch_size=2, out=io.StringIO(), progress=False)
    assert again.pk != resumed.pk
    assert (again.read, again.created, again.unchanged, again.rejected) == (6, 0, 4, 2)


def test_progress_bar(tmp_path: Path) -> None:
    out = io.StringIO()
    run_import(LinesImporter(), write(tmp_path, FILE), out=out, progress=True)
    assert out.getvalue().endswith("100.0%  6 filas\n")
    silent = io.StringIO()
    run_import(LinesImporter(), write(tmp_path, FILE), out=silent)  # not a terminal: no bar
    assert silent.getvalue() == ""


# All or nothing (mode "file") and uploaded bytes -----------------------------------------------------


def test_file_mode_a_bad_row_in_the_middle_writes_nothing_and_every_bad_row_is_listed() -> None:
    importer = LinesImporter()
    run = run_import(importer, Upload("subido.csv", FILE.encode()), mode="file", out=io.StringIO(), progress=False)
    assert run.status == ImportRun.Status.FINISHED
    assert Institution.objects.count() == 0  # a, b, d and e were fine, yet nothing is written
    assert (run.read, run.created, run.updated, run.unchanged, run.rejected) == (6, 0, 0, 0, 2)
    # Rejected by convert (line 4) and by apply (line 6): both listed with their line.
    assert list(run.rejections.values_list("line", "reason")) == [(4, "falta el nombre"), (6, "repetido")]
    assert importer.finished == []
    out = io.StringIO()
    write_report(run, out)
    assert out.getvalue() == (
        "Archivo subido.csv: 6 filas leídas, 0 creadas, 0 actualizadas, 0 sin cambios, 2 rechazadas.\n"
        "  línea 4: falta el nombre\n"
        "  línea 6: repetido\n"
        "No se guardó nada: corrija las filas rechazadas e importe el archivo de nuevo.\n"
    )


def test_file_mode_a_row_with_several_reasons_counts_once_and_lists_each() -> None:
    class TwoReasons(LinesImporter):
        def convert(self, line: int, raw: Any) -> tuple[str, str]:
            if raw.startswith("b,"):
                raise RowRejected("primera razón", "segunda razón")
            return super().convert(line, raw)

    text = "slug,name\na,Uno\nb,Dos\nc,Tres\n"
    run = run_import(TwoReasons(), Upload("x.csv", text.encode()), mode="file", out=io.StringIO(), progress=False)
    assert (run.read, run.rejected) == (3, 1)
    assert list(run.rejections.values_list("line", "reason")) == [(3, "primera razón"), (3, "segunda razón")]
    assert Institution.objects.count() == 0


def test_file_mode_a_good_file_is_written_whole_in_one_run(tmp_path: Path) -> None:
    importer = LinesImporter()
    text = "slug,name\na,Uno\nb,Dos\nc,Tres\n"
    run = run_import(importer, write(tmp_path, text), mode="file", batch_size=1, out=io.StringIO(), progress=False)
    assert run.status == ImportRun.Status.FINISHED
    assert (run.read, run.created, run.rejected, run.committed_line, run.message) == (3, 3, 0, 4, "")
    assert importer.batches == 1  # one transaction for the whole file, whatever the batch size
    assert importer.finished == [run.pk]
    again = run_import(LinesImporter(), write(tmp_path, text), mode="file", out=io.StringIO(), progress=False)
    assert again.pk != run.pk
    assert (again.created, again.unchanged) == (0, 3)


def test_file_mode_wrong_format_and_uploaded_bytes() -> None:
    run = run_import(LinesImporter(), Upload("x.csv", b"otra,cosa\na,b\n"), mode="file", out=io.StringIO())
    assert run.status == ImportRun.Status.FAILED
    assert run.message == "Falta el encabezado slug,name."
    assert Institution.objects.count() == 0
    batch = run_import(LinesImporter(), Upload("y.csv", FILE.encode()), out=io.StringIO(), progress=False)
    assert (batch.file_name, batch.read, batch.created, batch.rejected) == ("y.csv", 6, 4, 2)


def test_file_mode_is_never_resumed() -> None:
    data = Upload("x.csv", b"slug,name\na,Uno\nb,Dos\n")
    with pytest.raises(KeyboardInterrupt):
        run_import(LinesImporter(die_on_batch=1), data, mode="file", out=io.StringIO(), progress=False)
    killed = ImportRun.objects.get()
    assert (killed.status, killed.read, killed.committed_line) == (ImportRun.Status.RUNNING, 0, 0)
    assert Institution.objects.count() == 0
    run = run_import(LinesImporter(), data, mode="file", out=io.StringIO(), progress=False)
    assert run.pk != killed.pk
    assert (run.read, run.created) == (2, 2)


def test_the_writer_thread_commits_in_order_and_hands_its_first_error_back() -> None:
    """The writer of overlapped imports (``_Writer``): batches committed one at a time in the order
    given; after the first error nothing more is committed and the error is raised in the caller."""
    from abierta.core.importing import _Batch, _Writer

    committed: list[int] = []

    def commit(batch: _Batch) -> None:
        if batch.last_line == 3:
            raise ValueError("batch 3 failed")
        committed.append(batch.last_line)

    writer = _Writer(commit)
    for line in (1, 2):
        writer.put(_Batch({f"k{line}"}, BatchResult, [], 1, line))
    writer.wait_for({"k1", "k2"})
    assert committed == [1, 2]
    writer.put(_Batch({"k3"}, BatchResult, [], 1, 3))
    with pytest.raises(ValueError, match="batch 3"):
        writer.wait_for({"k3"})
    with pytest.raises(ValueError, match="batch 3"):
        writer.put(_Batch({"k4"}, BatchResult, [], 1, 4))
    with pytest.raises(ValueError, match="batch 3"):
        writer.close()
    assert committed == [1, 2]
