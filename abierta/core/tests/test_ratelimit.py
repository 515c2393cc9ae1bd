"""The one rate counter: keyed hashes in the cache, windows from the first event or the clock."""

from __future__ import annotations

import pytest
from django.core.cache import caches
from django.test import override_settings

from abierta.core import ratelimit


@pytest.fixture(autouse=True)
def _empty_cache() -> None:
    caches["ratelimit"].clear()


def test_hit_counts_and_count_reads() -> None:
    assert ratelimit.count("works:follow:10.0.0.1") == 0
    assert [ratelimit.hit("works:follow:10.0.0.1", window=3600) for _ in range(3)] == [1, 2, 3]
    assert ratelimit.count("works:follow:10.0.0.1") == 3
    assert ratelimit.hit("works:follow:10.0.0.2", window=3600) == 1


def test_the_cache_holds_a_keyed_hash_never_the_key() -> None:
    name = ratelimit.cache_key("works:follow-mail:7:ana@example.org")
    assert "ana" not in name and "example" not in name
    assert name == ratelimit.cache_key("works:follow-mail:7:ana@example.org")
    with override_settings(SECRET_KEY="another secret key for another site, long enough"):
        assert ratelimit.cache_key("works:follow-mail:7:ana@example.org") != name


def test_a_counter_is_forgotten_when_its_window_ends() -> None:
    ratelimit.hit("k", window=3600)
    caches["ratelimit"].delete(ratelimit.cache_key("k"))  # what the cache does when the timeout passes
    assert ratelimit.count("k") == 0
    assert ratelimit.hit("k", window=3600) == 1


def test_fixed_windows_follow_the_clock() -> None:
    assert ratelimit.fixed_window(900, moment=900 * 10 + 100) == (10, 800)
    assert ratelimit.fixed_window(900, moment=900 * 11) == (11, 900)
    assert ratelimit.fixed_window(900, moment=900 * 11 - 0.5) == (10, 1)


def test_filling_the_page_cache_cannot_evict_a_counter() -> None:
    """Security review C5(b): 4,600 distinct cached URLs evicted the counters of a locked-out source
    from the shared LocMem cache (2,000 entries), and it was let in again. The counters now live in
    their own alias, which page caching never writes to."""
    from django.core.cache import cache

    for _ in range(5):
        ratelimit.hit("complaints:receipt-failures:tag:1", window=900)
    for n in range(4600):
        cache.set(f"views.decorators.cache.cache_page.cachebust={n}", "x" * 10, 300)
    assert ratelimit.count("complaints:receipt-failures:tag:1") == 5
