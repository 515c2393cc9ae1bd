"""``abierta complaints_audit_verify``: check the audit log's hash chain. Exit 0 "intact", or exit 1."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from abierta.complaints import services
from abierta.complaints.models import AuditEntry


class Command(BaseCommand):
    help = "Verify the hash chain of the complaints audit log."

    def handle(self, *args: Any, **options: Any) -> None:
        bad = services.audit_verify()
        if bad is None:
            count = AuditEntry.objects.count()
            self.stdout.write(_("intact (%(n)s entries)") % {"n": count})
            return
        raise CommandError(
            _("broken at entry %(id)s (%(at)s, %(action)s %(case)s): its hash or its link to the previous entry")
            % {"id": bad.pk, "at": bad.at.isoformat(), "action": bad.action, "case": bad.case_number or "-"},
            returncode=1,
        )
