"""The ground's own schedules besides the outbox's (abierta/core/outbox.py)."""

from __future__ import annotations

import datetime

from abierta.core.importing import imports_lost
from abierta.core.queue import durable, periodic


@periodic("imports-lost", every=datetime.timedelta(minutes=10))
@durable(attempts=1, limit=300)
def imports_lost_task() -> int:
    """Web imports whose worker died are marked failed, so that their page stops waiting."""
    return imports_lost()
