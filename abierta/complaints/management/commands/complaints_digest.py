"""``abierta complaints_digest``: tell the handlers how many reports and messages arrived since the
last digest, without naming any. Run from cron every few hours (docs/deploy.md)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import translation
from django.utils.translation import gettext as _

from abierta.complaints.digest import complaints_digest


class Command(BaseCommand):
    help = "Tell the complaint handlers how many reports and messages arrived since the last digest."

    def handle(self, *args: Any, **options: Any) -> None:
        with translation.override(settings.LANGUAGE_CODE):
            digest = complaints_digest()
            self.stdout.write(
                _("Digest: %(reports)s new reports, %(messages)s new messages; %(sent)s emails sent.")
                % {"reports": digest.reports, "messages": digest.messages, "sent": digest.sent}
            )
