"""Open contracting's schedules, and importing a contracts file uploaded on the staff page."""

from __future__ import annotations

import datetime
from typing import Any

from django.urls import reverse

from abierta.contracting.importers import OcdsImporter, SecopContractsImporter
from abierta.contracting.models import SecopEntity
from abierta.contracting.redflags import refresh_flags
from abierta.contracting.secop_sync import sync_all, sync_entity
from abierta.core.importing import import_queued, web_import_task
from abierta.core.models import ImportRun
from abierta.core.queue import durable, periodic

# The importers of the staff page's contracts files, by the kind of their runs.
WEB_IMPORTERS: dict[str, type[SecopContractsImporter | OcdsImporter]] = {
    SecopContractsImporter.kind: SecopContractsImporter,
    OcdsImporter.kind: OcdsImporter,
}


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


def _upload_page(kwargs: dict[str, Any]) -> str:
    return reverse("contracting:contracts_import")


@web_import_task(_upload_page)
@durable(attempts=1, limit=1800)
def contracts_file_import(run_id: int) -> str:
    """Import a queued SECOP II or OCDS upload, per batch: every rejected row reported, the others
    kept; a run stopped halfway resumes after its last committed line."""

    def importer(run: ImportRun) -> SecopContractsImporter | OcdsImporter:
        return WEB_IMPORTERS[run.kind]()

    return str(import_queued(run_id, importer, keep_on_error=True).status)
