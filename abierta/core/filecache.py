"""The page cache on one machine without Redis: Django's file cache, shared by the app's workers.

Django's ``FileBasedCache`` keeps one file per key in a folder, so every gunicorn worker of the
machine reads what any of them stored (decision 0026). Before each write it lists the whole folder
to count the entries against ``MAX_ENTRIES``: with the 40,000 files of 10,000 cached QR pages that
is tens of milliseconds per write. This subclass counts at most once every ``CULL_EVERY`` seconds
per process (and on the first write), so the folder may exceed ``MAX_ENTRIES`` by what is written
meanwhile before a quarter of it (``CULL_FREQUENCY``) is removed at random, as Django does.
"""

from __future__ import annotations

import time
from typing import Any

from django.core.cache.backends.filebased import FileBasedCache


class FileCache(FileBasedCache):
    def __init__(self, dir: str, params: dict[str, Any]) -> None:
        super().__init__(dir, params)
        options = params.get("OPTIONS", {})
        self._cull_every = float(options.get("CULL_EVERY", 10))
        self._culled_at = float("-inf")

    def _cull(self) -> None:
        now = time.monotonic()
        if now - self._culled_at < self._cull_every:
            return
        self._culled_at = now
        super()._cull()  # type: ignore[misc]  # private in django-stubs, present in Django 5.2
