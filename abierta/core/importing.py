"""The one way files are imported (SECOP II contracts, OCDS releases, PAA spreadsheets).

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
- **Visible.** A progress bar on a terminal (by bytes of the file read) and a final report: read,
  created, updated, unchanged, rejected, with every rejected row's line and reason.
"""

from __future__ import annotations

import gc
import hashlib
import io
import sys
import time
from argparse import ArgumentParser
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, Generic, Protocol, TypeVar

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from abierta.core.cache import bump_version
from abierta.core.models import ImportRejection, ImportRun

T = TypeVar("T")
T_co = TypeVar("T_co", covariant=True)

DEFAULT_BATCH_SIZE = 1000


class FormatError(Exception):
    """The file is not in the format this importer reads. The message (translated) is shown to the user."""


class RowRejected(Exception):
    """One row cannot be imported. The message (translated) is the reason reported with its line."""


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


def run_import(
    importer: Importer[Any],
    path: Path,
    *,
    batch_size: int = DEFAULT_BATCH_SIZE,
    out: IO[str] | None = None,
    progress: bool | None = None,
    started_by: str = "",
) -> ImportRun:
    """Import ``path`` with ``importer``; return the finished (or failed) run. See the module docstring."""
    out = out if out is not None else sys.stderr
    if progress is None:
        progress = out.isatty()
    sha = file_sha256(path)
    options = importer.options()
    run = (
        ImportRun.objects.filter(kind=importer.kind, file_sha256=sha, options=options, status=ImportRun.Status.RUNNING)
        .order_by("-started_at")
        .first()
    )
    if run is None:
        run = ImportRun.objects.create(
            kind=importer.kind, file_name=path.name, file_sha256=sha, options=options, started_by=started_by
        )
    resume_after = run.committed_line
    bar = _Progress(out, path.stat().st_size, progress)
    pending: _Pending[Any] = _Pending()

    def flush() -> None:
        if not pending.items and not pending.rejected and pending.read == 0:
            return
        with transaction.atomic():
            result = importer.apply(pending.items) if pending.items else BatchResult()
            rejected = sorted(pending.rejected + result.rejected)
            ImportRejection.objects.bulk_create(
                [ImportRejection(run=run, line=line, reason=reason) for line, reason in rejected]
            )
            run.read += pending.read
            run.created += result.created
            run.updated += result.updated
            run.unchanged += result.unchanged
            run.rejected += len(rejected)
            run.committed_line = pending.last_line
            run.save(update_fields=["read", "created", "updated", "unchanged", "rejected", "committed_line"])
            if result.created or result.updated:
                bump_version(sender=importer.model)
        pending.items, pending.rejected, pending.read = [], [], 0

    with path.open("rb") as raw:
        reader = _CountingReader(raw)
        stream = io.BufferedReader(reader, buffer_size=1 << 16)
        rows = importer.rows(stream)
        try:
            for line, raw_row in rows:
                if line <= resume_after:
                    continue
                pending.read += 1
                pending.last_line = line
                try:
                    pending.items.append((line, importer.convert(line, raw_row)))
                except RowRejected as rejection:
                    pending.rejected.append((line, str(rejection)))
                if len(pending.items) + len(pending.rejected) >= batch_size:
                    flush()
                bar.show(reader.count, run.read + pending.read)
        except FormatError as error:
            # Only the batches already committed stay (none when the header was wrong).
            bar.end()
            run.status = ImportRun.Status.FAILED
            run.message = str(error)
            run.finished_at = timezone.now()
            run.save(update_fields=["status", "message", "finished_at"])
            return run
        flush()
        bar.show(reader.count, run.read, force=True)
        bar.end()
    importer.finish(run)
    run.status = ImportRun.Status.FINISHED
    run.finished_at = timezone.now()
    run.save(update_fields=["status", "finished_at"])
    return run


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
    for rejection in run.rejections.all().iterator():
        out.write("  " + _("line %(line)d: %(reason)s") % {"line": rejection.line, "reason": rejection.reason} + "\n")


class ImportCommand(BaseCommand):
    """The base of every import command: one run of ``importer()`` per file, a progress bar on a
    terminal (stderr) and the report (stdout); the command fails if any file did not import."""

    # The system checks take seconds and read nothing an import needs (``abierta check`` runs them).
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("files", nargs="+", metavar="FILE", type=Path)
        parser.add_argument(
            "--batch-size", type=int, default=DEFAULT_BATCH_SIZE, help=_("Rows per transaction (1000 by default).")
        )
        parser.add_argument("--no-progress", action="store_true", help=_("No progress bar."))

    def importer(self) -> Importer[Any]:
        raise NotImplementedError

    def handle(self, *args: Any, **options: Any) -> None:
        files: list[Path] = options["files"]
        for path in files:
            if not path.is_file():
                raise CommandError(_("The file %(path)s does not exist.") % {"path": path})
        if options["batch_size"] < 1:
            raise CommandError(_("--batch-size must be 1 or more."))
        failed: list[str] = []
        # Parsed JSON is trees, not cycles: collect cycles far less often than after every 700 new
        # containers (a large file makes millions of them). Memory stays bounded by the batch.
        gc.set_threshold(100_000, 50, 100)
        bar_out: IO[str] = getattr(self.stderr, "_out", sys.stderr)
        for path in files:
            run = run_import(
                self.importer(),
                path,
                batch_size=options["batch_size"],
                out=bar_out,
                progress=False if options["no_progress"] else None,
                started_by="línea de comandos",
            )
            report = io.StringIO()
            write_report(run, report)
            if run.status == ImportRun.Status.FAILED:
                failed.append(report.getvalue().strip())
            else:
                self.stdout.write(report.getvalue(), ending="")
        if failed:
            raise CommandError("\n".join(failed))
