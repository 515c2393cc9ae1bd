"""The consultation's queued work: freeze the ballot file of a consultation as soon as it closes, and
import a voter roll uploaded on the staff page."""

from __future__ import annotations

import datetime

from django.utils import timezone

from abierta.core.importing import FILE, import_queued
from abierta.core.models import ImportRun
from abierta.core.queue import durable, periodic
from abierta.participation.consultation import services as svc
from abierta.participation.consultation.importers import RollImporter
from abierta.participation.models import BallotFile, Consultation


@periodic("consultation-close", every=datetime.timedelta(minutes=1))
@durable(attempts=3, backoff=30)
def consultation_close_task() -> list[str]:
    """Close every consultation past its closing time that is not frozen yet; their digests."""
    due = Consultation.objects.filter(closes_at__lte=timezone.now()).exclude(
        pk__in=BallotFile.objects.values("consultation_id")
    )
    return [svc.consultation_close(consultation=c).sha256 for c in due]


@durable(attempts=1, limit=900)
def roll_file_import(run_id: int, consultation_id: int, max_rows: int) -> str:
    """Import a queued voter roll, all or nothing (a roll with a bad row would refuse real voters).
    The task's arguments are ids only: the document numbers stay in the file, which is deleted once
    the import ends, whatever its outcome (``core.importing.import_queued``)."""

    def importer(run: ImportRun) -> RollImporter:
        consultation = Consultation.objects.get(pk=consultation_id)
        return RollImporter(consultation=consultation, file_name=run.file_name, max_rows=max_rows)

    return str(import_queued(run_id, importer, mode=FILE).status)
