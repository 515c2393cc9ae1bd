"""What waits for staff in public works: irregularity reports not yet answered, and works under
construction whose last progress report is older than ``STALE_DAYS``."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Exists, OuterRef, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import ngettext

from abierta.core.staffhome import Todo
from abierta.works import access
from abierta.works.models import IrregularityReport, Work, WorkUpdate

# A work under construction with no progress report for this long is "without news" (issue 16).
STALE_DAYS = 90


def stale_works(user: Any, today: datetime.date | None = None) -> QuerySet[Work]:
    """The works the user manages that are under construction and have had no progress report in
    the last ``STALE_DAYS`` days (nor ever, when they started before that)."""
    since = (today or timezone.localdate()) - datetime.timedelta(days=STALE_DAYS)
    recent = WorkUpdate.objects.filter(work=OuterRef("pk"), date__gte=since)
    return (
        access.manageable_works(user)
        .filter(status=Work.Status.IMPLEMENTATION, created_at__date__lt=since)
        .exclude(Exists(recent))
    )


def todos(user: Any) -> list[Todo]:
    if not access.may_use_staff_pages(user):
        return []
    reports = access.readable_reports(user)
    received = reports.filter(status=IrregularityReport.Status.RECEIVED).count()
    reviewed = reports.filter(status=IrregularityReport.Status.REVIEWED).count()
    inbox = reverse("works:staff_reports") + "?status="
    received_text = ngettext(
        "%(n)d irregularity report received, not yet reviewed",
        "%(n)d irregularity reports received, not yet reviewed",
        received,
    ) % {"n": received}
    reviewed_text = ngettext(
        "%(n)d irregularity report reviewed, not yet answered",
        "%(n)d irregularity reports reviewed, not yet answered",
        reviewed,
    ) % {"n": reviewed}
    stale = stale_works(user).count()
    stale_text = ngettext(
        "%(n)d work under construction with no progress report in %(days)d days",
        "%(n)d works under construction with no progress report in %(days)d days",
        stale,
    ) % {"n": stale, "days": STALE_DAYS}
    return [
        Todo(received_text, received, inbox + IrregularityReport.Status.RECEIVED),
        Todo(reviewed_text, reviewed, inbox + IrregularityReport.Status.REVIEWED),
        Todo(stale_text, stale, reverse("works:staff_works") + "?sin_avance=1"),
    ]
