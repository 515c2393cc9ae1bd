"""Protection of the reporter's pages against automated abuse, without knowing who anyone is.

Everything here lives in Django's cache (memory or Redis) for at most a few hours, never in the
database. A "source" is ``request.complaints_source``: a 64-bit HMAC of the client address under a
random key made each day and kept only in the cache (middleware.py); the address itself is never
kept. Every counter expires at the end of its clock-aligned window, so no expiry tells when the
first event of a window came.

- **Challenge**: the report form carries ``v1.<unix ts>.<nonce>.<bits>.<mac>``. It is accepted once,
  for two hours, with either a proof of work (``static/js/pow.js``, ``core/pow.py``) or, without JavaScript,
  after ``ABIERTA_COMPLAINTS_NOJS_WAIT_SECONDS``.
- **Submissions**: at most ``ABIERTA_COMPLAINTS_SUBMISSIONS_PER_HOUR`` reports per source and hour.
- **Receipts**: the follow-up form carries its own challenge (purpose ``complaint-receipt``), checked
  before any Argon2 run; at most ``ABIERTA_COMPLAINTS_RECEIPT_FAILURES`` wrong receipts per source in
  15 minutes. Only well-formed receipts sent with an accepted challenge count (each cost two Argon2
  runs); a receipt that is not well-formed costs nothing and counts for nothing, so junk posts cannot
  lock out everyone who shares an address.
- **Argon2**: at most ``ABIERTA_COMPLAINTS_ARGON2_CONCURRENCY`` requests of this process hash at once.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings
from django.http import HttpRequest

from abierta.core import pow, ratelimit

CHALLENGE_MAX_AGE = pow.MAX_AGE
SUBMISSION_WINDOW = 3600
RECEIPT_WINDOW = 15 * 60
# How long a request waits for an Argon2 permit before it is told to come back.
ARGON2_WAIT_SECONDS = 5.0
BUSY_RETRY_AFTER = 10


def now() -> float:
    return time.time()


def source_of(request: HttpRequest) -> str:
    """The request's keyed, daily-rotating source tag (set by ReporterPrivacyMiddleware)."""
    source: str = getattr(request, "complaints_source", "")
    return source


# ---------------------------------------------------------------- challenge


Verdict = pow.Verdict
ChallengeCheck = pow.Check
leading_zero_bits = pow.leading_zero_bits
pow_holds = pow.holds
PURPOSE = "complaint"


def challenge_issue(bits: int | None = None) -> str:
    """A fresh challenge for the report form."""
    return pow.issue(PURPOSE, bits=settings.ABIERTA_COMPLAINTS_POW_BITS if bits is None else bits)


def challenge_check(challenge: str, answer: str) -> ChallengeCheck:
    """Judge a challenge without using it up (``challenge_consume`` does, once the report is valid)."""
    return pow.check(PURPOSE, challenge, answer, nojs_wait=settings.ABIERTA_COMPLAINTS_NOJS_WAIT_SECONDS)


def challenge_consume(check: ChallengeCheck) -> bool:
    """Mark an accepted challenge as used. False if another request used it first. The mark expires
    at a UTC midnight, so its expiry gives the day of the report, not its time."""
    return pow.consume(check, align=86400)


RECEIPT_PURPOSE = "complaint-receipt"


def receipt_challenge_issue(bits: int | None = None) -> str:
    """A fresh challenge for the follow-up (receipt) form."""
    return pow.issue(RECEIPT_PURPOSE, bits=bits)


def receipt_challenge_check(challenge: str, answer: str) -> ChallengeCheck:
    """Judge the follow-up form's challenge (the wait without JavaScript is ``ABIERTA_POW_NOJS_WAIT_SECONDS``)."""
    return pow.check(RECEIPT_PURPOSE, challenge, answer)


# ---------------------------------------------------------------- counters per source


def _window(length: int) -> tuple[int, int]:
    """The current fixed window's number and the seconds left in it."""
    return ratelimit.fixed_window(length, moment=now())


def submission_retry_after(source: str) -> int:
    """Seconds until this source may report again, or 0 if it may now."""
    window, left = _window(SUBMISSION_WINDOW)
    if ratelimit.count(f"complaints:submissions:{source}:{window}") >= settings.ABIERTA_COMPLAINTS_SUBMISSIONS_PER_HOUR:
        return left
    return 0


def submission_record(source: str) -> None:
    # The counter ends with its window, not an hour after its first report: its expiry tells nothing
    # about when that report came.
    window, left = _window(SUBMISSION_WINDOW)
    ratelimit.hit(f"complaints:submissions:{source}:{window}", window=left)


def receipt_retry_after(source: str) -> int:
    """Seconds until this source may try a receipt again, or 0 if it may now."""
    window, left = _window(RECEIPT_WINDOW)
    if (
        ratelimit.count(f"complaints:receipt-failures:{source}:{window}")
        >= settings.ABIERTA_COMPLAINTS_RECEIPT_FAILURES
    ):
        return left
    return 0


def receipt_failed(source: str) -> None:
    window, left = _window(RECEIPT_WINDOW)
    ratelimit.hit(f"complaints:receipt-failures:{source}:{window}", window=left)


# ---------------------------------------------------------------- Argon2 concurrency


class Busy(Exception):
    """No Argon2 permit within ARGON2_WAIT_SECONDS."""


_semaphores_lock = threading.Lock()
_semaphores: dict[int, threading.BoundedSemaphore] = {}


def _semaphore() -> threading.BoundedSemaphore:
    size = max(1, int(settings.ABIERTA_COMPLAINTS_ARGON2_CONCURRENCY))
    with _semaphores_lock:
        if size not in _semaphores:
            _semaphores[size] = threading.BoundedSemaphore(size)
        return _semaphores[size]


@contextmanager
def argon2_permit() -> Iterator[None]:
    """Hold one of the process's Argon2 permits (each run takes 64 MiB), or raise Busy."""
    semaphore = _semaphore()
    if not semaphore.acquire(timeout=ARGON2_WAIT_SECONDS):
        raise Busy
    try:
        yield
    finally:
        semaphore.release()
