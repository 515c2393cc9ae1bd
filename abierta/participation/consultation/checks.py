"""System checks of the consultation's keys: a ballot box key that opens it, a batch of at least one,
(``check --deploy``) a ballot box key of its own rather than one derived from SECRET_KEY, and in
production a voter-hash key of its own."""

from __future__ import annotations

import re
from typing import Any

from django.conf import settings
from django.core import checks

HEX_KEY = re.compile(r"[0-9a-fA-F]{64}")


@checks.register(checks.Tags.security)
def ballot_box_settings(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    errors: list[checks.CheckMessage] = []
    key: str = settings.ABIERTA_BALLOT_BOX_KEY
    if key and not HEX_KEY.fullmatch(key):
        errors.append(
            checks.Error(
                "ABIERTA_BALLOT_BOX_KEY is not 64 hexadecimal digits.",
                hint="Make one with: python -c 'import secrets; print(secrets.token_hex(32))'",
                id="participation.E101",
            )
        )
    if settings.ABIERTA_BALLOT_BATCH < 1:
        errors.append(
            checks.Error("ABIERTA_BALLOT_BATCH must be at least 1.", id="participation.E102"),
        )
    return errors


@checks.register(checks.Tags.security, deploy=True)
def ballot_box_key_in_production(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    if settings.ABIERTA_BALLOT_BOX_KEY or settings.DEBUG:
        return []
    return [
        checks.Error(
            "ABIERTA_BALLOT_BOX_KEY is not set: the ballot box is sealed with a key derived from SECRET_KEY.",
            hint="Set a key of its own, kept outside the database and its backups (docs/security/consultation.md).",
            id="participation.E103",
        )
    ]


@checks.register(checks.Tags.security)
def voter_hash_key_in_production(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    if not settings.PRODUCTION or settings.ABIERTA_VOTER_HASH_KEY:
        return []
    return [
        checks.Error(
            "ABIERTA_VOTER_HASH_KEY is not set: voters' documents are hashed with a key derived from SECRET_KEY, "
            "so rotating SECRET_KEY during a consultation would let everyone who voted vote again.",
            hint=(
                "Set a long random key of its own (python -c 'import secrets; print(secrets.token_hex(32))') "
                "when no consultation is open, re-import any voter roll, and keep it until the results are "
                "final. See docs/deploy.md."
            ),
            id="participation.E104",
        )
    ]
