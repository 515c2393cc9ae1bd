"""Procurement plans' queued work: the nightly matching, and importing a PAA file uploaded on the
staff page."""

from __future__ import annotations

import datetime
from typing import Any

from django.urls import reverse

from abierta.core.importing import import_queued, web_import_task
from abierta.core.models import ImportRun, Institution
from abierta.core.queue import durable, periodic
from abierta.procurement.importers import PaaImporter
from abierta.procurement.models import ProcurementPlan
from abierta.procurement.services import plans_match_contracts


@periodic("paa-match", daily_at=datetime.time(3, 30))
@durable(attempts=2, backoff=600, limit=3600)
def paa_match_task() -> int:
    """Match every plan's lines to the contracts imported since (also done after each import)."""
    return len(plans_match_contracts(plans=ProcurementPlan.objects.all()))


def _upload_page(kwargs: dict[str, Any]) -> str:
    return reverse("procurement:paa_upload")


@web_import_task(_upload_page)
@durable(attempts=1, limit=1800)
def paa_file_import(run_id: int, entity_name: str, entity_nit: str, year: int, office_id: int | None = None) -> str:
    """Import a queued PAA upload (per batch: every rejected row reported, the others imported)."""
    office = Institution.objects.filter(pk=office_id).first() if office_id else None

    def importer(run: ImportRun) -> PaaImporter:
        return PaaImporter(
            entity_name=entity_name, entity_nit=entity_nit, year=year, office=office, source_file=run.file_name
        )

    return str(import_queued(run_id, importer, keep_on_error=True).status)
