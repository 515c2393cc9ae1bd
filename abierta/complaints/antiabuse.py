"""Protection of the reporter's pages against automated abuse, without knowing who anyone is.

Everything here lives in Django's cache (memory or Redis) for at most a few hours, never in the
database. A "source" is ``request.complaints_source``: an HMAC of the client address under a key
that changes every day (middleware.py); the address itself is never kept.

- **Challenge**: the report form carries ``v1.<unix ts>.<nonce>.<bits>.<mac>``. It is accepted once,
  for two hours, with either a proof of work (``static/complaints/pow.js``) or, without JavaScript,
  after ``ABIERTA_COMPLAINTS_NOJS_WAIT_SECONDS``.
- **Submissions**: at most ``ABIERTA_COMPLAINTS_SUBMISSIONS_PER_HOUR`` reports per source and hour.
- **Receipts**: at most ``ABIERTA_COMPLAINTS_RECEIPT_FAILURES`` wrong receipts per source in 15 minutes.
- **Argon2**: at most ``ABIERTA_COMPLAINTS_ARGON2_CONCURRENCY`` requests of this process hash at once.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from enum import Enum

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

from abierta.complaints import crypto
from abierta.core import ratelimit

CHALLENGE_VERSION = "v1"
CHALLENGE_MAX_AGE = 2 * 3600
SUBMISSION_WINDOW = 3600
RECEIPT_WINDOW = 15 * 60
# How long a request waits for an Argon2 permit before it is told to come back.
ARGON2_WAIT_SECONDS = 5.0
BUSY_RETRY_AFTER = 10
_MAX_POW_DIGITS = 20


def now() -> float:
    return time.time()


def source_of(request: HttpRequest) -> str:
    """The request's keyed, daily-rotating source tag (set by ReporterPrivacyMiddleware)."""
    source: str = getattr(request, "complaints_source", "")
    return source


# ---------------------------------------------------------------- challenge


class Verdict(Enum):
    OK = "ok"
    INVALID = "invalid"  # missing, forged or older than two hours: a new form is needed
    REUSED = "reused"  # already used for a report
    WAIT = "wait"  # no proof of work, and sent sooner than a person without JavaScript could
    BAD_POW = "bad-pow"  # a proof of work that does not hold


@dataclass(frozen=True)
class ChallengeCheck:
    verdict: Verdict
    nonce: str = ""
    wait_seconds: int = 0

    @property
    def ok(self) -> bool:
        return self.verdict is Verdict.OK


def _challenge_mac(body: str) -> str:
    return crypto.mac("complaint-challenge", body.encode())


def _used_key(nonce: str) -> str:
    return f"complaints:challenge-used:{nonce}"


def challenge_issue(bits: int | None = None) -> str:
    """A fresh challenge for the report form."""
    difficulty = settings.ABIERTA_COMPLAINTS_POW_BITS if bits is None else bits
    body = f"{CHALLENGE_VERSION}.{int(now())}.{secrets.token_urlsafe(12)}.{difficulty}"
    return f"{body}.{_challenge_mac(body)}"


def leading_zero_bits(digest: bytes) -> int:
    count = 0
    for byte in digest:
        if byte == 0:
            count += 8
            continue
        return count + 8 - byte.bit_length()
    return count


def pow_holds(challenge: str, answer: str, bits: int) -> bool:
    """Whether SHA-256(challenge + ":" + answer) starts with at least ``bits`` zero bits."""
    if not answer.isdigit() or len(answer) > _MAX_POW_DIGITS:
        return False
    digest = hashlib.sha256(f"{challenge}:{int(answer)}".encode()).digest()
    return leading_zero_bits(digest) >= bits


def challenge_check(challenge: str, answer: str) -> ChallengeCheck:
    """Judge a challenge without using it up (``challenge_consume`` does, once the report is valid)."""
    parts = challenge.split(".")
    if len(parts) != 5 or parts[0] != CHALLENGE_VERSION or not parts[1].isdigit() or not parts[3].isdigit():
        return ChallengeCheck(Verdict.INVALID)
    body, signature = challenge.rsplit(".", 1)
    if not hmac.compare_digest(signature, _challenge_mac(body)):
        return ChallengeCheck(Verdict.INVALID)
    issued, nonce, bits = int(parts[1]), parts[2], int(parts[3])
    age = now() - issued
    if age < -60 or age > CHALLENGE_MAX_AGE:
        return ChallengeCheck(Verdict.INVALID)
    if cache.get(_used_key(nonce)) is not None:
        return ChallengeCheck(Verdict.REUSED, nonce)
    answer = answer.strip()
    if answer:
        if not pow_holds(challenge, answer, bits):
            return ChallengeCheck(Verdict.BAD_POW, nonce)
    else:
        wait = settings.ABIERTA_COMPLAINTS_NOJS_WAIT_SECONDS
        if age < wait:
            return ChallengeCheck(Verdict.WAIT, nonce, max(1, int(wait - age + 0.999)))
    return ChallengeCheck(Verdict.OK, nonce)


def challenge_consume(check: ChallengeCheck) -> bool:
    """Mark an accepted challenge as used. False if another request used it first."""
    return bool(cache.add(_used_key(check.nonce), 1, CHALLENGE_MAX_AGE + 300))


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
    window, _left = _window(SUBMISSION_WINDOW)
    ratelimit.hit(f"complaints:submissions:{source}:{window}", window=SUBMISSION_WINDOW)


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
    window, _left = _window(RECEIPT_WINDOW)
    ratelimit.hit(f"complaints:receipt-failures:{source}:{window}", window=RECEIPT_WINDOW)


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
