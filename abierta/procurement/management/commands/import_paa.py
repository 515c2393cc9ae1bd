"""``abierta import_paa FILE --entidad NAME --nit NIT --year YYYY [--office SLUG]``: import a SECOP II
"Plan Anual de Adquisiciones" export (xlsx). Streaming, idempotent, atomic per batch and resumable,
with a report of every row; then the plan's lines are matched to the entity's contracts."""

from __future__ import annotations

from pathlib import Path
from typing import IO, Any, cast

from django.core.management.base import BaseCommand, CommandError, CommandParser

from abierta.core.importing import DEFAULT_BATCH_SIZE, run_import, write_report
from abierta.core.models import ImportRun, Institution
from abierta.procurement.importers import PaaImporter


class Command(BaseCommand):
    help = "Importa el Plan Anual de Adquisiciones exportado de SECOP II (xlsx, hoja «Adquisiciones»)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="Archivo .xlsx exportado de SECOP II")
        parser.add_argument("--entidad", required=True, help="Nombre de la entidad dueña del plan")
        parser.add_argument("--nit", default="", help="NIT de la entidad (sin dígito de verificación)")
        parser.add_argument("--year", type=int, required=True, help="Vigencia (año) del plan")
        parser.add_argument("--office", default="", help="Slug de la dependencia (Institution) responsable")
        parser.add_argument("--batch-size", type=int, default=DEFAULT_BATCH_SIZE)
        parser.add_argument("--no-progress", action="store_true", help="Sin barra de progreso")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"No existe el archivo {path}.")
        year: int = options["year"]
        if not 2000 <= year <= 2100:
            raise CommandError(f"El año {year} no es una vigencia válida.")
        entity = options["entidad"].strip()
        if not entity:
            raise CommandError("Falta el nombre de la entidad (--entidad).")
        office = None
        if options["office"]:
            office = Institution.objects.filter(slug=options["office"]).first()
            if office is None:
                raise CommandError(f"No existe la dependencia «{options['office']}».")
        importer = PaaImporter(
            entity_name=entity, entity_nit=options["nit"], year=year, office=office, source_file=path.name
        )
        run = run_import(
            importer,
            path,
            batch_size=options["batch_size"],
            out=cast(IO[str], self.stderr),
            progress=False if options["no_progress"] else None,
            started_by="import_paa",
        )
        write_report(run, cast(IO[str], self.stdout))
        if run.status == ImportRun.Status.FAILED:
            raise CommandError("La importación se detuvo: el archivo no es una exportación del PAA de SECOP II.")
        if importer.deleted:
            self.stdout.write(f"Se eliminaron {importer.deleted} líneas que ya no están en el archivo.\n")
