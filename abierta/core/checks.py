"""System checks of the site's own configuration: in production, a secret key that is not public;
everywhere, a SQLite database that other users of the machine cannot read."""

from __future__ import annotations

import os
import stat
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core import checks

# How Django marks a key that must not reach production (startproject's, and our development default).
INSECURE_KEY_PREFIX = "django-insecure-"


@checks.register(checks.Tags.security)
def secret_key_in_production(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    if not settings.PRODUCTION:
        return []
    errors: list[checks.CheckMessage] = []
    if settings.SECRET_KEY.startswith(INSECURE_KEY_PREFIX):
        errors.append(
            checks.Error(
                "SECRET_KEY is the public development key (or another key marked django-insecure-) in production.",
                hint="Set SECRET_KEY_FILE to a file holding a long random key; see docs/deploy.md.",
                id="core.E001",
            )
        )
    if any(key.startswith(INSECURE_KEY_PREFIX) for key in settings.SECRET_KEY_FALLBACKS):
        errors.append(
            checks.Error(
                "SECRET_KEY_FALLBACKS holds a key marked django-insecure- in production.",
                hint="Anything signed with a public key can be forged: drop it from SECRET_KEY_FALLBACKS.",
                id="core.E002",
            )
        )
    return errors


def open_to_others(path: Path) -> bool:
    """Whether the group or other users of the machine have any permission on ``path`` (False if it
    does not exist, or where file modes mean nothing)."""
    if os.name != "posix":
        return False
    try:
        mode = stat.S_IMODE(path.stat().st_mode)
    except OSError:
        return False
    return bool(mode & 0o077)


@checks.register(checks.Tags.security, checks.Tags.database)
def sqlite_file_private(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    return sqlite_file_messages(settings.DATABASES["default"])


def sqlite_file_messages(database: Mapping[str, Any]) -> list[checks.CheckMessage]:
    if database["ENGINE"] != "django.db.backends.sqlite3":
        return []
    path = Path(str(database["NAME"]))
    found = [p for p in (path.parent, path) if open_to_others(p)]
    if not found:
        return []
    return [
        checks.Warning(
            f"{', '.join(str(p) for p in found)}: other users of this machine may read the SQLite database, "
            "which holds the signed-in staff's sessions.",
            hint=f"chmod 700 {path.parent} && chmod 600 {path}*  (abierta and its web processes create them so).",
            id="core.W001",
        )
    ]
