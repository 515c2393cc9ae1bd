"""``abierta complaints_recovery_key generate | install --public-key B64 | show``: the office's recovery key.

New cases are sealed to the active recovery public key, so that the office can still read them when
every handler has lost their key. The private key is printed once by ``generate`` and never stored:
it is kept offline (docs/security/complaints.md, "Key loss and recovery").
"""

from __future__ import annotations

import argparse
import binascii
from collections.abc import Sequence
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from abierta.complaints import crypto, services
from abierta.complaints.models import RecoveryKey

INSTRUCTIONS = gettext_lazy("""\
THE RECOVERY PRIVATE KEY IS SHOWN ONLY THIS ONCE. It is not stored anywhere. Keep it offline,
on paper, with two custodians:

  - Write it on paper (or print it) twice, check both copies, and give each copy to one of two
    custodians (for example the head of the office and the legal office), in sealed envelopes kept
    in separate safes. Do not photograph it, email it, or keep it on a computer or in a password
    manager that syncs.
  - Clear this terminal's scrollback and history now.
  - It opens every case submitted from now on. With it, `abierta complaints_recovery_grant` gives a
    case to a handler who lost their key. Write down the fingerprint to check the key later.
  - If it is lost while no handler holds a case's key, that case cannot be read by anyone: by design.
""")


def parse_public_key(value: str) -> bytes:
    try:
        key = crypto.unb64(value.strip())
    except (binascii.Error, ValueError):
        key = b""
    if len(key) != crypto.KEY_BYTES:
        raise CommandError(_("Not a public key: expected %(n)s bytes in URL-safe base64.") % {"n": crypto.KEY_BYTES})
    return key


class KeyArgumentParser(CommandParser):
    """Reads ``--public-key KEY`` as the option and its value even when the key begins with "-".

    URL-safe base64 begins with "-" one time in 64; argparse alone would take such a key for an
    unknown option and report the value as missing.
    """

    def parse_known_args(  # type: ignore[override]
        self, args: Sequence[str] | None = None, namespace: argparse.Namespace | None = None
    ) -> tuple[argparse.Namespace, list[str]]:
        if args is not None:
            args = list(args)
            for i, arg in enumerate(args[:-1]):
                if arg == "--public-key":
                    args[i : i + 2] = [f"--public-key={args[i + 1]}"]
                    break
        return super().parse_known_args(args, namespace)


class Command(BaseCommand):
    help = "Generate, install or show the office's recovery key for complaints."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True, parser_class=KeyArgumentParser)
        generate = sub.add_parser(
            "generate", help="make a new key pair, install its public key, print the private key once"
        )
        generate.add_argument("--replace", action="store_true", help="replace the active recovery key")
        install = sub.add_parser("install", help="install a public key made elsewhere (e.g. on an offline machine)")
        install.add_argument("--public-key", required=True, help="the public key, URL-safe base64 (may begin with -)")
        install.add_argument("--replace", action="store_true", help="replace the active recovery key")
        sub.add_parser("show", help="print the active recovery key's fingerprint")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        active = RecoveryKey.objects.filter(active=True).order_by("-id").first()
        if action == "show":
            if active is None:
                raise CommandError(_("No recovery key is installed."))
            self.stdout.write(
                _("Active recovery key %(fp)s, installed %(at)s.")
                % {"fp": active.fingerprint, "at": active.created_at.date().isoformat()}
            )
            return
        if active is not None and not options["replace"]:
            raise CommandError(
                _(
                    "A recovery key is already installed (%(fp)s). Cases already filed stay sealed to it; "
                    "pass --replace to seal new cases to a new key."
                )
                % {"fp": active.fingerprint}
            )
        if action == "install":
            key = services.recovery_key_install(public_key=parse_public_key(options["public_key"]))
            self.stdout.write(_("Recovery key installed. Fingerprint: %(fp)s") % {"fp": key.fingerprint})
            return
        public, private = crypto.new_keypair()
        key = services.recovery_key_install(public_key=public)
        self.stdout.write(str(INSTRUCTIONS))
        self.stdout.write(_("Fingerprint: %(fp)s") % {"fp": key.fingerprint})
        self.stdout.write(_("Public key:  %(key)s") % {"key": crypto.b64(public)})
        self.stdout.write(_("PRIVATE KEY: %(key)s") % {"key": crypto.b64(private)})
