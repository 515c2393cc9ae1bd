"""``abierta import_paa FILE --entidad NAME --nit NIT --year YYYY [--office SLUG]``: import a SECOP II
"Plan Anual de Adquisiciones" export (xlsx). Streaming, idempotent, atomic per batch and resumable,
with a report of every row; then the plan's lines are matched to the entity's contracts."""

from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import IO, Any, cast

from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from abierta.core.importing import ImportCommand, Importer, write_report
from abierta.core.models import ImportRun, Institution
from abierta.procurement.importers import PaaImporter


class Command(ImportCommand):
    help = _("Imports the annual procurement plan exported from SECOP II (xlsx, sheet «Adquisiciones»).")
    started_by = "import_paa"
    many_files = False
    files_help = _(".xlsx file exported from SECOP II")

    def add_arguments(self, parser: ArgumentParser) -> None:
        super().add_arguments(parser)
        parser.add_argument("--entidad", required=True, help=_("Name of the entity that owns the plan"))
        parser.add_argument("--nit", default="", help=_("NIT of the entity (without check digit)"))
        parser.add_argument("--year", type=int, required=True, help=_("Year of the plan"))
        parser.add_argument("--office", default="", help=_("Slug of the responsible office (Institution)"))

    def importer(self, path: Path, options: dict[str, Any]) -> PaaImporter:
        year: int = options["year"]
        if not 2000 <= year <= 2100:
            raise CommandError(_("The year %(year)d is not a valid plan year.") % {"year": year})
        entity = options["entidad"].strip()
        if not entity:
            raise CommandError(_("The name of the entity is missing (--entidad)."))
        office = None
        if options["office"]:
            office = Institution.objects.filter(slug=options["office"]).first()
            if office is None:
                raise CommandError(_("The office «%(office)s» does not exist.") % {"office": options["office"]})
        return PaaImporter(
            entity_name=entity, entity_nit=options["nit"], year=year, office=office, source_file=path.name
        )

    def report(self, run: ImportRun, importer: Importer[Any]) -> str:
        write_report(run, cast(IO[str], self.stdout))
        if run.status == ImportRun.Status.FAILED:
            return _("The import stopped: the file is not an export of the SECOP II PAA.")
        if isinstance(importer, PaaImporter) and importer.deleted:
            self.stdout.write(
                _("%(count)d lines that are no longer in the file were deleted.") % {"count": importer.deleted} + "\n"
            )
        return ""
