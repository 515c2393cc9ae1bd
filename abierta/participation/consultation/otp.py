"""The gateway that delivers one-time voting codes, and the codes themselves.

A code is 6 digits from ``secrets``. Only its HMAC is stored (``VoteCode.code_hash``); the email
address or phone number it was sent to is used once, here, and never written anywhere.

Backends (setting ``ABIERTA_VOTE_CODE_BACKEND``, a name or a dotted path):

- ``console``: development; logs "code for <contact>: <code>" at WARNING.
- ``email``: Django's ``send_mail`` to the address (refuses a phone number).
- ``fixed``: benchmarks only; sends nothing, and every code it "sends" is ``000000``
  (see ``issue_code``). Refused unless ``DEBUG`` or ``ABIERTA_BENCH`` is on.
- any class with the ``CodeGateway`` interface, by dotted path. An SMS gateway is written as::

      class SmsGateway:
          fixed_code: str | None = None
          def send(self, contact: str, code: str) -> None:
              ...  # call the provider's API; raise CodeNotSent on failure
"""

from __future__ import annotations

import logging
import secrets
from typing import Protocol

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.mail import send_mail
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

CODE_DIGITS = 6


class CodeNotSent(Exception):
    """The gateway could not deliver the code (the voter may try again)."""


class CodeGateway(Protocol):
    # A gateway that returns a known code instead of a random one (benchmarks only).
    fixed_code: str | None

    def send(self, contact: str, code: str) -> None: ...


class ConsoleGateway:
    fixed_code: str | None = None

    def send(self, contact: str, code: str) -> None:
        logger.warning("Voting code for %s: %s", contact, code)


class EmailGateway:
    fixed_code: str | None = None

    def send(self, contact: str, code: str) -> None:
        if "@" not in contact:
            raise CodeNotSent("this gateway only sends email")
        subject = _("Your voting code")
        body = _("Your code to vote in the citizen consultation is %(code)s. It expires in %(minutes)s minutes.") % {
            "code": code,
            "minutes": settings.ABIERTA_VOTE_CODE_MINUTES,
        }
        try:
            send_mail(subject, body, None, [contact])
        except OSError as exc:
            raise CodeNotSent(str(exc)) from exc


class FixedGateway:
    """Benchmarks only: the code is always 000000 and nothing is sent."""

    fixed_code: str | None = "0" * CODE_DIGITS

    def __init__(self) -> None:
        if not (settings.DEBUG or getattr(settings, "ABIERTA_BENCH", False)):
            raise ImproperlyConfigured("The fixed voting-code backend is only allowed with DEBUG or ABIERTA_BENCH.")

    def send(self, contact: str, code: str) -> None:
        return None


BACKENDS: dict[str, type[ConsoleGateway] | type[EmailGateway] | type[FixedGateway]] = {
    "console": ConsoleGateway,
    "email": EmailGateway,
    "fixed": FixedGateway,
}


def gateway() -> CodeGateway:
    name: str = settings.ABIERTA_VOTE_CODE_BACKEND
    cls = BACKENDS.get(name) or import_string(name)
    instance: CodeGateway = cls()
    return instance


def new_code(gw: CodeGateway | None = None) -> str:
    fixed = (gw or gateway()).fixed_code
    if fixed is not None:
        return fixed
    return f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"


def send_code(contact: str, code: str, gw: CodeGateway | None = None) -> None:
    (gw or gateway()).send(contact, code)
