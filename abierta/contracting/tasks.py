"""Open contracting's schedules."""

from __future__ import annotations

import datetime

from abierta.contracting.models import SecopEntity
from abierta.contracting.redflags import refresh_flags
from abierta.contracting.secop_sync import sync_all, sync_entity
from abierta.core.queue import durable, periodic


@periodic("contracts-flags", daily_at=datetime.time(3, 0))
@durable(attempts=2, backoff=600, limit=3600)
def contracts_flags_task() -> None:
    """Recompute every contract's red flags (some depend on the date, e.g. an overdue contract)."""
    refresh_flags()


@periodic("secop-sync", daily_at=datetime.time(2, 30))
@durable(attempts=1, limit=3 * 3600)
def secop_sync_all_task() -> int:
    """Every active entity's contracts from the national open data portal (a failed run resumes next time)."""
    return len(sync_all(started_by="schedule"))


@durable(attempts=1, limit=3 * 3600)
def secop_sync_task(entity_id: int, started_by: str = "") -> int | None:
    """One entity, asked for on the staff page ("Sincronizar ahora")."""
    entity = SecopEntity.objects.filter(pk=entity_id).first()
    if entity is None:
        return None
    return sync_entity(entity, started_by=started_by).pk
