"""Production refuses process-local caches: with several workers each would keep its own rate
counters and used challenges (security review C5c: one challenge gave two reports, one per worker)."""

from __future__ import annotations

from typing import Any

from django.core import checks

LOCMEM = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}


def redis(url: str) -> dict[str, str]:
    return {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}


def cache_messages() -> list[checks.CheckMessage]:
    """What the registered checks of the "caches" tag say (as `abierta check` runs them)."""
    return [m for m in checks.run_checks(tags=[checks.Tags.caches]) if m.id and m.id.startswith("complaints.")]


def test_production_with_the_in_memory_default_is_an_error(settings: Any) -> None:
    settings.PRODUCTION = True
    settings.CACHES = {"default": LOCMEM, "ratelimit": {**LOCMEM, "LOCATION": "ratelimit"}}
    messages = cache_messages()
    assert [m.id for m in messages] == ["complaints.E020", "complaints.E020"]
    assert all(m.level == checks.ERROR for m in messages)
    assert "'default'" in messages[0].msg and "'ratelimit'" in messages[1].msg


def test_production_with_only_the_rate_counters_in_memory_is_an_error(settings: Any) -> None:
    settings.PRODUCTION = True
    settings.CACHES = {"default": redis("redis://cache:6379/0"), "ratelimit": LOCMEM}
    assert [m.id for m in cache_messages()] == ["complaints.E020"]


def test_production_with_a_separate_redis_for_the_counters_passes(settings: Any) -> None:
    settings.PRODUCTION = True
    settings.CACHES = {"default": redis("redis://cache:6379/0"), "ratelimit": redis("redis://limits:6380/0")}
    assert cache_messages() == []


def test_counters_in_the_page_cache_redis_are_a_warning(settings: Any) -> None:
    settings.PRODUCTION = True
    settings.CACHES = {"default": redis("redis://cache:6379/0"), "ratelimit": redis("redis://cache:6379/0")}
    messages = cache_messages()
    assert [m.id for m in messages] == ["complaints.W020"]
    assert messages[0].level == checks.WARNING


def test_development_may_use_memory(settings: Any) -> None:
    settings.PRODUCTION = False
    settings.CACHES = {"default": LOCMEM, "ratelimit": LOCMEM}
    assert cache_messages() == []


def test_production_without_a_receipt_salt_is_an_error(settings: Any) -> None:
    """S9: the receipt salt derived from SECRET_KEY, so rotating the key broke every receipt."""
    from abierta.complaints import checks as complaint_checks

    settings.PRODUCTION = True
    settings.ABIERTA_COMPLAINTS_RECEIPT_SALT = ""
    messages = complaint_checks.receipt_salt_in_production()
    assert [m.id for m in messages] == ["complaints.E002"]
    assert messages[0].level == checks.ERROR
    settings.ABIERTA_COMPLAINTS_RECEIPT_SALT = "a-salt-of-its-own"
    assert complaint_checks.receipt_salt_in_production() == []
    settings.PRODUCTION = False
    settings.ABIERTA_COMPLAINTS_RECEIPT_SALT = ""
    assert complaint_checks.receipt_salt_in_production() == []


def test_the_salt_set_to_the_old_secret_key_keeps_the_receipts(settings: Any) -> None:
    """What the hint of complaints.E002 tells an existing site: the same salt as before, key rotated."""
    from abierta.complaints import crypto

    settings.ABIERTA_COMPLAINTS_RECEIPT_SALT = ""
    settings.SECRET_KEY = "the-old-secret-key-" * 3
    before = crypto._site_salt()
    settings.ABIERTA_COMPLAINTS_RECEIPT_SALT = "the-old-secret-key-" * 3
    settings.SECRET_KEY = "a-new-secret-key-" * 3
    assert crypto._site_salt() == before
