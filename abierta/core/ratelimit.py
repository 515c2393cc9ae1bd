"""Counters of requests and emails in Django's ``ratelimit`` cache: the one rate counter.

A counter is named by a key that may identify someone (an address, an email); the cache only ever
holds an HMAC-SHA256 of it under a secret derived from ``SECRET_KEY``, so the cache cannot be read
back into addresses. Nothing is written to the database, and a counter is gone when its time ends.

Two kinds of window, as the callers need them:

- :func:`hit` counts in a window that starts with the first event and lasts ``window`` seconds
  (a follow or report form: at most so many an hour from one address);
- :func:`fixed_window` gives the clock-aligned window's number, to put in the key, and the seconds
  left in it, to tell the client when to come back (the complaint channel).
"""

from __future__ import annotations

import hashlib
import hmac
import time

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.base import BaseCache

_PREFIX = "ratelimit:"


def _cache() -> BaseCache:
    """The ``ratelimit`` cache alias: kept apart from the page cache, so filling one cannot evict the other."""
    return caches["ratelimit"]


def _secret() -> bytes:
    return hashlib.blake2b(settings.SECRET_KEY.encode(), digest_size=32, person=b"abierta-ratelim").digest()


def cache_key(key: str) -> str:
    """The name under which the counter ``key`` is kept: a keyed hash, never the key itself."""
    return _PREFIX + hmac.new(_secret(), key.encode(), hashlib.sha256).hexdigest()[:32]


def hit(key: str, *, window: int) -> int:
    """Count one more event for ``key``; the count, this one included. The counter starts with its
    first event and is forgotten ``window`` seconds later."""
    name = cache_key(key)
    _cache().add(name, 0, timeout=window)
    try:
        return int(_cache().incr(name))
    except ValueError:  # expired between add and incr
        _cache().set(name, 1, timeout=window)
        return 1


def count(key: str) -> int:
    """The events counted for ``key`` so far (0 when there is no counter)."""
    value = _cache().get(cache_key(key))
    return int(value) if value is not None else 0


def fixed_window(length: int, *, moment: float | None = None) -> tuple[int, int]:
    """The number of the clock-aligned window of ``length`` seconds ``moment`` falls in (now when
    not given), and the seconds left in it (at least 1)."""
    moment = time.time() if moment is None else moment
    return int(moment // length), max(1, int(length - moment % length))
