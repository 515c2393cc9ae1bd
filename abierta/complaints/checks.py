"""System checks: refuse weak Argon2 parameters for receipts and handler keys outside tests, and in
production a receipt salt derived from SECRET_KEY or rate counters and used challenges kept in one
process's memory; warn of a key store other users of the machine can look into."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core import checks

from abierta.core.checks import open_to_others

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


@checks.register(checks.Tags.security)
def receipt_salt_in_production(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    if not settings.PRODUCTION or settings.ABIERTA_COMPLAINTS_RECEIPT_SALT:
        return []
    return [
        checks.Error(
            "ABIERTA_COMPLAINTS_RECEIPT_SALT is not set: receipts are hashed with a salt derived from SECRET_KEY, "
            "so rotating SECRET_KEY would make every receipt given so far stop working.",
            hint=(
                "Set it once and never change it. On a site that already gave receipts, set it to the current "
                "SECRET_KEY (e.g. ABIERTA_COMPLAINTS_RECEIPT_SALT_FILE pointing at a copy of the key file): "
                "the salt derived from it stays the same. See docs/deploy.md."
            ),
            id="complaints.E002",
        )
    ]


@checks.register(checks.Tags.security)
def keystore_private(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    store = Path(settings.ABIERTA_COMPLAINTS_KEYSTORE)
    if not open_to_others(store):
        return []
    return [
        checks.Warning(
            f"{store}: other users of this machine may list the complaints' key store (one file per case).",
            hint=f"chmod 700 {store}  (abierta creates it so).",
            id="complaints.W001",
        )
    ]


# Caches that live inside one process: with several workers (gunicorn runs 2n+1) each keeps its
# own counters and its own list of used challenges, so every limit is multiplied by the number of
# workers and a challenge is accepted once per worker.
PROCESS_LOCAL_CACHES = {
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
}


@checks.register(checks.Tags.caches)
def shared_cache_in_production(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    if not settings.PRODUCTION:
        return []
    errors: list[checks.CheckMessage] = []
    for alias in ("default", "ratelimit"):
        backend = settings.CACHES.get(alias, {}).get("BACKEND", "")
        if backend in PROCESS_LOCAL_CACHES:
            errors.append(
                checks.Error(
                    f"In production the {alias!r} cache is {backend.rsplit('.', 1)[-1]}, which each worker keeps "
                    "to itself: rate limits and single-use form challenges would not hold across workers.",
                    hint="Set REDIS_URL (and ABIERTA_RATELIMIT_REDIS_URL for the rate counters); see docs/deploy.md.",
                    id="complaints.E020",
                )
            )
    if errors:
        return errors
    default, ratelimit = settings.CACHES["default"], settings.CACHES.get("ratelimit", {})
    if ratelimit.get("LOCATION") and ratelimit.get("LOCATION") == default.get("LOCATION"):
        errors.append(
            checks.Warning(
                "The rate counters share the page cache's Redis: if that Redis evicts keys when full, a flood of "
                "page requests resets every limit.",
                hint="Point ABIERTA_RATELIMIT_REDIS_URL at a Redis with maxmemory-policy noeviction and no "
                "persistence (docs/deploy.md), or silence complaints.W020 if this one is configured so.",
                id="complaints.W020",
            )
        )
    return errors
