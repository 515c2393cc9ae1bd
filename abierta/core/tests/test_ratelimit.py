"""The one rate counter: keyed hashes in the cache, windows from the first event or the clock."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.test import override_settings

from abierta.core import ratelimit


@pytest.fixture(autouse=True)
def _empty_cache() -> None:
    cache.clear()


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
    cache.delete(ratelimit.cache_key("k"))  # what the cache does when the timeout passes
    assert ratelimit.count("k") == 0
    assert ratelimit.hit("k", window=3600) == 1


def test_fixed_windows_follow_the_clock() -> None:
    assert ratelimit.fixed_window(900, moment=900 * 10 + 100) == (10, 800)
    assert ratelimit.fixed_window(900, moment=900 * 11) == (11, 900)
    assert ratelimit.fixed_window(900, moment=900 * 11 - 0.5) == (10, 1)
