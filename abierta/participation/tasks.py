"""The consultation's schedule: freeze the ballot file of a consultation as soon as it closes."""

from __future__ import annotations

import datetime

from django.utils import timezone

from abierta.core.queue import durable, periodic
from abierta.participation.consultation import services as svc
from abierta.participation.models import BallotFile, Consultation


@periodic("consultation-close", every=datetime.timedelta(minutes=1))
@durable(attempts=3, backoff=30)
def consultation_close_task() -> list[str]:
    """Close every consultation past its closing time that is not frozen yet; their digests."""
    due = Consultation.objects.filter(closes_at__lte=timezone.now()).exclude(
        pk__in=BallotFile.objects.values("consultation_id")
    )
    return [svc.consultation_close(consultation=c).sha256 for c in due]
