"""``abierta complaints_recovery_grant --case NUMBER --to EMAIL --private-key-file F``.

Gives a handler a case with the office's offline recovery key, after handlers lost their keys. The
file holds the private key printed by ``complaints_recovery_key generate``; keep it on removable
media and delete it afterwards. The grant is written to the audit log.
"""

from __future__ import annotations

import binascii
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from abierta.accounts.models import User
from abierta.complaints import crypto, services
from abierta.complaints.models import Case, HandlerKey


def read_private_key(path: Path) -> bytes:
    try:
        text = path.read_text(encoding="ascii").strip()
    except (OSError, UnicodeDecodeError) as e:
        raise CommandError(_("Cannot read %(path)s: %(error)s") % {"path": path, "error": e}) from None
    try:
        key = crypto.unb64(text)
    except (binascii.Error, ValueError):
        key = b""
    if len(key) != crypto.KEY_BYTES:
        raise CommandError(_("%(path)s does not hold a recovery private key.") % {"path": path})
    return key


class Command(BaseCommand):
    help = "Give a handler a complaint case with the office's offline recovery key."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--case", required=True, help="the case number, e.g. D-2026-00012")
        parser.add_argument("--to", required=True, help="the email of the handler who receives it")
        parser.add_argument("--private-key-file", required=True, help="a file holding the recovery private key")

    def handle(self, *args: Any, **options: Any) -> None:
        private_key = read_private_key(Path(options["private_key_file"]))
        case = Case.objects.filter(number=options["case"]).first()
        if case is None:
            raise CommandError(_("No case has the number %(number)s.") % {"number": options["case"]})
        user = User.objects.filter(email__iexact=options["to"], is_active=True).first()
        if user is None or user.role != User.Role.TRANSPARENCY:
            raise CommandError(_("%(email)s is not an active transparency officer.") % {"email": options["to"]})
        if not HandlerKey.objects.filter(user=user).exists():
            raise CommandError(
                _("%(email)s has no complaints key yet: they must create it first.") % {"email": user.email}
            )
        if case.status == Case.Status.DELETED:
            raise CommandError(_("Case %(number)s was deleted.") % {"number": case.number})
        if case.recovery_seal is None:
            raise CommandError(
                _("Case %(number)s is not sealed to a recovery key (filed before one was installed).")
                % {"number": case.number}
            )
        if not services.recovery_grant(case=case, recovery_private_key=private_key, to=user):
            raise CommandError(
                _("This private key does not open case %(number)s (a different recovery key?).")
                % {"number": case.number}
            )
        self.stdout.write(_("%(email)s can now open case %(number)s.") % {"email": user.email, "number": case.number})
