"""Procurement plans' schedules."""

from __future__ import annotations

import datetime

from abierta.core.queue import durable, periodic
from abierta.procurement.models import ProcurementPlan
from abierta.procurement.services import plans_match_contracts


@periodic("paa-match", daily_at=datetime.time(3, 30))
@durable(attempts=2, backoff=600, limit=3600)
def paa_match_task() -> int:
    """Match every plan's lines to the contracts imported since (also done after each import)."""
    return len(plans_match_contracts(plans=ProcurementPlan.objects.all()))
