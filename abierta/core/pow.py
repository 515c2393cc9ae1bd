"""Proof of work for public forms that anyone may send without an account.

A form carries a challenge ``v1.<unix ts>.<nonce>.<bits>.<mac>`` bound to one *purpose* (the
complaint form, a voting code, a registration…), so a challenge made for one form is refused by
another. It is accepted once, for two hours, with either a proof of work found by
``static/js/pow.js`` (SHA-256 of ``challenge:n`` starting with ``bits`` zero bits) or, without
JavaScript, after a short wait (``nojs_wait`` seconds since it was issued).

Used nonces live in the ``ratelimit`` cache alias (never the database, never the page cache), so
page caching cannot evict them and let a challenge be reused.

Each form that uses it renders ``includes/pow_fields.html`` (the two hidden fields and the status
line) inside a ``<form data-pow>`` and loads ``js/pow.js``.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass
from enum import Enum

from django.conf import settings
from django.core.cache import caches
from django.utils.translation import gettext as _

VERSION = "v1"
MAX_AGE = 2 * 3600
_MAX_DIGITS = 20


def now() -> float:
    return time.time()


class Verdict(Enum):
    OK = "ok"
    INVALID = "invalid"  # missing, forged, for another form or older than two hours: a new form is needed
    REUSED = "reused"  # already used
    WAIT = "wait"  # no proof of work, and sent sooner than a person without JavaScript could
    BAD_POW = "bad-pow"  # a proof of work that does not hold


@dataclass(frozen=True)
class Check:
    verdict: Verdict
    purpose: str = ""
    nonce: str = ""
    wait_seconds: int = 0

    @property
    def ok(self) -> bool:
        return self.verdict is Verdict.OK

    @property
    def still_usable(self) -> bool:
        """The challenge was not spent: a form refused for another reason is shown again with it."""
        return self.verdict in {Verdict.OK, Verdict.WAIT, Verdict.BAD_POW}


def _key() -> bytes:
    return hashlib.blake2b(settings.SECRET_KEY.encode(), digest_size=32, person=b"abierta-pow").digest()


def _mac(purpose: str, body: str) -> str:
    return hmac.new(_key(), f"{purpose}|{body}".encode(), hashlib.sha256).hexdigest()


def _used_key(purpose: str, nonce: str) -> str:
    return f"pow-used:{purpose}:{nonce}"


def default_bits() -> int:
    return int(settings.ABIERTA_POW_BITS)


def default_wait() -> int:
    return int(settings.ABIERTA_POW_NOJS_WAIT_SECONDS)


def issue(purpose: str, *, bits: int | None = None) -> str:
    """A fresh challenge for a form of ``purpose``."""
    difficulty = default_bits() if bits is None else bits
    body = f"{VERSION}.{int(now())}.{secrets.token_urlsafe(12)}.{difficulty}"
    return f"{body}.{_mac(purpose, body)}"


def leading_zero_bits(digest: bytes) -> int:
    count = 0
    for byte in digest:
        if byte == 0:
            count += 8
            continue
        return count + 8 - byte.bit_length()
    return count


def holds(challenge: str, answer: str, bits: int) -> bool:
    """Whether SHA-256(challenge + ":" + answer) starts with at least ``bits`` zero bits."""
    if not answer.isdigit() or len(answer) > _MAX_DIGITS:
        return False
    digest = hashlib.sha256(f"{challenge}:{int(answer)}".encode()).digest()
    return leading_zero_bits(digest) >= bits


def solve(challenge: str) -> str:
    """The smallest answer to ``challenge`` (what pow.js finds; for tests and scripted clients)."""
    bits = int(challenge.split(".")[3])
    n = 0
    while leading_zero_bits(hashlib.sha256(f"{challenge}:{n}".encode()).digest()) < bits:
        n += 1
    return str(n)


def check(purpose: str, challenge: str, answer: str, *, nojs_wait: int | None = None) -> Check:
    """Judge a challenge without using it up (:func:`consume` does, once the form is valid)."""
    parts = challenge.split(".")
    if len(parts) != 5 or parts[0] != VERSION or not parts[1].isdigit() or not parts[3].isdigit():
        return Check(Verdict.INVALID, purpose)
    body, signature = challenge.rsplit(".", 1)
    if not hmac.compare_digest(signature, _mac(purpose, body)):
        return Check(Verdict.INVALID, purpose)
    issued, nonce, bits = int(parts[1]), parts[2], int(parts[3])
    age = now() - issued
    if age < -60 or age > MAX_AGE:
        return Check(Verdict.INVALID, purpose)
    if caches["ratelimit"].get(_used_key(purpose, nonce)) is not None:
        return Check(Verdict.REUSED, purpose, nonce)
    answer = answer.strip()
    if answer:
        if not holds(challenge, answer, bits):
            return Check(Verdict.BAD_POW, purpose, nonce)
    else:
        wait = default_wait() if nojs_wait is None else nojs_wait
        if age < wait:
            return Check(Verdict.WAIT, purpose, nonce, max(1, int(wait - age + 0.999)))
    return Check(Verdict.OK, purpose, nonce)


def consume(accepted: Check, *, align: int = 3600) -> bool:
    """Mark an accepted challenge as used. False if another request used it first.

    The mark outlives the challenge and expires at a multiple of ``align`` seconds (clock-aligned),
    so its expiry tells when the form was sent only to that precision (a day for the complaints).
    """
    moment = now()
    expires = -(-(moment + MAX_AGE + 300) // align) * align
    timeout = max(1, int(expires - moment))
    return bool(caches["ratelimit"].add(_used_key(accepted.purpose, accepted.nonce), 1, timeout))


def refusal(check: Check, waiting: str) -> str:
    """What a public form refused by its challenge says, keeping what was typed: the same words on
    every form, but for the wait, whose sentence (with ``%(seconds)d``) names what the form protects.
    The complaint follow-up form has its own words: it does not keep the receipt typed."""
    if check.verdict is Verdict.WAIT:
        return waiting % {"seconds": check.wait_seconds}
    if check.verdict is Verdict.REUSED:
        return _("This form was already sent. What you typed is kept below: check it and send it again.")
    if check.verdict is Verdict.BAD_POW:
        return _(
            "Your browser could not finish the anti-abuse check. What you typed is kept below: please send it again."
        )
    return _("This form expired or could not be verified. What you typed is kept below: please send it again.")
