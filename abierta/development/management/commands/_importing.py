"""What the import commands share: find the plan, read the file, print the report."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from abierta.development.importers import ImportReport
from abierta.development.models import DevelopmentPlan


class ImportCommand(BaseCommand):
    importer: Callable[..., ImportReport]

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("plan_slug", help="slug of the development plan")
        parser.add_argument("file", help="a .csv or .xlsx file in the template of docs/gestion-plantilla.md")

    def handle(self, *args: Any, **options: Any) -> None:
        plan = find_plan(options["plan_slug"])
        path = Path(options["file"])
        try:
            data = path.read_bytes()
        except OSError as e:
            raise CommandError(_("Cannot read %(path)s: %(error)s") % {"path": path, "error": e.strerror}) from None
        report = type(self).importer(plan=plan, rows_file=data, filename=path.name)
        lines = report.lines()
        if report.ok:
            self.stdout.write(self.style.SUCCESS(lines[0]))
            return
        for line in lines[1:]:
            self.stderr.write(line)
        raise CommandError(lines[0])


def find_plan(slug: str) -> DevelopmentPlan:
    try:
        return DevelopmentPlan.objects.get(slug=slug)
    except DevelopmentPlan.DoesNotExist:
        raise CommandError(_("No development plan has the slug «%(slug)s».") % {"slug": slug}) from None
