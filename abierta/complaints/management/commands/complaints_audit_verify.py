"""``abierta complaints_audit_verify [--head COUNT HASH]``: check the audit log's hash chain, and
that it still holds a head published on the statistics page. Exit 0 "intact", or exit 1."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from abierta.complaints import services
from abierta.complaints.models import AuditEntry


class Command(BaseCommand):
    help = "Verify the hash chain of the complaints audit log (and a published head, with --head)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--head",
            nargs=2,
            metavar=("COUNT", "HASH"),
            help="a head published on the statistics page: the chain must still have it at that count",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        bad = services.audit_verify()
        if bad is not None:
            raise CommandError(
                _("broken at entry %(id)s (%(at)s, %(action)s %(case)s): its hash or its link to the previous entry")
                % {"id": bad.pk, "at": bad.at.isoformat(), "action": bad.action, "case": bad.case_number or "-"},
                returncode=1,
            )
        if options["head"]:
            count, expected = options["head"]
            if not count.isdigit() or services.audit_hash_at(int(count)) != expected.strip().lower():
                raise CommandError(
                    _(
                        "the published head (%(count)s entries, %(hash)s) is not in the chain: "
                        "entries were removed or changed"
                    )
                    % {"count": count, "hash": expected},
                    returncode=1,
                )
        self.stdout.write(_("intact (%(n)s entries)") % {"n": AuditEntry.objects.count()})
