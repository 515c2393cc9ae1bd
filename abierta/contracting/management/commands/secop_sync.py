"""abierta secop_sync [--nit NIT [--name NAME]]: SECOP II contracts brought up to date from datos.gov.co."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from abierta.contracting.models import SecopEntity, SyncRun
from abierta.contracting.secop_sync import clean_nit, sync_all, sync_entity
from abierta.core.models import ImportRejection

# Rejected rows printed per run (the staff page lists them all).
REJECTIONS_PRINTED = 100


class Command(BaseCommand):
    help = _(
        "Brings the SECOP II contracts of the configured entities up to date from the open data portal "
        "(datos.gov.co, data set jbjy-vk9h): every active entity, or the one given with --nit."
    )
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--nit", help=_("The NIT of one entity (synchronised even if it is not active)."))
        parser.add_argument("--name", help=_("The entity's name, to add it when its NIT is not configured yet."))

    def handle(self, *args: Any, **options: Any) -> None:
        started_by = "línea de comandos"
        if options["nit"]:
            nit = clean_nit(options["nit"])
            if nit is None:
                raise CommandError(_("«%(nit)s» is not a NIT.") % {"nit": options["nit"]})
            entity = SecopEntity.objects.filter(nit=nit).first()
            if entity is None:
                name = (options["name"] or "").strip()
                if not name:
                    raise CommandError(
                        _("The NIT %(nit)s is not configured: add it in Gestión (SECOP II), or give --name.")
                        % {"nit": nit}
                    )
                entity = SecopEntity.objects.create(nit=nit, name=name[:300])
            runs = [sync_entity(entity, started_by=started_by)]
        else:
            runs = sync_all(started_by=started_by)
            if not runs:
                self.stdout.write(_("No active entity to synchronise: add one in Gestión (SECOP II)."))
                return
        failed = []
        for run in runs:
            self.stdout.write(report(run))
            for rejection in (
                ImportRejection.objects.filter(run__in=run.imports.all())
                .select_related("run")
                .order_by("run__pk", "line")[:REJECTIONS_PRINTED]
            ):
                self.stdout.write("  " + rejection.reason)
            if run.status != SyncRun.Status.FINISHED:
                failed.append(
                    _("%(entity)s: %(error)s") % {"entity": run.entity, "error": run.error or run.get_status_display()}
                )
        if failed:
            raise CommandError("\n".join(failed))


def report(run: SyncRun) -> str:
    """One line: what a run read and did."""
    text = _(
        "%(entity)s: %(pages)d pages, %(read)d rows read, %(created)d created, %(updated)d updated, "
        "%(unchanged)d unchanged, %(rejected)d rejected."
    ) % {
        "entity": run.entity,
        "pages": run.pages,
        "read": run.read,
        "created": run.created,
        "updated": run.updated,
        "unchanged": run.unchanged,
        "rejected": run.rejected,
    }
    if run.watermark:
        text += " " + _("Updates up to %(date)s.") % {"date": run.watermark[:10]}
    return text
