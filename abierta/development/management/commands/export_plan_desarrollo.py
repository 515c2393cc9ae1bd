"""``abierta export_plan_desarrollo PLAN_SLUG FILE``: the plan in the import template.

The format comes from the extension (.csv or .xlsx). With ``--mediciones`` it writes the
measurements instead, in the template of ``import_mediciones``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from abierta.development.exporter import measurements_export, plan_export
from abierta.development.importers import find_plan


class Command(BaseCommand):
    help = "Export a development plan in the import template, as .csv or .xlsx (from the file's extension)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("plan_slug", help="slug of the development plan")
        parser.add_argument("file", help="where to write: a .csv or .xlsx file")
        parser.add_argument("--mediciones", action="store_true", help="export the measurements instead")

    def handle(self, *args: Any, **options: Any) -> None:
        plan = find_plan(options["plan_slug"])
        path = Path(options["file"])
        fmt = path.suffix.lower().lstrip(".")
        if fmt not in ("csv", "xlsx"):
            raise CommandError(_("The file must end in .csv or .xlsx."))
        export = measurements_export if options["mediciones"] else plan_export
        try:
            path.write_bytes(export(plan=plan, fmt=fmt))
        except OSError as e:
            raise CommandError(_("Cannot write %(path)s: %(error)s") % {"path": path, "error": e.strerror}) from None
        self.stdout.write(self.style.SUCCESS(_("Written %(path)s.") % {"path": path}))
