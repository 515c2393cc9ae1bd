"""The complaint channel's schedules (run by ``abierta worker``; no cron lines)."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.utils import translation

from abierta.complaints.digest import complaints_digest
from abierta.complaints.retention import complaints_daily
from abierta.core.queue import durable, periodic


@periodic("complaints-daily", daily_at=datetime.time(6, 0))
@durable(attempts=3, backoff=300, limit=1800)
def complaints_daily_task() -> list[str]:
    """Reminders, retention, deletion of expired cases, the day's statistics and audit head."""
    with translation.override(settings.LANGUAGE_CODE):
        return complaints_daily().lines()


@periodic("complaints-digest", every=datetime.timedelta(hours=4))
@durable(attempts=3, backoff=300)
def complaints_digest_task() -> dict[str, int]:
    """The handlers' only notice of new reports and messages: counts, no case numbers."""
    with translation.override(settings.LANGUAGE_CODE):
        digest = complaints_digest()
    return {"reports": digest.reports, "messages": digest.messages, "sent": digest.sent}
