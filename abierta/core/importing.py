"""The one way files are imported (SECOP II contracts, OCDS releases, PAA spreadsheets, the
development plan's goals and measurements).

Every importer gets the same guarantees from :func:`run_import`:

- **Streaming.** The importer yields rows one at a time from a binary file object; at most one
  batch of converted rows is held in memory.
- **Format first.** ``Importer.rows`` raises :class:`FormatError` before yielding its first row when
  the file is not what it reads (wrong header, not JSON, wrong sheet): the run stops and nothing
  is written but the failed run's own record.
- **Row by row.** ``Importer.convert`` raises :class:`RowRejected` with a reason (through gettext);
  the row is reported with its line and the rest goes on.
- **Atomic per batch, resumable.** Each batch is applied in one transaction together with the run's
  counters, its rejections and ``committed_line``. If the process is killed, running the same file
  again (same kind, same SHA-256, same options) resumes after the last committed line.
- **Idempotent.** Importers compare a hash of what they would store with what is stored and count
  the row as unchanged when equal; running a finished file again changes nothing.
- **All or nothing, on request.** With ``mode="file"`` every row is converted, then the whole file
  is applied in one transaction; if any row is rejected (by ``convert`` or by ``apply``) that
  transaction is rolled back and nothing is written but the run's own record, which lists every
  rejected row with its line and reason. Such a run is never resumed: a killed one wrote nothing.
- **From a path or from bytes.** The source is a path, or an :class:`Upload` (a file received whole,
  as the staff web pages receive one).
- **Bounded spreadsheets.** An XLSX is a zip: before openpyxl opens one, :func:`xlsx_check` refuses
  a workbook that would unzip to more than ``XLSX_MAX_UNZIPPED_BYTES`` or that is compressed far
  more than real spreadsheets are; importers count every row they read, blank ones too, against
  their maximum (:func:`rows_capped`), since a sheet can declare a million empty rows in a few bytes.
- **Reading overlaps writing, on PostgreSQL.** An importer that splits ``apply`` in two (a
  :class:`Staged` importer: ``prepare`` reads what it needs and computes the rows, ``write`` stores
  them) has each batch written by a second connection, in a thread, while the next batch is read,
  converted and prepared; batches are still committed one at a time, in the order of the file, each
  with its counters and ``committed_line``, and a batch that names a key (an ocid) of a batch not yet
  committed waits for it. The first error of the writer stops the import where the last committed
  batch ended, as in one thread. (docs/decisions/0007-contract-imports.md)
- **One at a time per table, on PostgreSQL.** Importers that write the same rows (a SECOP II file,
  an OCDS file and the open data synchronisation all write contracts) name the same ``exclusive``
  lock: a second import waits for the first to end, so that neither prepares a batch from rows the
  other is about to change (two imports creating one new ocid would otherwise fail a batch).
- **Visible.** A progress bar on a terminal (by bytes of the file read) and a final report: read,
  created, updated, unchanged, rejected, with every rejected row's line and reason.
"""

from __future__ import annotations

import contextlib
import datetime
import gc
import hashlib
import io
import queue
import sys
import threading
import time
import uuid
import zipfile
from argparse import ArgumentParser
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, Generic, Protocol, TypeVar

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, connections, transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django_tasks.base import Task

from abierta.core.cache import bump_version
from abierta.core.models import ImportRejection, ImportRun
from abierta.core.queue import TaskTimeout

T = TypeVar("T")
T_co = TypeVar("T_co", covariant=True)

DEFAULT_BATCH_SIZE = 1000


class FormatError(Exception):
    """The file is not in the format this importer reads. The message (translated) is shown to the user."""


# What an XLSX may unzip to (all its members together), and how much more than it weighs. Real
# workbooks unzip to 5–20 times their size; sheets of repeated or empty cells go far beyond.
XLSX_MAX_UNZIPPED_BYTES = 200 * 1024 * 1024
XLSX_MAX_RATIO = 100


def xlsx_check(file: IO[bytes]) -> None:
    """Refuse (FormatError) a workbook whose members would unzip to too much, from the sizes its zip
    directory declares (``zipfile`` never inflates a member past its declared size), before any of
    it is inflated. Leaves ``file`` at its start."""
    try:
        with zipfile.ZipFile(file) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise FormatError(_("The file is not a valid Excel (.xlsx) workbook.")) from None
    finally:
        file.seek(0)
    unzipped = sum(member.file_size for member in members)
    packed = sum(member.compress_size for member in members)
    if unzipped > XLSX_MAX_UNZIPPED_BYTES or (unzipped > 1024 * 1024 and unzipped > XLSX_MAX_RATIO * max(packed, 1)):
        raise FormatError(
            _(
                "The workbook unzips to %(size)d MB, far more than its content needs (at most %(max)d MB): "
                "it probably has many empty formatted rows or cells. Copy the data to a new workbook, or "
                "save it as CSV, and try again."
            )
            % {"size": unzipped // (1024 * 1024), "max": XLSX_MAX_UNZIPPED_BYTES // (1024 * 1024)}
        )


def rows_capped(rows: Iterable[T], max_rows: int) -> Iterator[T]:
    """The rows, refusing (FormatError) the file once more than ``max_rows`` have been read: every
    row counts, blank ones too, since reading a blank row costs as much as reading a full one."""
    for count, row in enumerate(rows, start=1):
        if count > max_rows:
            raise FormatError(
                _(
                    "The file has more than %(max)d rows (empty rows count too: delete the empty rows "
                    "after the data, or save it as CSV)."
                )
                % {"max": max_rows}
            )
        yield row


class RowRejected(Exception):
    """One row cannot be imported. The message (translated) is the reason reported with its line;
    a row may have several reasons (``RowRejected(first, second)``), each reported with its line."""

    def __init__(self, *reasons: str) -> None:
        super().__init__(*reasons)
        self.reasons = list(reasons)

    def __str__(self) -> str:
        return "; ".join(self.reasons)


@dataclass(frozen=True)
class Upload:
    """A file received whole (an upload on a staff page): its name and its bytes."""

    name: str
    data: bytes


@dataclass
class BatchResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    # Rows found invalid only when applied (e.g. a duplicate key inside the file): (line, reason).
    rejected: list[tuple[int, str]] = field(default_factory=list)


class Importer(Protocol[T]):
    """What an importer provides; :func:`run_import` does the rest."""

    kind: str
    # The model whose rows the importer writes (for the page-cache version bump after each batch).
    model: type[Any]

    def options(self) -> dict[str, Any]:
        """Options that change what is written; part of the run's identity for resuming."""
        ...

    def rows(self, stream: IO[bytes]) -> Iterator[tuple[int, Any]]:
        """Yield (line, raw row); raise FormatError before the first yield if the format is wrong."""
        ...

    def convert(self, line: int, raw: Any) -> T:
        """Turn one raw row into what ``apply`` stores; raise RowRejected with the reason."""
        ...

    def apply(self, items: list[tuple[int, T]]) -> BatchResult:
        """Write one batch (already inside a transaction). Count created, updated and unchanged rows."""
        ...

    def finish(self, run: ImportRun) -> None:
        """Work after the last batch (e.g. recompute derived data). May do nothing."""
        ...


class Staged(Importer[T], Protocol[T]):
    """An importer whose ``apply`` is ``write(prepare(items))``, so that on PostgreSQL a batch is
    written on a second connection while the next one is read and prepared (see the module docstring).

    ``prepare`` may read the database but writes nothing; what it reads about a key of ``keys`` may be
    changed only by a batch not yet committed, and :func:`run_import` waits for that batch first.
    ``write`` runs in the batch's transaction, in another thread, in the order of the file."""

    def keys(self, items: list[tuple[int, T]]) -> set[str]:
        """What the batch's rows are about (e.g. their ocids): two batches with a key in common are
        prepared one after the other is committed."""
        ...

    def prepare(self, items: list[tuple[int, T]]) -> Any:
        """Read what the batch needs and compute what ``write`` stores."""
        ...

    def write(self, prepared: Any) -> BatchResult:
        """Store what ``prepare`` computed (inside the batch's transaction)."""
        ...


def _staged(importer: Importer[Any]) -> Staged[Any] | None:
    """``importer`` when its batches may be written by a second connection: it is a :class:`Staged`
    importer, the database is PostgreSQL (SQLite has one writer and the embedded one is small), the
    import is not inside a transaction (a test's, which a second connection would not see), and
    ``ABIERTA_IMPORT_OVERLAP`` is on."""
    if not getattr(settings, "ABIERTA_IMPORT_OVERLAP", True):
        return None
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        return None
    if not all(callable(getattr(importer, name, None)) for name in ("keys", "prepare", "write")):
        return None
    return importer  # type: ignore[return-value]


@dataclass
class _Batch:
    keys: set[str]
    write: Callable[[], BatchResult]
    rejected: list[tuple[int, str]]
    read: int
    last_line: int


class _Writer:
    """Commits batches one at a time, in order, on its own database connection, in a thread.
    At most one batch waits while one is written, so memory stays at a few batches. After the first
    error it writes nothing more; :meth:`put` and :meth:`close` raise that error in the caller."""

    def __init__(self, commit: Callable[[_Batch], None]) -> None:
        self._commit = commit
        self._queue: queue.Queue[_Batch | None] = queue.Queue(maxsize=1)
        self._lock = threading.Lock()
        self._uncommitted: list[_Batch] = []
        self._committed = threading.Condition(self._lock)
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._loop, name="import-writer", daemon=True)
        self._thread.start()

    def _loop(self) -> None:
        try:
            while (batch := self._queue.get()) is not None:
                if self._error is None:
                    try:
                        self._commit(batch)
                    except BaseException as error:  # handed to the reading thread
                        self._error = error
                with self._committed:
                    self._uncommitted.remove(batch)
                    self._committed.notify_all()
        finally:
            connections.close_all()  # this thread's connections only

    def _raise(self) -> None:
        if self._error is not None:
            raise self._error

    def wait_for(self, keys: set[str]) -> None:
        """Return once no batch naming one of ``keys`` is waiting or being written."""
        with self._committed:
            while any(not keys.isdisjoint(batch.keys) for batch in self._uncommitted):
                self._committed.wait()
        self._raise()

    def put(self, batch: _Batch) -> None:
        self._raise()
        with self._lock:
            self._uncommitted.append(batch)
        self._queue.put(batch)

    def close(self) -> None:
        """Wait until every batch handed over is committed (or the first error), then stop."""
        self._queue.put(None)
        self._thread.join()
        self._raise()


class _CountingReader(io.RawIOBase):
    """Wraps a binary file and counts the bytes read, for the progress bar."""

    def __init__(self, raw: IO[bytes]) -> None:
        self.raw = raw
        self.count = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = self.raw.read(len(buffer))
        n = len(data)
        buffer[:n] = data
        self.count += n
        return n


class _Progress:
    def __init__(self, out: IO[str], total: int, enabled: bool) -> None:
        self.out, self.total, self.enabled = out, max(total, 1), enabled
        self.last = 0.0

    def show(self, done: int, rows: int, force: bool = False) -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        if not force and now - self.last < 0.2:
            return
        self.last = now
        share = min(done / self.total, 1.0)
        bar = "#" * int(share * 30)
        self.out.write(f"\r[{bar:<30}] {share:6.1%}  " + _("%(rows)s rows") % {"rows": f"{rows:,}"})
        self.out.flush()

    def end(self) -> None:
        if self.enabled:
            self.out.write("\n")
            self.out.flush()


BATCH, FILE = "batch", "file"


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


@dataclass
class _Pending(Generic[T]):
    items: list[tuple[int, T]] = field(default_factory=list)
    rejected: list[tuple[int, str]] = field(default_factory=list)
    read: int = 0
    last_line: int = 0
    # Rows of the batches handed to the writer thread (read, perhaps not yet committed).
    handed: int = 0


def run_import(
    importer: Importer[Any],
    source: Path | Upload,
    *,
    mode: str = BATCH,
    batch_size: int = DEFAULT_BATCH_SIZE,
    out: IO[str] | None = None,
    progress: bool | None = None,
    started_by: str = "",
    run: ImportRun | None = None,
) -> ImportRun:
    """Import ``source`` with ``importer``; return the finished (or failed) run. ``mode`` is
    ``"batch"`` (atomic per batch, resumable) or ``"file"`` (all or nothing). See the module docstring.
    ``run`` is a run already written (a queued upload of :func:`import_enqueue`): it is used as is,
    and the rows read so far are written to it as the file is read, for its page to show."""
    if mode not in (BATCH, FILE):
        raise ValueError(mode)
    out = out if out is not None else sys.stderr
    if progress is None:
        progress = out.isatty()
    size = len(source.data) if isinstance(source, Upload) else source.stat().st_size
    if run is not None:
        run.status = ImportRun.Status.RUNNING
        run.save(update_fields=["status"])
        with exclusive(importer):
            return _run_import(importer, source, run, mode, batch_size, _Progress(out, size, progress), live=True)
    if isinstance(source, Upload):
        sha, name = hashlib.sha256(source.data).hexdigest(), source.name
    else:
        sha, name = file_sha256(source), source.name
    options = importer.options()
    if mode == BATCH:
        run = (
            ImportRun.objects.filter(
                kind=importer.kind, file_sha256=sha, options=options, status=ImportRun.Status.RUNNING
            )
            .order_by("-started_at")
            .first()
        )
    if run is None:
        run = ImportRun.objects.create(
            kind=importer.kind, file_name=name, file_sha256=sha, options=options, started_by=started_by
        )
    with exclusive(importer):
        return _run_import(importer, source, run, mode, batch_size, _Progress(out, size, progress), live=False)


@contextlib.contextmanager
def exclusive(importer: Any) -> Iterator[None]:
    """Hold the importer's ``exclusive`` lock (a PostgreSQL advisory lock named by a string) while it
    runs: imports with the same name run one after the other, on any machine. Nothing on SQLite,
    where one writer at a time is the database's own rule."""
    name = getattr(importer, "exclusive", "")
    if not name or connection.vendor != "postgresql":
        yield
        return
    key = int.from_bytes(hashlib.sha256(f"abierta-import:{name}".encode()).digest()[:8], "big", signed=True)
    # Held by a connection of its own, closed at the end whatever happened to the import's
    # transactions (closing it releases the lock; a failed transaction could not run the unlock).
    holder = connections.create_connection(connection.alias)
    try:
        with holder.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_lock(%s)", [key])
        yield
    finally:
        holder.close()


# Rows read between two writes of a live run's ``read`` (its page shows it while the file is read).
LIVE_EVERY = 500


def _run_import(
    importer: Importer[Any],
    source: Path | Upload,
    run: ImportRun,
    mode: str,
    batch_size: int,
    bar: _Progress,
    *,
    live: bool,
) -> ImportRun:
    with io.BytesIO(source.data) if isinstance(source, Upload) else source.open("rb") as raw:
        reader = _CountingReader(raw)
        stream = io.BufferedReader(reader, buffer_size=1 << 16)

        def show(rows: int) -> None:
            bar.show(reader.count, rows)
            # "file" mode writes its counters only at the end: a live run tells how far it is.
            if live and mode == FILE and rows % LIVE_EVERY == 0:
                ImportRun.objects.filter(pk=run.pk).update(read=rows)

        try:
            if mode == FILE:
                _run_file(importer, run, stream, show)
            else:
                _run_batches(importer, run, stream, batch_size, show)
        except FormatError as error:
            # Only the batches already committed stay (none when the header was wrong, or in "file" mode).
            bar.end()
            run.status = ImportRun.Status.FAILED
            run.message = str(error)
            run.finished_at = timezone.now()
            run.save(update_fields=["status", "message", "finished_at"])
            return run
        bar.show(reader.count, run.read, force=True)
        bar.end()
    if mode == BATCH:
        importer.finish(run)
    run.status = ImportRun.Status.FINISHED
    run.finished_at = timezone.now()
    run.save(update_fields=["status", "finished_at"])
    return run


def _run_batches(
    importer: Importer[Any], run: ImportRun, stream: IO[bytes], batch_size: int, show: Callable[[int], None]
) -> None:
    resume_after = run.committed_line
    pending: _Pending[Any] = _Pending()
    staged = _staged(importer)

    def commit(batch: _Batch) -> None:
        with transaction.atomic():
            result = batch.write()
            rejected = sorted(batch.rejected + result.rejected)
            ImportRejection.objects.bulk_create(
                [ImportRejection(run=run, line=line, reason=reason) for line, reason in rejected]
            )
            run.read += batch.read
            run.created += result.created
            run.updated += result.updated
            run.unchanged += result.unchanged
            run.rejected += len({line for line, _reason in rejected})
            run.committed_line = batch.last_line
            run.save(update_fields=["read", "created", "updated", "unchanged", "rejected", "committed_line"])
            if result.created or result.updated:
                bump_version(sender=importer.model)

    writer = _Writer(commit) if staged is not None else None
    pending.handed = run.read

    def flush() -> None:
        if not pending.items and not pending.rejected and pending.read == 0:
            return
        items = pending.items
        if staged is not None and writer is not None:
            keys = staged.keys(items) if items else set()
            writer.wait_for(keys)
            prepared = staged.prepare(items) if items else None

            def write() -> BatchResult:
                return staged.write(prepared) if prepared is not None else BatchResult()

            writer.put(_Batch(keys, write, pending.rejected, pending.read, pending.last_line))
            # What this thread shows as read: the batches handed over count from now.
            pending.handed += pending.read
        else:

            def write() -> BatchResult:
                return importer.apply(items) if items else BatchResult()

            commit(_Batch(set(), write, pending.rejected, pending.read, pending.last_line))
        pending.items, pending.rejected, pending.read = [], [], 0

    try:
        for line, raw_row in importer.rows(stream):
            if line <= resume_after:
                continue
            pending.read += 1
            pending.last_line = line
            try:
                pending.items.append((line, importer.convert(line, raw_row)))
            except RowRejected as rejection:
                pending.rejected.extend((line, reason) for reason in rejection.reasons)
            if len(pending.items) + len(pending.rejected) >= batch_size:
                flush()
            show(run.read + pending.read if writer is None else pending.handed + pending.read)
        flush()
    finally:
        # The batches already handed over are committed (or the writer's first error is raised), as
        # one thread would have committed them before reading on.
        if writer is not None:
            writer.close()


class _Rejected(Exception):
    """Rows were rejected when applied in "file" mode: roll the whole file back."""

    def __init__(self, rejected: list[tuple[int, str]]) -> None:
        self.rejected = rejected


def _run_file(importer: Importer[Any], run: ImportRun, stream: IO[bytes], show: Callable[[int], None]) -> None:
    items: list[tuple[int, Any]] = []
    rejected: list[tuple[int, str]] = []
    read = last_line = 0
    for line, raw_row in importer.rows(stream):
        read += 1
        last_line = line
        try:
            items.append((line, importer.convert(line, raw_row)))
        except RowRejected as rejection:
            rejected.extend((line, reason) for reason in rejection.reasons)
        show(read)
    try:
        with transaction.atomic():
            # Applied even when rows were rejected, to find the rows only applying rejects; then undone.
            result = importer.apply(items) if items else BatchResult()
            if rejected or result.rejected:
                raise _Rejected(rejected + result.rejected)
            importer.finish(run)
            run.read, run.created, run.updated, run.unchanged = read, result.created, result.updated, result.unchanged
            run.committed_line = last_line
            run.save(update_fields=["read", "created", "updated", "unchanged", "committed_line"])
            if result.created or result.updated:
                bump_version(sender=importer.model)
    except _Rejected as rollback:
        # Every rejected row, in the order of the file (a row's reasons in the order found).
        ordered = sorted(rollback.rejected, key=lambda rejection: rejection[0])
        with transaction.atomic():
            ImportRejection.objects.bulk_create(
                [ImportRejection(run=run, line=line, reason=reason) for line, reason in ordered]
            )
            run.read = read
            run.created = run.updated = run.unchanged = 0
            run.rejected = len({line for line, _reason in ordered})
            run.message = _("Nothing was written: correct the rejected rows and import the file again.")
            run.save(update_fields=["read", "created", "updated", "unchanged", "rejected", "message"])


def import_enqueue(*, kind: str, upload: UploadedFile, options: dict[str, Any], started_by: str = "") -> ImportRun:
    """Keep a file uploaded on a staff page (private storage, never served) and a queued run for it;
    the caller enqueues the task that imports it (:func:`import_queued`)."""
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    name = str(upload.name or "archivo")
    suffix = Path(name).suffix.lower()[:10]
    run = ImportRun(
        kind=kind,
        file_name=name[:300],
        file_sha256=digest.hexdigest(),
        options=options,
        status=ImportRun.Status.QUEUED,
        started_by=started_by,
    )
    run.upload.save(f"{uuid.uuid4().hex}{suffix}", upload, save=False)
    run.save()
    return run


def import_queued(
    run_id: int, importer: Callable[[ImportRun], Importer[Any]], *, mode: str = BATCH, keep_on_error: bool = False
) -> ImportRun:
    """Import a queued run's file (the queue's task calls this); the file is deleted once done:
    imported, refused, or past the time limit. On an unexpected error the run is failed and the
    error raised again, for the task's traceback; the file is deleted too (it may hold personal
    data, like a voter roll), unless ``keep_on_error``: a file imported per batch is then kept, so that
    "Run again" on the queue's staff page resumes after its last committed line (:func:`import_requeue`;
    :func:`imports_lost` deletes it after ``ABIERTA_IMPORT_KEEP_FAILED_DAYS``).
    A run that is no longer queued (already run by another attempt) is left as it is."""
    # ``started_at`` becomes the moment a worker took it, for :func:`imports_lost`.
    claimed = ImportRun.objects.filter(pk=run_id, status=ImportRun.Status.QUEUED).update(
        status=ImportRun.Status.RUNNING, started_at=timezone.now()
    )
    run = ImportRun.objects.get(pk=run_id)
    if not claimed:
        return run
    try:
        done = run_import(importer(run), Path(run.upload.path), mode=mode, progress=False, run=run)
    except TaskTimeout:
        run.status = ImportRun.Status.FAILED
        run.message = _("The import took too long and was stopped: split the file into smaller files.")
        run.finished_at = timezone.now()
        run.save(update_fields=["status", "message", "finished_at"])
        done = run
    except Exception:
        keep = keep_on_error and mode == BATCH
        if not keep:
            # The file goes first: it may hold personal data, and the database may be what failed.
            run.upload.delete(save=False)
        run.status = ImportRun.Status.FAILED
        run.message = (
            _(
                "The import stopped on an unexpected error; the rows already imported were kept. A platform "
                "administrator can run it again from the task queue page, or upload the file again."
            )
            if keep
            else _("The import stopped on an unexpected error and wrote nothing more: upload the file again.")
        )
        run.finished_at = timezone.now()
        run.save(update_fields=["upload", "status", "message", "finished_at"])
        raise
    done.upload.delete(save=False)
    done.save(update_fields=["upload"])
    return done


def imports_lost(now: datetime.datetime | None = None) -> int:
    """Mark failed the web imports left running by a worker that died: running for longer than
    ``ABIERTA_TASK_LOST_AFTER`` (more than any import task's time limit, after which a live task
    would have been stopped). Their file is deleted; the page asks for it again."""
    moment = now or timezone.now()
    limit = datetime.timedelta(seconds=int(settings.ABIERTA_TASK_LOST_AFTER))
    lost = ImportRun.objects.filter(status=ImportRun.Status.RUNNING, started_at__lt=moment - limit).exclude(upload="")
    count = 0
    for run in lost:
        run.upload.delete(save=False)
        run.status = ImportRun.Status.FAILED
        run.message = _("The import stopped before it ended (the worker running it stopped): upload the file again.")
        run.finished_at = moment
        run.save(update_fields=["upload", "status", "message", "finished_at"])
        count += 1
    # Files kept after an unexpected error (``import_queued(keep_on_error=True)``) for "Run again".
    kept = datetime.timedelta(days=int(settings.ABIERTA_IMPORT_KEEP_FAILED_DAYS))
    for run in ImportRun.objects.filter(status=ImportRun.Status.FAILED, finished_at__lt=moment - kept).exclude(
        upload=""
    ):
        run.upload.delete(save=False)
        run.save(update_fields=["upload"])
        count += 1
    return count


# The tasks that import a queued run's file (the keyword ``run_id``), by task path, with the page
# that takes such a file (from the task's keywords): what the queue's staff page offers when one failed.
_WEB_IMPORTS: dict[str, Callable[[dict[str, Any]], str]] = {}

TaskT = TypeVar("TaskT", bound=Task[..., Any])


def web_import_task(upload_page: Callable[[dict[str, Any]], str]) -> Callable[[TaskT], TaskT]:
    """Declare a task that imports a queued run's file (:func:`import_queued`, called with its
    keyword ``run_id``); ``upload_page(kwargs)`` is the URL of the page that takes the file ("" when
    there is none any more). The queue's staff page runs such a task again only while the file is kept."""

    def register(the_task: TaskT) -> TaskT:
        _WEB_IMPORTS[the_task.module_path] = upload_page
        return the_task

    return register


@dataclass(frozen=True)
class FailedImport:
    """A web import whose task failed: its run (None when deleted) and the page that takes its file."""

    run: ImportRun | None
    upload_url: str

    @property
    def file_kept(self) -> bool:
        """Whether the run can be imported again: not finished, and its file still in storage."""
        run = self.run
        return (
            run is not None
            and run.status != ImportRun.Status.FINISHED
            and bool(run.upload)
            and run.upload.storage.exists(run.upload.name)
        )


def failed_import(task_path: str, kwargs: dict[str, Any]) -> FailedImport | None:
    """What became of the run of a failed task (by its path) declared with :func:`web_import_task`;
    None for another task, or one no longer in the code."""
    if task_path not in _WEB_IMPORTS:
        try:
            import_string(task_path)  # its module declares it when imported
        except ImportError:
            return None
    upload_page = _WEB_IMPORTS.get(task_path)
    if upload_page is None:
        return None
    run_id = kwargs.get("run_id")
    run = ImportRun.objects.filter(pk=run_id).first() if isinstance(run_id, int) else None
    return FailedImport(run=run, upload_url=upload_page(kwargs))


def import_requeue(run_id: int) -> bool:
    """Put back in the queue a run whose task failed while its file is still kept (the caller
    enqueues the task again, in the same transaction). A run imported per batch then resumes after
    its last committed line. False when the run is finished, gone, or its file is no longer kept."""
    with transaction.atomic():
        pending = ImportRun.objects.select_for_update().exclude(status=ImportRun.Status.FINISHED).exclude(upload="")
        run = pending.filter(pk=run_id).first()
        if run is None or not run.upload.storage.exists(run.upload.name):
            return False
        run.status = ImportRun.Status.QUEUED
        run.message = ""
        run.finished_at = None
        run.save(update_fields=["status", "message", "finished_at"])
        return True


def write_report(run: ImportRun, out: IO[str]) -> None:
    """The report printed at the end of an import."""
    if run.status == ImportRun.Status.FAILED:
        failed = _("The file %(file)s was not imported: %(message)s") % {"file": run.file_name, "message": run.message}
        out.write(failed + "\n")
        if run.committed_line:
            out.write(_("The rows up to line %(line)d were kept.") % {"line": run.committed_line} + "\n")
        return
    out.write(
        _(
            "File %(file)s: %(read)d rows read, %(created)d created, %(updated)d updated, "
            "%(unchanged)d unchanged, %(rejected)d rejected."
        )
        % {
            "file": run.file_name,
            "read": run.read,
            "created": run.created,
            "updated": run.updated,
            "unchanged": run.unchanged,
            "rejected": run.rejected,
        }
        + "\n"
    )
    for rejection in run.rejections.order_by("line", "pk").iterator():
        out.write("  " + _("line %(line)d: %(reason)s") % {"line": rejection.line, "reason": rejection.reason} + "\n")
    if run.message:
        out.write(run.message + "\n")


class ImportCommand(BaseCommand):
    """The base of every import command: one run of ``importer()`` per file, a progress bar on a
    terminal (stderr) and the report (stdout); the command fails if any file did not import.

    A command adds its own arguments in ``add_arguments`` (positional ones before calling
    ``super()``, so they come before the files), builds its importer from them in ``importer``,
    may change ``mode`` (``"file"``: all or nothing) and the report (``report``)."""

    # The system checks take seconds and read nothing an import needs (``abierta check`` runs them).
    requires_system_checks: list[str] = []
    mode = BATCH
    started_by = "línea de comandos"
    # Whether the command takes several files (``FILE...``) or one (``FILE``), and their help.
    many_files = True
    files_help = ""

    def add_arguments(self, parser: ArgumentParser) -> None:
        if self.many_files:
            parser.add_argument("files", nargs="+", metavar="FILE", type=Path, help=self.files_help or None)
        else:
            parser.add_argument("files", nargs=1, metavar="FILE", type=Path, help=self.files_help or None)
        if self.mode == BATCH:
            parser.add_argument(
                "--batch-size", type=int, default=DEFAULT_BATCH_SIZE, help=_("Rows per transaction (1000 by default).")
            )
        parser.add_argument("--no-progress", action="store_true", help=_("No progress bar."))

    def importer(self, path: Path, options: dict[str, Any]) -> Importer[Any]:
        """The importer of one file, from the command's options; CommandError if they are wrong."""
        raise NotImplementedError

    def report(self, run: ImportRun, importer: Importer[Any]) -> str:
        """Write the run's report; return the reason the command fails for it ("" when it does not)."""
        report = io.StringIO()
        write_report(run, report)
        if run.status == ImportRun.Status.FAILED:
            return report.getvalue().strip()
        self.stdout.write(report.getvalue(), ending="")
        return ""

    def handle(self, *args: Any, **options: Any) -> None:
        files: list[Path] = options["files"]
        for path in files:
            if not path.is_file():
                raise CommandError(_("The file %(path)s does not exist.") % {"path": path})
        batch_size: int = options.get("batch_size", DEFAULT_BATCH_SIZE)
        if batch_size < 1:
            raise CommandError(_("--batch-size must be 1 or more."))
        failed: list[str] = []
        # Parsed JSON is trees, not cycles: collect cycles far less often than after every 700 new
        # containers (a large file makes millions of them). Memory stays bounded by the batch.
        gc.set_threshold(100_000, 50, 100)
        bar_out: IO[str] = getattr(self.stderr, "_out", sys.stderr)
        for path in files:
            importer = self.importer(path, options)
            run = run_import(
                importer,
                path,
                mode=self.mode,
                batch_size=batch_size,
                out=bar_out,
                progress=False if options["no_progress"] else None,
                started_by=self.started_by,
            )
            reason = self.report(run, importer)
            if reason:
                failed.append(reason)
        if failed:
            raise CommandError("\n".join(failed))
