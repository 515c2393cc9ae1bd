"""Proof of work shared by the public forms: bound to one purpose, used once, or a wait without JavaScript."""

from __future__ import annotations

import pytest

from abierta.core import pow


@pytest.fixture(autouse=True)
def _small(settings: object) -> None:
    settings.ABIERTA_POW_BITS = 4  # type: ignore[attr-defined]
    settings.ABIERTA_POW_NOJS_WAIT_SECONDS = 10  # type: ignore[attr-defined]


def test_a_solved_challenge_is_accepted_once() -> None:
    challenge = pow.issue("vote-code")
    first = pow.check("vote-code", challenge, pow.solve(challenge))
    assert first.ok
    assert pow.consume(first)
    again = pow.check("vote-code", challenge, pow.solve(challenge))
    assert again.verdict is pow.Verdict.REUSED
    assert not pow.consume(first)
    # A spent challenge is not offered again with a refused form.
    assert first.still_usable and not again.still_usable


def test_a_challenge_made_for_one_form_is_refused_by_another() -> None:
    challenge = pow.issue("complaint")
    assert pow.check("registration", challenge, pow.solve(challenge)).verdict is pow.Verdict.INVALID


def test_a_forged_difficulty_breaks_the_mac() -> None:
    challenge = pow.issue("registration", bits=12)
    parts = challenge.split(".")
    parts[3] = "0"
    assert pow.check("registration", ".".join(parts), "0").verdict is pow.Verdict.INVALID


def test_a_wrong_answer_is_bad_pow_and_no_answer_must_wait(monkeypatch: pytest.MonkeyPatch) -> None:
    challenge = pow.issue("reset", bits=16)
    answer = int(pow.solve(challenge))
    wrong = next(str(n) for n in range(answer) if not pow.holds(challenge, str(n), 16))
    assert pow.check("reset", challenge, wrong).verdict is pow.Verdict.BAD_POW
    assert pow.check("reset", challenge, wrong).still_usable  # the form comes back with the same one
    waiting = pow.check("reset", challenge, "")
    assert waiting.verdict is pow.Verdict.WAIT and 1 <= waiting.wait_seconds <= 10
    start = pow.now()
    monkeypatch.setattr(pow, "now", lambda: start + 11)
    assert pow.check("reset", challenge, "").ok
    monkeypatch.setattr(pow, "now", lambda: start + pow.MAX_AGE + 1)
    assert pow.check("reset", challenge, "").verdict is pow.Verdict.INVALID


@pytest.mark.parametrize("align", [3600, 86400])
def test_the_used_mark_expires_on_a_clock_boundary_not_from_the_moment_of_use(
    monkeypatch: pytest.MonkeyPatch, align: int
) -> None:
    """Its expiry (a Redis TTL) would otherwise give the second the form was sent."""
    from django.core.cache import caches

    timeouts: list[float | None] = []
    cache = caches["ratelimit"]
    original = cache.add

    def add(key: str, value: object, timeout: float | None = None, version: int | None = None) -> bool:
        timeouts.append(timeout)
        return bool(original(key, value, timeout=timeout, version=version))

    monkeypatch.setattr(cache, "add", add)
    for moment in (1_800_000_017.0, 1_800_001_234.0):
        monkeypatch.setattr(pow, "now", lambda moment=moment: moment)
        accepted = pow.check("complaint", pow.issue("complaint"), "", nojs_wait=0)
        assert pow.consume(accepted, align=align)
        timeout = timeouts.pop()
        assert timeout is not None
        assert (moment + timeout) % align == 0
        assert timeout >= pow.MAX_AGE + 300
