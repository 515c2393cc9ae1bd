"""abierta consultation_roll_import PLAN-SLUG FILE: the voter roll (padrón) of a consultation.

All or nothing: every rejected row is reported with its line and reason and nothing is written; a
good file replaces the consultation's roll. The same importer as the staff page.
"""

from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from abierta.core.importing import FILE, ImportCommand, Importer
from abierta.participation.consultation.importers import RollImporter
from abierta.participation.models import Consultation


class Command(ImportCommand):
    help = _("Import the voter roll of a consultation (CSV or XLSX: document and date), replacing the previous one.")
    mode = FILE
    many_files = False

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("plan", help=_("The slug of the plan whose consultation it is."))
        super().add_arguments(parser)

    def importer(self, path: Path, options: dict[str, Any]) -> Importer[Any]:
        consultation = Consultation.objects.filter(process__plan__slug=options["plan"]).first()
        if consultation is None:
            raise CommandError(_("No consultation for the plan %(slug)s.") % {"slug": options["plan"]})
        return RollImporter(
            consultation=consultation, file_name=path.name, max_rows=settings.ABIERTA_VOTE_ROLL_MAX_ROWS
        )
