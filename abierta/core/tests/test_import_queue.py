"""Web imports on the queue (core.importing.import_enqueue / import_queued / imports_lost): the file
waits in private storage, a run is claimed once, a run past its time limit or whose worker died
ends failed with a message, and its file is deleted; a run goes back to the queue only while its
file is kept."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from abierta.core.importing import (
    BatchResult,
    failed_import,
    import_enqueue,
    import_queued,
    import_requeue,
    imports_lost,
)
from abierta.core.models import ImportRun, Institution
from abierta.core.queue import TaskTimeout

pytestmark = pytest.mark.django_db


class LineCounter:
    """Reads one row per line of the file and writes nothing; ``slow`` runs past the time limit."""

    kind = "test-lines"
    model = Institution

    def __init__(self, slow: bool = False, broken: bool = False) -> None:
        self.slow = slow
        self.broken = broken
        self.runs = 0

    def options(self) -> dict[str, Any]:
        return {}

    def rows(self, stream: IO[bytes]) -> Iterator[tuple[int, Any]]:
        self.runs += 1
        for number, line in enumerate(stream.read().splitlines(), start=1):
            if self.slow:
                raise TaskTimeout("ran past its limit of 900 s")
            if self.broken:
                raise RuntimeError("a bug")
            yield number, line

    def convert(self, line: int, raw: Any) -> Any:
        return raw

    def apply(self, items: list[tuple[int, Any]]) -> BatchResult:
        return BatchResult(unchanged=len(items))

    def finish(self, run: ImportRun) -> None:
        pass


def _queued(content: bytes = b"a\nb\nc\n") -> ImportRun:
    return import_enqueue(kind=LineCounter.kind, upload=SimpleUploadedFile("lineas.csv", content), options={})


def test_the_file_waits_in_private_storage_and_is_imported_once() -> None:
    run = _queued()
    stored = Path(run.upload.path)
    assert run.status == ImportRun.Status.QUEUED and run.file_name == "lineas.csv"
    assert Path(settings.ABIERTA_PRIVATE_ROOT) in stored.parents and stored.read_bytes() == b"a\nb\nc\n"
    importer = LineCounter()
    done = import_queued(run.pk, lambda run: importer)
    assert (done.status, done.read, done.unchanged) == (ImportRun.Status.FINISHED, 3, 3)
    assert not done.upload and not stored.exists()
    # A second delivery of the same task does nothing.
    assert import_queued(run.pk, lambda run: importer).status == ImportRun.Status.FINISHED
    assert importer.runs == 1


def test_an_import_past_its_time_limit_is_failed_with_a_message() -> None:
    run = _queued()
    done = import_queued(run.pk, lambda run: LineCounter(slow=True))
    assert done.status == ImportRun.Status.FAILED and "tardó demasiado" in done.message
    assert not done.upload


def test_an_unexpected_error_fails_the_run_deletes_its_file_and_is_raised_again() -> None:
    run = _queued()
    stored = Path(run.upload.path)
    with pytest.raises(RuntimeError):
        import_queued(run.pk, lambda run: LineCounter(broken=True))
    run.refresh_from_db()
    assert run.status == ImportRun.Status.FAILED and "error inesperado" in run.message and run.finished_at
    assert not run.upload and not stored.exists()


def test_runs_left_by_a_dead_worker_are_failed(settings: Any) -> None:
    settings.ABIERTA_TASK_LOST_AFTER = 3600
    old, recent, command = _queued(), _queued(), ImportRun.objects.create(kind="secop2", file_name="c.csv")
    stored = Path(old.upload.path)
    long_ago = timezone.now() - datetime.timedelta(hours=2)
    ImportRun.objects.filter(pk__in=[old.pk, command.pk]).update(status=ImportRun.Status.RUNNING, started_at=long_ago)
    ImportRun.objects.filter(pk=recent.pk).update(status=ImportRun.Status.RUNNING)
    assert imports_lost() == 1
    old.refresh_from_db()
    recent.refresh_from_db()
    command.refresh_from_db()
    assert old.status == ImportRun.Status.FAILED and "suba el archivo de nuevo" in old.message and not stored.exists()
    assert recent.status == command.status == ImportRun.Status.RUNNING  # a live one; a command's own run


def test_a_run_goes_back_to_the_queue_only_while_its_file_is_kept(settings: Any) -> None:
    """``import_requeue``: a run left running by a task that raised keeps its file and is queued
    again, then imported; a finished run, or one whose file was deleted as lost, is not."""
    settings.ABIERTA_TASK_LOST_AFTER = 3600
    stuck = _queued()
    ImportRun.objects.filter(pk=stuck.pk).update(status=ImportRun.Status.RUNNING)
    assert import_requeue(stuck.pk)
    stuck.refresh_from_db()
    assert stuck.status == ImportRun.Status.QUEUED
    done = import_queued(stuck.pk, lambda run: LineCounter())
    assert (done.status, done.read) == (ImportRun.Status.FINISHED, 3)
    assert not import_requeue(done.pk)  # finished, and its file deleted

    lost = _queued()
    long_ago = timezone.now() - datetime.timedelta(hours=2)
    ImportRun.objects.filter(pk=lost.pk).update(status=ImportRun.Status.RUNNING, started_at=long_ago)
    assert imports_lost() == 1
    assert not import_requeue(lost.pk)
    lost.refresh_from_db()
    assert lost.status == ImportRun.Status.FAILED
    assert not import_requeue(lost.pk + 1000)  # no such run


def test_a_task_not_declared_as_a_web_import_is_not_one() -> None:
    assert failed_import("abierta.core.tasks.imports_lost_task", {"run_id": 1}) is None
    assert failed_import("abierta.nothing.here", {}) is None


def test_a_batch_import_that_may_keep_its_file_keeps_it_for_a_week_after_an_error(settings: Any) -> None:
    """``keep_on_error`` (contracts, PAA): the file stays for "Run again", then goes after
    ``ABIERTA_IMPORT_KEEP_FAILED_DAYS``."""
    settings.ABIERTA_IMPORT_KEEP_FAILED_DAYS = 7
    run = _queued()
    stored = Path(run.upload.path)
    with pytest.raises(RuntimeError):
        import_queued(run.pk, lambda run: LineCounter(broken=True), keep_on_error=True)
    run.refresh_from_db()
    assert run.status == ImportRun.Status.FAILED and "ejecutarla de nuevo" in run.message
    assert run.upload and stored.exists()
    assert imports_lost() == 0 and stored.exists()
    ImportRun.objects.filter(pk=run.pk).update(finished_at=timezone.now() - datetime.timedelta(days=8))
    assert imports_lost() == 1
    run.refresh_from_db()
    assert not run.upload and not stored.exists()
    assert run.status == ImportRun.Status.FAILED
