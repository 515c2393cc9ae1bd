"""System checks of the consultation: refuse, in production, the code backends that are not real."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core import checks
from django.utils.module_loading import import_string

from abierta.participation.consultation import otp

# "console" writes every contact and its code to the log; "fixed" makes every code 000000.
UNSAFE_CODE_BACKENDS = {"console", "fixed"}


def _unsafe(backend: str) -> bool:
    """Whether ``backend`` is the console or the fixed gateway, by name or by dotted path."""
    if backend in UNSAFE_CODE_BACKENDS:
        return True
    try:
        cls = import_string(backend)
    except ImportError:
        return False
    return cls in (otp.ConsoleGateway, otp.FixedGateway)


@checks.register(checks.Tags.security)
def vote_code_backend(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    backend: str = settings.ABIERTA_VOTE_CODE_BACKEND
    if settings.PRODUCTION and _unsafe(backend):
        return [
            checks.Error(
                f"ABIERTA_VOTE_CODE_BACKEND is {backend!r} in production.",
                hint=(
                    "The console backend logs every voter's email or phone with its code, and the fixed one "
                    "accepts 000000 for everyone. Set ABIERTA_VOTE_CODE_BACKEND to 'email' or to the dotted "
                    "path of an SMS gateway."
                ),
                id="participation.E001",
            )
        ]
    return []
