"""The development plan's queued work: importing a file uploaded on the staff page."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from abierta.accounts.models import User
from abierta.core.importing import FILE, import_queued, web_import_task
from abierta.core.models import ImportRun
from abierta.core.queue import durable
from abierta.development.forms import PLAN
from abierta.development.importers import MeasurementsImporter, PlanImporter
from abierta.development.models import DevelopmentPlan


def _upload_page(kwargs: dict[str, Any]) -> str:
    """The plan's import page ("" when the plan was deleted)."""
    plan_id = kwargs.get("plan_id")
    if not isinstance(plan_id, int):
        return ""
    slug = DevelopmentPlan.objects.filter(pk=plan_id).values_list("slug", flat=True).first()
    return reverse("development:plan_import", args=[slug]) if slug else ""


@web_import_task(_upload_page)
@durable(attempts=1, limit=900)
def plan_file_import(run_id: int, plan_id: int, kind: str, actor_id: int | None = None) -> str:
    """Import the plan (its goals) or its measurements from a queued run's file, all or nothing."""
    plan = DevelopmentPlan.objects.get(pk=plan_id)
    actor = User.objects.filter(pk=actor_id).first() if actor_id else None
    importer_class = PlanImporter if kind == PLAN else MeasurementsImporter

    def importer(run: ImportRun) -> PlanImporter | MeasurementsImporter:
        return importer_class(plan=plan, filename=run.file_name, actor=actor)

    return str(import_queued(run_id, importer, mode=FILE).status)
