"""``abierta import_plan_desarrollo PLAN_SLUG FILE``: pillars, programmes, goals and yearly targets."""

from __future__ import annotations

from abierta.development.importers import PlanImportCommand, PlanImporter


class Command(PlanImportCommand):
    help = "Import a development plan's goals from a CSV or XLSX file (docs/gestion-plantilla.md)."
    importer_class = PlanImporter
