"""The page cache without Redis (decision 0026): files shared by the workers of one machine."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings

from abierta.core.filecache import FileCache

ROOT = Path(__file__).resolve().parents[3]


def run_settings(tmp_path: Path, **environ: str) -> subprocess.CompletedProcess[str]:
    """The settings module read by a fresh process outside the tests (TESTING off), printing CACHES."""
    keep = {k: v for k, v in os.environ.items() if k not in {"ABIERTA_TESTING", "REDIS_URL", "PYTEST_CURRENT_TEST"}}
    keep = {k: v for k, v in keep.items() if not k.startswith("ABIERTA_RATELIMIT") and k != "ABIERTA_LOCAL_PAGE_CACHE"}
    code = "import json, abierta.settings as s; print(json.dumps(s.CACHES))"
    return subprocess.run(  # noqa: S603 - this Python, fixed code
        [sys.executable, "-c", code],
        env={**keep, "ABIERTA_DATA_DIR": str(tmp_path), **environ},
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )


def settings_caches(tmp_path: Path, **environ: str) -> dict[str, dict[str, object]]:
    result = run_settings(tmp_path, **environ)
    assert result.returncode == 0, result.stderr
    caches: dict[str, dict[str, object]] = json.loads(result.stdout.strip().splitlines()[-1])
    return caches


def test_without_redis_the_page_cache_is_a_folder_under_the_data_dir(tmp_path: Path) -> None:
    caches = settings_caches(tmp_path)
    assert caches["default"]["BACKEND"] == "abierta.core.filecache.FileCache"
    assert caches["default"]["LOCATION"] == str(tmp_path / "cache")
    # Rate counters and the complaint channel's day key are never written to a file.
    assert caches["ratelimit"]["BACKEND"] == "django.core.cache.backends.locmem.LocMemCache"


def test_each_workers_memory_stays_available_for_comparison(tmp_path: Path) -> None:
    caches = settings_caches(tmp_path, ABIERTA_LOCAL_PAGE_CACHE="locmem")
    assert caches["default"] == {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "OPTIONS": {"MAX_ENTRIES": 2000},
    }


def test_redis_wins_over_the_local_choice(tmp_path: Path) -> None:
    caches = settings_caches(tmp_path, REDIS_URL="redis://127.0.0.1:6379/9", ABIERTA_LOCAL_PAGE_CACHE="file")
    assert caches["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    assert caches["ratelimit"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache"


def test_an_unknown_choice_is_refused(tmp_path: Path) -> None:
    result = run_settings(tmp_path, ABIERTA_LOCAL_PAGE_CACHE="memcached")
    assert result.returncode != 0
    assert (
        "ImproperlyConfigured: ABIERTA_LOCAL_PAGE_CACHE must be 'file' or 'locmem', not 'memcached'." in result.stderr
    )


def test_tests_keep_the_page_cache_in_memory() -> None:
    assert settings.CACHES["default"]["BACKEND"] == "django.core.cache.backends.locmem.LocMemCache"


def test_a_page_stored_by_one_process_is_read_by_another(tmp_path: Path) -> None:
    FileCache(str(tmp_path), {}).set("page:es:abc", (b"<html>ok</html>", "text/html"), 600)
    code = (
        "import sys, django; from django.conf import settings; settings.configure(); "
        "from abierta.core.filecache import FileCache; "
        "print(FileCache(sys.argv[1], {}).get('page:es:abc'))"
    )
    result = subprocess.run(  # noqa: S603 - this Python, fixed code
        [sys.executable, "-c", code, str(tmp_path)], cwd=ROOT, capture_output=True, text=True, check=True, timeout=60
    )
    assert result.stdout.strip() == "(b'<html>ok</html>', 'text/html')"


def test_the_folder_is_counted_at_most_once_every_cull_every_seconds(tmp_path: Path) -> None:
    cache = FileCache(str(tmp_path), {"OPTIONS": {"MAX_ENTRIES": 4, "CULL_FREQUENCY": 2, "CULL_EVERY": 3600}})
    for n in range(10):
        cache.set(f"k{n}", n, 600)
    # Counted at the first write only (an empty folder): nothing removed since.
    assert len(list(tmp_path.glob("*.djcache"))) == 10
    cache._culled_at = float("-inf")  # the next count is due
    cache.set("k10", 10, 600)
    assert len(list(tmp_path.glob("*.djcache"))) == 10 - 10 // 2 + 1  # half of the 10 removed, then k10 written
    assert cache.get("k10") == 10


def test_expired_pages_are_not_read(tmp_path: Path) -> None:
    cache = FileCache(str(tmp_path), {})
    cache.set("gone", "x", -1)
    assert cache.get("gone") is None
