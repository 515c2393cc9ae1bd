"""System checks of the site's own configuration: in production, a secret key that is not public."""

from __future__ import annotations

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
