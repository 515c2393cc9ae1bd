"""Builders shared by the participation test modules."""

from __future__ import annotations

import datetime

from django.utils import timezone

from abierta.participation.models import Process, WorkingTable
from abierta.plans.models import ActionPlan

DAY = datetime.timedelta(days=1)


def make_process(plan: ActionPlan, phase: str) -> Process:
    """A process whose current phase is ``phase`` (dates around now)."""
    now = timezone.now()
    offset = {"before": 1, "tables": 0, "analysis": -1, "consultation": -2, "results": -3}[phase]
    start = now + (offset * DAY) - DAY / 2 if phase != "before" else now + DAY
    return Process.objects.create(
        plan=plan,
        title="Cocreación de prueba",
        tables_from=start,
        analysis_from=start + DAY,
        consultation_from=start + 2 * DAY,
        results_from=start + 3 * DAY,
    )


def make_table(plan: ActionPlan, number: int = 1) -> WorkingTable:
    return WorkingTable.objects.create(
        plan=plan, number=number, name=f"Mesa {number}", sector=WorkingTable.Sector.ACADEMIA
    )
