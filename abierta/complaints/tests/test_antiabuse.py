"""The report form's challenge (proof of work, no-JavaScript wait, single use), the per-source limit
on reports, and the cap on concurrent Argon2 work. All of it lives in the cache only."""

from __future__ import annotations

import datetime
import hashlib
import hmac
import re
import threading
from typing import Any

import pytest
from django.conf import settings
from django.core.cache import caches
from django.test import Client
from django.utils import timezone

from abierta.complaints import antiabuse, crypto, middleware
from abierta.complaints.antiabuse import Verdict, challenge_check, challenge_consume, challenge_issue
from abierta.complaints.models import Case
from abierta.complaints.tests.factories import (
    FOLLOWUP,
    NEW,
    WHAT,
    challenge_in,
    receipt_payload,
    report_data,
    solve,
    submit,
)
from abierta.core import pow


@pytest.fixture(autouse=True)
def _small_pow(settings: Any) -> None:
    settings.ABIERTA_COMPLAINTS_POW_BITS = 6
    settings.ABIERTA_COMPLAINTS_NOJS_WAIT_SECONDS = 20


def later(monkeypatch: pytest.MonkeyPatch, seconds: float) -> None:
    moment = antiabuse.now() + seconds
    monkeypatch.setattr(antiabuse, "now", lambda: moment)
    monkeypatch.setattr(pow, "now", lambda: moment)


def wrong_pow(challenge: str) -> str:
    bits = int(challenge.split(".")[3])
    n = 0
    while antiabuse.leading_zero_bits(hashlib.sha256(f"{challenge}:{n}".encode()).digest()) >= bits:
        n += 1
    return str(n)


# ---------------------------------------------------------------- the challenge itself


def test_leading_zero_bits() -> None:
    assert antiabuse.leading_zero_bits(b"\x00\x00\xff") == 16
    assert antiabuse.leading_zero_bits(b"\x00\x1f") == 11
    assert antiabuse.leading_zero_bits(b"\x80") == 0
    assert antiabuse.leading_zero_bits(b"\x00\x00") == 16


def test_challenge_shape() -> None:
    version, issued, nonce, bits, mac = challenge_issue().split(".")
    assert version == "v1" and issued.isdigit() and nonce and bits == "6" and len(mac) == 64


def test_a_real_proof_of_work_is_accepted() -> None:
    challenge = challenge_issue()
    answer = solve(challenge)
    digest = hashlib.sha256(f"{challenge}:{answer}".encode()).digest()
    assert antiabuse.leading_zero_bits(digest) >= 6
    assert challenge_check(challenge, answer).verdict is Verdict.OK
    assert challenge_check(challenge, wrong_pow(challenge)).verdict is Verdict.BAD_POW
    assert challenge_check(challenge, "-1").verdict is Verdict.BAD_POW
    assert challenge_check(challenge, "9" * 40).verdict is Verdict.BAD_POW


def test_the_mac_protects_every_part() -> None:
    challenge = challenge_issue()
    version, issued, nonce, bits, mac = challenge.split(".")
    forged = [
        f"{version}.{issued}.{nonce}.0.{mac}",  # easier work
        f"{version}.{int(issued) - 3600}.{nonce}.{bits}.{mac}",  # older, to skip the wait
        f"{version}.{issued}.other.{bits}.{mac}",  # another nonce, to reuse
        f"{version}.{issued}.{nonce}.{bits}.{'0' * 64}",
        "v2." + challenge[3:],
        "",
        "v1.x.y.z",
    ]
    for candidate in forged:
        assert challenge_check(candidate, "").verdict is Verdict.INVALID, candidate


def test_a_challenge_expires_after_two_hours(monkeypatch: pytest.MonkeyPatch) -> None:
    challenge = challenge_issue()
    answer = solve(challenge)
    later(monkeypatch, 2 * 3600 - 5)
    assert challenge_check(challenge, answer).verdict is Verdict.OK
    later(monkeypatch, 10)
    assert challenge_check(challenge, answer).verdict is Verdict.INVALID


def test_a_challenge_is_used_once() -> None:
    challenge = challenge_issue()
    answer = solve(challenge)
    check = challenge_check(challenge, answer)
    assert check.ok
    assert challenge_check(challenge, answer).ok, "checking does not use it up"
    assert challenge_consume(check) is True
    assert challenge_consume(check) is False
    assert challenge_check(challenge, answer).verdict is Verdict.REUSED


def test_without_proof_of_work_the_challenge_must_be_old_enough(monkeypatch: pytest.MonkeyPatch) -> None:
    challenge = challenge_issue()
    check = challenge_check(challenge, "")
    assert check.verdict is Verdict.WAIT and 19 <= check.wait_seconds <= 20
    later(monkeypatch, 12)
    check = challenge_check(challenge, "")
    assert check.verdict is Verdict.WAIT and 7 <= check.wait_seconds <= 8
    later(monkeypatch, 20)
    assert challenge_check(challenge, "").verdict is Verdict.OK


# ---------------------------------------------------------------- through the form


@pytest.mark.django_db
def test_form_without_javascript_asks_to_wait_then_accepts(monkeypatch: pytest.MonkeyPatch) -> None:
    client = Client()
    challenge = challenge_in(client.get(NEW).content.decode())
    data = {**report_data(who="El secretario"), "challenge": challenge, "pow": ""}
    response = client.post(NEW, data)
    html = response.content.decode()
    assert response.status_code == 400
    assert Case.objects.count() == 0
    assert re.search(r"\b(19|20)\b", html.split('class="error-summary"')[1].split("</div>")[0])
    assert WHAT in html and "El secretario" in html
    assert challenge_in(html) == challenge, "the same challenge, so the wait already done counts"

    later(monkeypatch, 21)
    response = client.post(NEW, data)
    assert 'id="receipt"' in response.content.decode()
    assert Case.objects.count() == 1


@pytest.mark.django_db
def test_a_reused_challenge_is_refused_with_a_clear_message() -> None:
    client = Client()
    challenge = challenge_in(client.get(NEW).content.decode())
    data = {**report_data(), "challenge": challenge, "pow": solve(challenge)}
    assert 'id="receipt"' in client.post(NEW, data).content.decode()
    response = client.post(NEW, data)
    html = response.content.decode()
    assert 'id="receipt"' not in html
    assert "ya fue enviado" in html or "already sent" in html
    assert WHAT in html
    assert challenge_in(html) != challenge
    assert Case.objects.count() == 1


@pytest.mark.django_db
def test_a_forged_or_missing_challenge_gets_a_new_form() -> None:
    client = Client()
    for challenge in ("", "v1.1.abc.0.deadbeef"):
        response = client.post(NEW, {**report_data(), "challenge": challenge, "pow": "0"})
        html = response.content.decode()
        assert response.status_code == 400 and 'id="receipt"' not in html
        assert WHAT in html
        assert challenge_in(html).startswith("v1.")
    assert Case.objects.count() == 0


@pytest.mark.django_db
def test_invalid_form_does_not_use_up_the_challenge() -> None:
    client = Client()
    challenge = challenge_in(client.get(NEW).content.decode())
    pow_answer = solve(challenge)
    bad = client.post(NEW, {**report_data(what=""), "challenge": challenge, "pow": pow_answer})
    assert challenge_in(bad.content.decode()) == challenge
    good = client.post(NEW, {**report_data(), "challenge": challenge, "pow": pow_answer})
    assert 'id="receipt"' in good.content.decode()


# ---------------------------------------------------------------- limits per source


@pytest.mark.django_db
def test_reports_per_source_per_hour(settings: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    settings.ABIERTA_COMPLAINTS_SUBMISSIONS_PER_HOUR = 2
    a = Client(REMOTE_ADDR="203.0.113.10")
    for _ in range(2):
        assert 'id="receipt"' in submit(a, report_data()).content.decode()
    response = submit(a, report_data())
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 3600
    assert 'id="too-many"' in response.content.decode() and 'lang="es-CO"' in response.content.decode()
    assert Case.objects.count() == 2
    # Another source is not affected.
    b = Client(REMOTE_ADDR="203.0.113.20")
    assert 'id="receipt"' in submit(b, report_data()).content.decode()
    # Invalid forms do not count; the next hour starts afresh.
    later(monkeypatch, 3600)
    assert 'id="receipt"' in submit(a, report_data()).content.decode()


@pytest.mark.django_db
def test_nothing_about_sources_is_written_to_the_database(settings: Any) -> None:
    settings.ABIERTA_COMPLAINTS_SUBMISSIONS_PER_HOUR = 1
    a = Client(REMOTE_ADDR="203.0.113.10")
    submit(a, report_data())
    assert submit(a, report_data()).status_code == 429
    from django.core.cache import caches

    caches["ratelimit"].clear()  # the limits live only in the cache
    assert 'id="receipt"' in submit(a, report_data()).content.decode()


def test_source_tags_differ_by_address_and_rotate_daily(monkeypatch: pytest.MonkeyPatch) -> None:
    today = middleware.source_tag("203.0.113.10")
    assert today == middleware.source_tag("203.0.113.10")
    assert today != middleware.source_tag("203.0.113.11")
    assert "203.0.113.10" not in today
    assert len(today) == 16  # 64 bits
    tomorrow = timezone.now() + datetime.timedelta(days=1)
    monkeypatch.setattr(timezone, "now", lambda: tomorrow)
    assert middleware.source_tag("203.0.113.10") != today


def _secret_key_tags(address: str, day: str) -> set[str]:
    """What someone holding SECRET_KEY could compute from an address (the old derivations)."""
    key = settings.SECRET_KEY.encode()
    tags = {crypto.mac(f"source:{day}", address.encode())}
    for secret in (key, crypto.server_key(f"source:{day}"), crypto.server_key("source")):
        tags.add(hmac.new(secret, address.encode(), hashlib.sha256).hexdigest())
        tags.add(hmac.new(secret, f"{day}:{address}".encode(), hashlib.sha256).hexdigest())
    return tags | {tag[:16] for tag in tags}


def test_secret_key_does_not_turn_the_source_tag_back_into_the_address() -> None:
    """C3: the review recomputed ``source_tag("127.0.0.1")`` from SECRET_KEY and found the Redis key."""
    day = timezone.now().astimezone(datetime.UTC).date().isoformat()
    tag = middleware.source_tag("127.0.0.1")
    assert tag not in _secret_key_tags("127.0.0.1", day)
    # The key is random and kept only in the rate-limit cache: when the cache forgets it, the same
    # address on the same day gets a tag nobody can match with the old one.
    stored = caches["ratelimit"].get(f"complaints:source-key:{day}")
    assert stored is not None and len(bytes.fromhex(stored)) == 32
    assert hmac.new(bytes.fromhex(stored), b"127.0.0.1", hashlib.sha256).hexdigest()[:16] == tag
    caches["ratelimit"].clear()
    assert middleware.source_tag("127.0.0.1") != tag


def test_workers_sharing_the_cache_agree_on_the_day_key(monkeypatch: pytest.MonkeyPatch) -> None:
    day = timezone.now().astimezone(datetime.UTC).date().isoformat()
    # Another worker made the day's key first: this one uses it instead of its own.
    caches["ratelimit"].add(f"complaints:source-key:{day}", "ab" * 32, timeout=60)
    assert (
        middleware.source_tag("198.51.100.7")
        == hmac.new(b"\xab" * 32, b"198.51.100.7", hashlib.sha256).hexdigest()[:16]
    )


def test_the_day_key_lives_48_hours_at_most(monkeypatch: pytest.MonkeyPatch) -> None:
    timeouts: list[float | None] = []
    cache = caches["ratelimit"]
    original = cache.add

    def add(key: str, value: Any, timeout: float | None = None, version: int | None = None) -> bool:
        timeouts.append(timeout)
        return bool(original(key, value, timeout=timeout, version=version))

    monkeypatch.setattr(cache, "add", add)
    middleware.source_tag("198.51.100.7")
    assert timeouts == [48 * 3600]


@pytest.mark.django_db
def test_submission_counter_expires_at_the_end_of_its_window(monkeypatch: pytest.MonkeyPatch) -> None:
    """C1/C3: a counter's expiry said when its first report came (TTL 3600 s from the first hit)."""
    expiries: list[tuple[str, float | None]] = []
    cache = caches["ratelimit"]
    original = cache.add

    def add(key: str, value: Any, timeout: float | None = None, version: int | None = None) -> bool:
        expiries.append((key, timeout))
        return bool(original(key, value, timeout=timeout, version=version))

    monkeypatch.setattr(cache, "add", add)
    for offset in (17.0, 1234.0):
        moment = 1_800_000_000.0 + offset  # a multiple of 3600 plus the offset
        monkeypatch.setattr(antiabuse, "now", lambda moment=moment: moment)
        expiries.clear()
        antiabuse.submission_record("tag")
        antiabuse.receipt_failed("tag")
        counters = [timeout for key, timeout in expiries if key.startswith("ratelimit:")]
        # Both counters end with their clock-aligned window, whenever their first event came.
        assert counters == [3600 - offset, 900 - offset % 900]


# ---------------------------------------------------------------- Argon2 concurrency


@pytest.mark.django_db
def test_no_argon2_permit_within_the_wait_gives_503(settings: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    settings.ABIERTA_COMPLAINTS_ARGON2_CONCURRENCY = 1
    monkeypatch.setattr(antiabuse, "ARGON2_WAIT_SECONDS", 0.05)
    release = threading.Event()
    holding = threading.Event()

    def hold() -> None:
        with antiabuse.argon2_permit():
            holding.set()
            release.wait(5)

    worker = threading.Thread(target=hold)
    worker.start()
    try:
        assert holding.wait(5)
        response = Client().post(FOLLOWUP, receipt_payload("K7QM-2XRT-9HCF-W3PD"))
        assert response.status_code == 503
        assert int(response["Retry-After"]) > 0
        client = Client()
        challenge = challenge_in(client.get(NEW).content.decode())
        data = {**report_data(), "challenge": challenge, "pow": solve(challenge)}
        assert client.post(NEW, data).status_code == 503
    finally:
        release.set()
        worker.join()
    # The permit is free again; the challenge was not used up by the busy answer.
    assert 'id="receipt"' in client.post(NEW, data).content.decode()


def test_permits_are_limited_to_the_setting(settings: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    settings.ABIERTA_COMPLAINTS_ARGON2_CONCURRENCY = 2
    monkeypatch.setattr(antiabuse, "ARGON2_WAIT_SECONDS", 0.01)
    with (
        antiabuse.argon2_permit(),
        antiabuse.argon2_permit(),
        pytest.raises(antiabuse.Busy),
        antiabuse.argon2_permit(),
    ):
        pass
    with antiabuse.argon2_permit():
        pass
