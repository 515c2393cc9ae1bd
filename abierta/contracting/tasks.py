"""Open contracting's schedules."""

from __future__ import annotations

import datetime

from abierta.contracting.redflags import refresh_flags
from abierta.core.queue import durable, periodic


@periodic("contracts-flags", daily_at=datetime.time(3, 0))
@durable(attempts=2, backoff=600, limit=3600)
def contracts_flags_task() -> None:
    """Recompute every contract's red flags (some depend on the date, e.g. an overdue contract)."""
    refresh_flags()
