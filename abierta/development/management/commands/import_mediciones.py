"""``abierta import_mediciones PLAN_SLUG FILE``: dated measurements of the plan's goals."""

from __future__ import annotations

from abierta.development.importers import MeasurementsImporter, PlanImportCommand


class Command(PlanImportCommand):
    help = "Import measurements of a development plan's goals from a CSV or XLSX file (docs/gestion-plantilla.md)."
    importer_class = MeasurementsImporter
