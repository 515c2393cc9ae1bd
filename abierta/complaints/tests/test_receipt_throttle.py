"""Guessing receipts: 20 wrong ones per source in 15 minutes are answered normally, then 429 —
without running Argon2 — while other reporters are not affected."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from abierta.complaints import antiabuse, services
from abierta.complaints.tests.factories import FOLLOWUP, receipt_of, report_data, submit
from abierta.core import pow
from abierta.core.receipts import new_receipt

SOURCE_A = "203.0.113.10"
SOURCE_B = "203.0.113.20"


def wrong_receipts(count: int) -> list[str]:
    return [new_receipt() for _ in range(count)]


@pytest.fixture
def argon2_runs(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Counts receipt look-ups (each costs two Argon2id runs)."""
    runs: list[str] = []
    real = services.complaint_open

    def counting(**kwargs: Any) -> Any:
        runs.append("open")
        return real(**kwargs)

    monkeypatch.setattr(services, "complaint_open", counting)
    return runs


@pytest.mark.django_db
def test_twenty_wrong_receipts_then_429_and_another_source_gets_in(argon2_runs: list[str]) -> None:
    b = Client(REMOTE_ADDR=SOURCE_B)
    receipt = receipt_of(submit(b, report_data()))

    a = Client(REMOTE_ADDR=SOURCE_A)
    for guess in wrong_receipts(20):
        response = a.post(FOLLOWUP, {"receipt": guess})
        assert response.status_code == 200
        assert 'id="id_receipt_error"' in response.content.decode()
    assert len(argon2_runs) == 20

    response = a.post(FOLLOWUP, {"receipt": wrong_receipts(1)[0]})
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 15 * 60
    # The explanation page, in Spanish (its text is translated in the catalog).
    assert 'id="too-many"' in response.content.decode() and 'lang="es-CO"' in response.content.decode()
    # Even the right receipt waits, and no Argon2 runs for a blocked source.
    assert a.post(FOLLOWUP, {"receipt": receipt}).status_code == 429
    assert len(argon2_runs) == 20

    # Another reporter, from another source, gets in at once.
    response = b.post(FOLLOWUP, {"receipt": receipt})
    assert response.status_code == 303
    assert "sid" in response.cookies
    # ...and that does not reset source A's counter.
    assert a.post(FOLLOWUP, {"receipt": wrong_receipts(1)[0]}).status_code == 429


@pytest.mark.django_db
def test_the_window_ends_after_fifteen_minutes(monkeypatch: pytest.MonkeyPatch) -> None:
    a = Client(REMOTE_ADDR=SOURCE_A)
    for guess in wrong_receipts(20):
        assert a.post(FOLLOWUP, {"receipt": guess}).status_code == 200
    assert a.post(FOLLOWUP, {"receipt": wrong_receipts(1)[0]}).status_code == 429
    later = antiabuse.now() + 15 * 60 + 1
    monkeypatch.setattr(antiabuse, "now", lambda: later)
    monkeypatch.setattr(pow, "now", lambda: later)
    assert a.post(FOLLOWUP, {"receipt": wrong_receipts(1)[0]}).status_code == 200


@pytest.mark.django_db
def test_malformed_receipts_count_too_and_the_limit_follows_the_setting(settings: Any) -> None:
    settings.ABIERTA_COMPLAINTS_RECEIPT_FAILURES = 3
    a = Client(REMOTE_ADDR=SOURCE_A)
    for typed in ("hola", "", "1234"):
        assert a.post(FOLLOWUP, {"receipt": typed}).status_code == 200
    assert a.post(FOLLOWUP, {"receipt": "hola"}).status_code == 429


@pytest.mark.django_db
def test_source_comes_from_the_configured_proxy_header(settings: Any) -> None:
    settings.ABIERTA_CLIENT_IP_HEADER = "HTTP_X_REAL_IP"
    settings.ABIERTA_COMPLAINTS_RECEIPT_FAILURES = 2
    # Behind a proxy every request has the proxy's REMOTE_ADDR; the header tells people apart.
    a = Client(REMOTE_ADDR="10.0.0.1", HTTP_X_REAL_IP=SOURCE_A)
    b = Client(REMOTE_ADDR="10.0.0.1", HTTP_X_REAL_IP=SOURCE_B)
    for _ in range(2):
        assert a.post(FOLLOWUP, {"receipt": wrong_receipts(1)[0]}).status_code == 200
    assert a.post(FOLLOWUP, {"receipt": wrong_receipts(1)[0]}).status_code == 429
    assert b.post(FOLLOWUP, {"receipt": wrong_receipts(1)[0]}).status_code == 200
