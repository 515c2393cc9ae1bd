"""Guessing receipts: 20 wrong ones per source in 15 minutes are answered normally, then 429 —
without running Argon2 — while other reporters are not affected. Each guess needs the follow-up
form's proof of work before Argon2 runs, and text that is not a receipt costs nothing and counts
for nothing (security review C5a: 44 junk posts locked out everyone behind one address)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from abierta.complaints import antiabuse, services
from abierta.complaints.tests.factories import FOLLOWUP, receipt_of, receipt_payload, report_data, submit
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
        response = a.post(FOLLOWUP, receipt_payload(guess))
        assert response.status_code == 200
        assert 'id="id_receipt_error"' in response.content.decode()
    assert len(argon2_runs) == 20

    response = a.post(FOLLOWUP, receipt_payload(wrong_receipts(1)[0]))
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 15 * 60
    # The explanation page, in Spanish (its text is translated in the catalog).
    assert 'id="too-many"' in response.content.decode() and 'lang="es-CO"' in response.content.decode()
    # Even the right receipt waits, and no Argon2 runs for a blocked source.
    assert a.post(FOLLOWUP, receipt_payload(receipt)).status_code == 429
    assert len(argon2_runs) == 20

    # Another reporter, from another source, gets in at once.
    response = b.post(FOLLOWUP, receipt_payload(receipt))
    assert response.status_code == 303
    assert "sid" in response.cookies
    # ...and that does not reset source A's counter.
    assert a.post(FOLLOWUP, receipt_payload(wrong_receipts(1)[0])).status_code == 429


@pytest.mark.django_db
def test_the_window_ends_after_fifteen_minutes(monkeypatch: pytest.MonkeyPatch) -> None:
    a = Client(REMOTE_ADDR=SOURCE_A)
    for guess in wrong_receipts(20):
        assert a.post(FOLLOWUP, receipt_payload(guess)).status_code == 200
    assert a.post(FOLLOWUP, receipt_payload(wrong_receipts(1)[0])).status_code == 429
    later = antiabuse.now() + 15 * 60 + 1
    monkeypatch.setattr(antiabuse, "now", lambda: later)
    monkeypatch.setattr(pow, "now", lambda: later)
    assert a.post(FOLLOWUP, receipt_payload(wrong_receipts(1)[0])).status_code == 200


@pytest.mark.django_db
def test_junk_posts_do_not_lock_out_the_source(settings: Any, argon2_runs: list[str]) -> None:
    """The review's attack: 44 posts of text that is not a receipt, in under a second."""
    receipt = receipt_of(submit(Client(REMOTE_ADDR=SOURCE_B), report_data()))
    a = Client(REMOTE_ADDR=SOURCE_A)
    for typed in ["x"] * 40 + ["hola", "", "1234", "K7QM-2XRT"]:
        response = a.post(FOLLOWUP, {"receipt": typed})
        assert response.status_code == 200
        assert 'id="id_receipt_error"' in response.content.decode()
    assert argon2_runs == []
    # Someone else behind the same address (a Tor exit, CGNAT, a proxy) still gets in.
    response = a.post(FOLLOWUP, receipt_payload(receipt))
    assert response.status_code == 303
    assert "sid" in response.cookies


@pytest.mark.django_db
def test_a_wrong_receipt_without_a_valid_proof_of_work_is_refused_before_argon2(argon2_runs: list[str]) -> None:
    a = Client(REMOTE_ADDR=SOURCE_A)
    guess = wrong_receipts(1)[0]
    page = a.get(FOLLOWUP).content.decode()
    assert "data-pow" in page and 'name="challenge"' in page and "/static/js/pow.js" in page
    fresh = antiabuse.receipt_challenge_issue()
    report_form_challenge = antiabuse.challenge_issue()
    attempts = [
        {"receipt": guess},  # no challenge at all
        {"receipt": guess, "challenge": "v1.1.forged.16.abc", "pow": "1"},
        {"receipt": guess, "challenge": fresh, "pow": "not-a-number"},
        {"receipt": guess, "challenge": fresh, "pow": ""},  # no proof and no wait
        # The report form's challenge is bound to another purpose.
        {"receipt": guess, "challenge": report_form_challenge, "pow": pow.solve(report_form_challenge)},
    ]
    for data in attempts:
        response = a.post(FOLLOWUP, data)
        assert response.status_code == 200
        html = response.content.decode()
        assert 'class="error-summary"' in html and 'id="id_receipt_error"' not in html
    assert argon2_runs == []
    # A solved challenge is used once: sent again, it is refused before Argon2 too.
    solved = receipt_payload(guess)
    assert a.post(FOLLOWUP, solved).status_code == 200
    assert len(argon2_runs) == 1
    assert a.post(FOLLOWUP, solved).status_code == 200
    assert len(argon2_runs) == 1


@pytest.mark.django_db
def test_without_javascript_the_receipt_form_opens_after_the_wait(
    settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    client = Client(REMOTE_ADDR=SOURCE_A)
    receipt = receipt_of(submit(client, report_data()))
    challenge = antiabuse.receipt_challenge_issue()
    response = client.post(FOLLOWUP, {"receipt": receipt, "challenge": challenge, "pow": ""})
    assert response.status_code == 200 and "segundos" in response.content.decode()
    later = pow.now() + settings.ABIERTA_POW_NOJS_WAIT_SECONDS + 1
    monkeypatch.setattr(pow, "now", lambda: later)
    response = client.post(FOLLOWUP, {"receipt": receipt, "challenge": challenge, "pow": ""})
    assert response.status_code == 303


@pytest.mark.django_db
def test_the_limit_follows_the_setting(settings: Any) -> None:
    settings.ABIERTA_COMPLAINTS_RECEIPT_FAILURES = 3
    a = Client(REMOTE_ADDR=SOURCE_A)
    for guess in wrong_receipts(3):
        assert a.post(FOLLOWUP, receipt_payload(guess)).status_code == 200
    assert a.post(FOLLOWUP, receipt_payload(wrong_receipts(1)[0])).status_code == 429


@pytest.mark.django_db
def test_source_comes_from_the_configured_proxy_header(settings: Any) -> None:
    settings.ABIERTA_CLIENT_IP_HEADER = "HTTP_X_REAL_IP"
    settings.ABIERTA_COMPLAINTS_RECEIPT_FAILURES = 2
    # Behind a proxy every request has the proxy's REMOTE_ADDR; the header tells people apart.
    a = Client(REMOTE_ADDR="10.0.0.1", HTTP_X_REAL_IP=SOURCE_A)
    b = Client(REMOTE_ADDR="10.0.0.1", HTTP_X_REAL_IP=SOURCE_B)
    for _ in range(2):
        assert a.post(FOLLOWUP, receipt_payload(wrong_receipts(1)[0])).status_code == 200
    assert a.post(FOLLOWUP, receipt_payload(wrong_receipts(1)[0])).status_code == 429
    assert b.post(FOLLOWUP, receipt_payload(wrong_receipts(1)[0])).status_code == 200
