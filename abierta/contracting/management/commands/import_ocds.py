"""abierta import_ocds FILE...: OCDS release or record packages, releases, records or JSON Lines (gzip too)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _

from abierta.contracting.importers import OcdsImporter
from abierta.core.importing import ImportCommand


class Command(ImportCommand):
    help = _(
        "Imports OCDS releases (release or record packages, single releases or records, JSON Lines; "
        "gzip-compressed too) and compiles them by ocid with the OCDS merge rules."
    )

    def importer(self, path: Path, options: dict[str, Any]) -> OcdsImporter:
        return OcdsImporter()
