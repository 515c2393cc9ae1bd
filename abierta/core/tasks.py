"""The ground's own schedules besides the outbox's (abierta/core/outbox.py)."""

from __future__ import annotations

import datetime

from abierta.core.importing import imports_lost
from abierta.core.queue import durable, periodic
from abierta.core.uploads import private_orphans_delete


@periodic("imports-lost", every=datetime.timedelta(minutes=10))
@durable(attempts=1, limit=300)
def imports_lost_task() -> int:
    """Web imports whose worker died are marked failed, so that their page stops waiting."""
    return imports_lost()


@periodic("private-orphans", daily_at=datetime.time(4, 30))
@durable(attempts=1, limit=1800)
def private_orphans_task() -> int:
    """Private files (stashed originals, queued uploads) that no row references and older than a
    day are deleted: those of a row deleted, or of a request that stopped after storing them."""
    return private_orphans_delete()
