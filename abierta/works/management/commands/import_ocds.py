"""abierta import_ocds FILE...: OCDS release or record packages, releases, records or JSON Lines (gzip too)."""

from __future__ import annotations

from abierta.core.importing import ImportCommand
from abierta.works.importers import OcdsImporter


class Command(ImportCommand):
    help = (
        "Importa entregas OCDS (paquetes de entregas o de registros, entregas o registros sueltos, JSON Lines; "
        "también comprimidos con gzip) y las compila por ocid según las reglas de fusión de OCDS."
    )

    def importer(self) -> OcdsImporter:
        return OcdsImporter()
