"""``abierta complaints_intake (--mbox PATH | --maildir PATH | --imap HOST --user U --password-file F) [...]``.

Files every new email of the complaints mailbox as a case; see abierta/complaints/intake.py.
"""

from __future__ import annotations

import imaplib
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation
from django.utils.translation import gettext as _

from abierta.complaints import intake


class Command(BaseCommand):
    help = "File the emails of the complaints mailbox (mbox, Maildir or IMAP) as complaint cases."

    def add_arguments(self, parser: CommandParser) -> None:
        source = parser.add_mutually_exclusive_group(required=True)
        source.add_argument("--mbox", help="an mbox file")
        source.add_argument("--maildir", help="a Maildir folder")
        source.add_argument("--imap", metavar="HOST", help="an IMAP server (only UNSEEN messages are read)")
        parser.add_argument("--user", help="IMAP user")
        parser.add_argument("--password-file", help="a file holding the IMAP password")
        parser.add_argument("--folder", default="INBOX", help="IMAP folder (default INBOX)")
        parser.add_argument("--port", type=int, help="IMAP port (default 993, or 143 with --no-ssl)")
        parser.add_argument(
            "--no-ssl",
            action="store_true",
            help="port 143: STARTTLS (verified), or plain IMAP to a server on this machine only",
        )
        parser.add_argument(
            "--cafile", help="the CA certificate (PEM) of a server whose certificate a private CA signed"
        )
        parser.add_argument("--no-receipts", action="store_true", help="do not email a receipt to the senders")

    def handle(self, *args: Any, **options: Any) -> None:
        receipts = not options["no_receipts"]
        with translation.override(settings.LANGUAGE_CODE):
            try:
                if options["mbox"]:
                    report = intake.intake_mbox(Path(options["mbox"]), receipts=receipts)
                elif options["maildir"]:
                    report = intake.intake_maildir(Path(options["maildir"]), receipts=receipts)
                else:
                    report = intake.intake_imap(
                        host=options["imap"],
                        user=self._required(options, "user"),
                        password=self._password(options),
                        folder=options["folder"],
                        port=options["port"],
                        ssl=not options["no_ssl"],
                        receipts=receipts,
                        cafile=options["cafile"],
                    )
            except FileNotFoundError as e:
                raise CommandError(_("No such mailbox: %(path)s") % {"path": e.args[0] if e.args else ""}) from None
            except (imaplib.IMAP4.error, OSError) as e:
                raise CommandError(_("IMAP: %(error)s") % {"error": e}) from None
            lines = report.lines()
            self.stdout.write(lines[0])
            for line in lines[1:]:
                (self.stderr if line.startswith(_("Rejected")) else self.stdout).write(line)

    def _required(self, options: dict[str, Any], name: str) -> str:
        value = options[name.replace("-", "_")]
        if not value:
            raise CommandError(_("--imap needs --%(name)s.") % {"name": name})
        return str(value)

    def _password(self, options: dict[str, Any]) -> str:
        path = Path(self._required(options, "password-file"))
        try:
            return path.read_text().rstrip("\r\n")
        except OSError as e:
            raise CommandError(_("Cannot read %(path)s: %(error)s") % {"path": path, "error": e.strerror}) from None
