"""The development plan's queued work: importing a file uploaded on the staff page."""

from __future__ import annotations

from abierta.accounts.models import User
from abierta.core.importing import FILE, import_queued
from abierta.core.models import ImportRun
from abierta.core.queue import durable
from abierta.development.forms import PLAN
from abierta.development.importers import MeasurementsImporter, PlanImporter
from abierta.development.models import DevelopmentPlan


@durable(attempts=1, limit=900)
def plan_file_import(run_id: int, plan_id: int, kind: str, actor_id: int | None = None) -> str:
    """Import the plan (its goals) or its measurements from a queued run's file, all or nothing."""
    plan = DevelopmentPlan.objects.get(pk=plan_id)
    actor = User.objects.filter(pk=actor_id).first() if actor_id else None
    importer_class = PlanImporter if kind == PLAN else MeasurementsImporter

    def importer(run: ImportRun) -> PlanImporter | MeasurementsImporter:
        return importer_class(plan=plan, filename=run.file_name, actor=actor)

    return str(import_queued(run_id, importer, mode=FILE).status)
