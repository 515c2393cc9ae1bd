"""abierta import_secop_contratos FILE...: SECOP II contracts (datos.gov.co jbjy-vk9h) as OCDS compiled releases."""

from __future__ import annotations

from abierta.contracting.importers import SecopContractsImporter
from abierta.contracting.management.commands.import_ocds import ImportCommand


class Command(ImportCommand):
    help = (
        "Importa una exportación de contratos de SECOP II (datos.gov.co, conjunto jbjy-vk9h) en CSV o JSON, "
        "UTF-8 con o sin BOM, también comprimida con gzip."
    )

    def importer(self) -> SecopContractsImporter:
        return SecopContractsImporter()
