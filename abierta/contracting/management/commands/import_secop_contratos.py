"""abierta import_secop_contratos FILE...: SECOP II contracts (datos.gov.co jbjy-vk9h) as OCDS compiled releases."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _

from abierta.contracting.importers import SecopContractsImporter
from abierta.core.importing import ImportCommand


class Command(ImportCommand):
    help = _(
        "Imports an export of SECOP II contracts (datos.gov.co, data set jbjy-vk9h) as CSV or JSON, "
        "UTF-8 with or without BOM, gzip-compressed too."
    )

    def importer(self, path: Path, options: dict[str, Any]) -> SecopContractsImporter:
        return SecopContractsImporter()
