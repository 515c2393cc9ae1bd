"""``abierta import_mediciones PLAN_SLUG FILE``: dated measurements of the plan's goals."""

from __future__ import annotations

from abierta.development.importers import measurements_import
from abierta.development.management.commands._importing import ImportCommand


class Command(ImportCommand):
    help = "Import measurements of a development plan's goals from a CSV or XLSX file (docs/gestion-plantilla.md)."
    importer = staticmethod(measurements_import)
