"""System checks: refuse weak Argon2 parameters for receipts and handler keys outside tests."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core import checks

MIN_MEMORY_KIB = 65536
MIN_TIME_COST = 3


@checks.register(checks.Tags.security)
def argon2_parameters(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    conf = settings.ABIERTA_COMPLAINTS_ARGON2
    if settings.TESTING:
        return []
    if conf["memory_cost"] < MIN_MEMORY_KIB or conf["time_cost"] < MIN_TIME_COST:
        return [
            checks.Error(
                "ABIERTA_COMPLAINTS_ARGON2 is weaker than 64 MiB and 3 passes.",
                hint="Receipts and handler keys must resist offline guessing; see docs/security/complaints.md.",
                id="complaints.E001",
            )
        ]
    return []
