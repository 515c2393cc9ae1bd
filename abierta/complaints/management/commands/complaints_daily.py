"""``abierta complaints_daily [--today YYYY-MM-DD]``: reminders, retention warnings, deletions. Run daily from cron."""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation
from django.utils.translation import gettext as _

from abierta.complaints.retention import complaints_daily


def parse_day(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise CommandError(_("Not a date (YYYY-MM-DD): %(value)s") % {"value": value}) from None


class Command(BaseCommand):
    help = "Daily round of the complaint channel: reminders to handlers, retention warnings and deletions."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--today", help="the day to act as (YYYY-MM-DD); defaults to today")

    def handle(self, *args: Any, **options: Any) -> None:
        day = parse_day(options["today"]) if options["today"] else None
        with translation.override(settings.LANGUAGE_CODE):
            report = complaints_daily(day=day)
            for line in report.lines():
                self.stdout.write(line)
