"""Close the consultations whose time is up: empty the ballot box, rewrite the voter and ballot
tables in hash order, freeze the ballot file and print its digest. Run it from cron just after
``closes_at`` (the first request after the close does the same)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from abierta.participation.consultation import services as svc
from abierta.participation.models import Consultation


class Command(BaseCommand):
    help = "Close the consultations whose closing time has passed and freeze their ballot files."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--slug", help="only the consultation of this plan")
        parser.add_argument(
            "--full", action="store_true", help="then VACUUM FULL (PostgreSQL) or VACUUM (SQLite): locks the tables"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        due = Consultation.objects.select_related("process__plan").filter(closes_at__lte=timezone.now())
        if options["slug"]:
            due = due.filter(process__plan__slug=options["slug"])
        for consultation in due:
            frozen = svc.consultation_close(consultation=consultation)
            self.stdout.write(
                f"{consultation.process.plan.slug}: {frozen.ballots} ballots, {frozen.voters} voters, "
                f"SHA-256 {frozen.sha256}, frozen {frozen.frozen_at.isoformat()}"
            )
        if options["full"]:
            svc.vacuum(full=True)
