"""abierta import_ocds FILE...: OCDS release or record packages, releases, records or JSON Lines (gzip too)."""

from __future__ import annotations

import gc
import io
import sys
from argparse import ArgumentParser
from pathlib import Path
from typing import IO, Any

from django.core.management.base import BaseCommand, CommandError

from abierta.contracting.importers import OcdsImporter
from abierta.core.importing import DEFAULT_BATCH_SIZE, Importer, run_import, write_report
from abierta.core.models import ImportRun


class ImportCommand(BaseCommand):
    """One run per file: a progress bar on a terminal (stderr) and the report (stdout)."""

    # The system checks take seconds and read nothing an import needs (``abierta check`` runs them).
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("files", nargs="+", metavar="FILE", type=Path)
        parser.add_argument(
            "--batch-size", type=int, default=DEFAULT_BATCH_SIZE, help="Filas por transacción (por omisión 1000)."
        )
        parser.add_argument("--no-progress", action="store_true", help="Sin barra de progreso.")

    def importer(self) -> Importer[Any]:
        raise NotImplementedError

    def handle(self, *args: Any, **options: Any) -> None:
        files: list[Path] = options["files"]
        for path in files:
            if not path.is_file():
                raise CommandError(f"No existe el archivo {path}.")
        if options["batch_size"] < 1:
            raise CommandError("--batch-size debe ser 1 o más.")
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


class Command(ImportCommand):
    help = (
        "Importa entregas OCDS (paquetes de entregas o de registros, entregas o registros sueltos, JSON Lines; "
        "también comprimidos con gzip) y las compila por ocid según las reglas de fusión de OCDS."
    )

    def importer(self) -> OcdsImporter:
        return OcdsImporter()
