"""Counting visits to a work's page: a number per work and day, never who visited.

The page itself may come from a CDN or the page cache, so it includes a 1×1 image (the beacon,
``/o/<code>/v.gif``, ``Cache-Control: no-store``) and each request for that image is one visit.
Nothing about the visitor is read or stored: no address, no cookie, no user agent.

Writing one row per hit would put a database write on the hottest path of the site. Instead each
process keeps the increments in memory and adds them in one statement
(``INSERT ... ON CONFLICT (work, day) DO UPDATE SET count = count + n``) once ``FLUSH_HITS`` hits
are pending or the oldest pending hit is ``FLUSH_SECONDS`` old, and when the process exits.

Loss window: a process killed without a clean exit (SIGKILL, a crash, the OOM killer) loses what it
had not flushed, at most ``FLUSH_HITS`` hits or ``FLUSH_SECONDS`` of its traffic. A process that
gets no more requests keeps its last pending hits until its next request or its exit (gunicorn
restarts workers regularly). Visit counts are an indicator for staff, not a ledger: this is the trade.
"""

from __future__ import annotations

import atexit
import datetime
import logging
import threading
import time

from django.db import DatabaseError, connection
from django.utils import timezone

from abierta.works.models import CODE_ALPHABET, Work, WorkScanDay

logger = logging.getLogger(__name__)

FLUSH_HITS = 200
FLUSH_SECONDS = 5.0
# Distinct (code, day) keys one process keeps at most before it flushes anyway.
MAX_KEYS = 5000

_lock = threading.Lock()
_pending: dict[tuple[str, datetime.date], int] = {}
_pending_hits = 0
_oldest: float | None = None


def is_code_shaped(code: str) -> bool:
    """Could this be a work code? Anything else is never counted nor looked up."""
    return 4 <= len(code) <= 16 and all(c in CODE_ALPHABET for c in code)


def scan_record(*, code: str, day: datetime.date | None = None) -> None:
    """Count one visit to the work with this (canonical) code; flushes when due."""
    global _pending_hits, _oldest
    if not is_code_shaped(code):
        return
    key = (code, day or timezone.localdate())
    now = time.monotonic()
    with _lock:
        _pending[key] = _pending.get(key, 0) + 1
        _pending_hits += 1
        if _oldest is None:
            _oldest = now
        due = _pending_hits >= FLUSH_HITS or len(_pending) >= MAX_KEYS or now - _oldest >= FLUSH_SECONDS
    if due:
        scans_flush()


def pending_hits() -> int:
    with _lock:
        return _pending_hits


def _take() -> dict[tuple[str, datetime.date], int]:
    global _pending, _pending_hits, _oldest
    with _lock:
        taken, _pending, _pending_hits, _oldest = _pending, {}, 0, None
    return taken


def scans_discard() -> int:
    """Drop the pending visits without writing them; returns how many were dropped. For tests: the
    visits one test's pages counted must not reach the next test's database (or none, at exit)."""
    return sum(_take().values())


def _give_back(taken: dict[tuple[str, datetime.date], int]) -> None:
    global _pending_hits, _oldest
    with _lock:
        for key, n in taken.items():
            _pending[key] = _pending.get(key, 0) + n
            _pending_hits += n
        if _oldest is None:
            _oldest = time.monotonic()


def scans_flush() -> int:
    """Add the pending visits to the database; returns how many were written.

    Codes of unknown or unpublished works are dropped here. Two statements whatever the number of
    works: one reads the ids of the codes, one upserts every (work, day) row.
    """
    taken = _take()
    if not taken:
        return 0
    try:
        ids = dict(
            Work.objects.filter(code__in={code for code, _ in taken}, is_published=True).values_list("code", "pk")
        )
        rows = [(ids[code], day, n) for (code, day), n in taken.items() if code in ids]
        if rows:
            _upsert(rows)
    except DatabaseError:
        # The database is away for a moment: keep the counts for the next flush.
        logger.warning("works: could not write %d pending visits; kept for the next flush", sum(taken.values()))
        _give_back(taken)
        return 0
    return sum(n for _, _, n in rows)


def _upsert(rows: list[tuple[int, datetime.date, int]]) -> None:
    q = connection.ops.quote_name
    table, work_id, day, count = q(WorkScanDay._meta.db_table), q("work_id"), q("day"), q("count")
    placeholders = ", ".join(["(%s, %s, %s)"] * len(rows))
    params: list[int | datetime.date] = []
    for row in rows:
        params.extend(row)
    # PostgreSQL and SQLite (3.24+) both speak this dialect of upsert.
    sql = (
        f"INSERT INTO {table} ({work_id}, {day}, {count}) VALUES {placeholders} "  # noqa: S608 (names from the model)
        f"ON CONFLICT ({work_id}, {day}) DO UPDATE SET {count} = {table}.{count} + excluded.{count}"
    )
    with connection.cursor() as cursor:  # one statement: atomic by itself
        cursor.execute(sql, params)


def scan_days(work: Work, *, days: int = 90) -> list[WorkScanDay]:
    """The work's daily counts for the last ``days`` days, newest first (days without visits left out)."""
    since = timezone.localdate() - datetime.timedelta(days=days - 1)
    return list(WorkScanDay.objects.filter(work=work, day__gte=since).order_by("-day"))


def _flush_at_exit() -> None:
    try:
        scans_flush()
    except Exception:  # the process is ending: never raise from here
        logger.exception("works: pending visits lost at exit")


atexit.register(_flush_at_exit)
