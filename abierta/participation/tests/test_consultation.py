"""The consultation's services and pages: codes, the two-step vote, in-person entry, one vote per person."""

from __future__ import annotations

import datetime
import re

import pytest
from django.core import mail
from django.core.exceptions import ImproperlyConfigured
from django.test import Client
from django.utils import timezone

from abierta.participation.consultation import otp
from abierta.participation.consultation import services as svc
from abierta.participation.models import Ballot, Consultation, Initiative, Process, VoteCode, Voter
from abierta.participation.tests.factories import make_consultation, make_polling_table, step1, url
from factories import World


@pytest.fixture
def consultation(world: World) -> Consultation:
    return make_consultation(world.plan)


# ---------------------------------------------------------------- services


def test_voter_hash_normalises_and_is_keyed(settings: object) -> None:
    assert svc.voter_hash("CC", "1.234.567") == svc.voter_hash("cc", " 1234567 ")
    # One identity whatever the type label and the leading zeros (security review F1).
    assert svc.voter_hash("CC", "1234567") == svc.voter_hash("CE", "01234567")
    assert svc.voter_hash("CC", "1234567") != svc.voter_hash("CC", "12345670")
    assert len(svc.voter_hash("CC", "1")) == 64
    before = svc.voter_hash("CC", "1234567")
    settings.ABIERTA_VOTER_HASH_KEY = "another key"  # type: ignore[attr-defined]
    assert svc.voter_hash("CC", "1234567") != before


def test_code_stored_only_as_hmac_and_contact_not_stored(consultation: Consultation, settings: object) -> None:
    settings.ABIERTA_VOTE_CODE_BACKEND = "email"  # type: ignore[attr-defined]
    document_hash = svc.code_request(
        consultation=consultation, document_type="CC", document_number="123456", contact="ana@example.org"
    )
    assert document_hash == svc.voter_hash("CC", "123456")
    (sent,) = mail.outbox
    code = re.search(r"\b(\d{6})\b", str(sent.body)).group(1)  # type: ignore[union-attr]
    row = VoteCode.objects.get()
    assert code not in row.code_hash and len(row.code_hash) == 64
    assert "ana@example.org" not in str(VoteCode.objects.values().get())
    assert row.expires_at - timezone.now() <= datetime.timedelta(minutes=10)
    assert svc.code_verify(consultation=consultation, document_hash=document_hash, code=code) == svc.CodeResult.OK
    # used once
    assert svc.code_verify(consultation=consultation, document_hash=document_hash, code=code) == svc.CodeResult.EXPIRED


def _code(
    consultation: Consultation, settings: object, document: str = "123456", contact: str = "a@b.co"
) -> tuple[str, str]:
    settings.ABIERTA_VOTE_CODE_BACKEND = "email"  # type: ignore[attr-defined]
    mail.outbox.clear()
    h = svc.code_request(consultation=consultation, document_type="CC", document_number=document, contact=contact)
    assert h is not None
    code = re.search(r"\b(\d{6})\b", str(mail.outbox[-1].body)).group(1)  # type: ignore[union-attr]
    return h, code


def test_code_expires(consultation: Consultation, settings: object) -> None:
    h, code = _code(consultation, settings)
    VoteCode.objects.update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    assert svc.code_verify(consultation=consultation, document_hash=h, code=code) == svc.CodeResult.EXPIRED


def test_code_five_attempts(consultation: Consultation, settings: object) -> None:
    h, code = _code(consultation, settings)
    wrong = f"{(int(code) + 1) % 1000000:06d}"
    for _ in range(5):
        assert svc.code_verify(consultation=consultation, document_hash=h, code=wrong) == svc.CodeResult.WRONG
    assert svc.code_verify(consultation=consultation, document_hash=h, code=code) == svc.CodeResult.TOO_MANY


def test_new_code_replaces_old_and_requests_are_limited(consultation: Consultation, settings: object) -> None:
    h, first = _code(consultation, settings)
    _h, second = _code(consultation, settings)
    if first != second:
        assert svc.code_verify(consultation=consultation, document_hash=h, code=first) == svc.CodeResult.WRONG
    for n in range(3):
        _code(consultation, settings, contact=f"a{n}@b.co")  # other contacts: the contact's own limit is 3
    with pytest.raises(svc.CodeRefused) as refused:
        svc.code_request(consultation=consultation, document_type="CC", document_number="123456", contact="z@b.co")
    assert refused.value.reason is svc.Refusal.DOCUMENT and refused.value.retry_after > 0


def test_fixed_backend_refused_outside_debug_or_bench(settings: object) -> None:
    settings.ABIERTA_VOTE_CODE_BACKEND = "fixed"  # type: ignore[attr-defined]
    settings.DEBUG = False  # type: ignore[attr-defined]
    settings.ABIERTA_BENCH = False  # type: ignore[attr-defined]
    with pytest.raises(ImproperlyConfigured):
        otp.gateway()
    settings.ABIERTA_BENCH = True  # type: ignore[attr-defined]
    assert otp.new_code(otp.gateway()) == "000000"


def test_console_backend_logs(caplog: pytest.LogCaptureFixture) -> None:
    otp.send_code("ana@example.org", "123456", otp.ConsoleGateway())
    assert "code for ana@example.org: 123456" in caplog.text


def test_random_codes_are_six_digits() -> None:
    codes = {otp.new_code(otp.ConsoleGateway()) for _ in range(50)}
    assert all(len(c) == 6 and c.isdigit() for c in codes) and len(codes) > 40


def test_vote_cast_once_per_person(consultation: Consultation, settings: object) -> None:
    settings.ABIERTA_BALLOT_BATCH = 1  # type: ignore[attr-defined]
    h = svc.voter_hash("CC", "42")
    receipt = svc.vote_cast(consultation=consultation, document_hash=h, choices=[2], channel="web")
    assert receipt is not None and re.fullmatch(r"[0-9A-Z]{4}(-[0-9A-Z]{4}){3}", receipt)
    ballot = Ballot.objects.get()
    assert ballot.receipt_hash == svc.receipt_hash(receipt) and ballot.choices == [2]
    assert ballot.cast_on == timezone.localdate()
    again = svc.vote_cast(consultation=consultation, document_hash=h, choices=[1], channel="in_person")
    assert again is None
    assert Voter.objects.count() == 1 and Ballot.objects.count() == 1


@pytest.mark.parametrize(
    ("max_choices", "choices", "ok"),
    [
        (1, [1], True),
        (1, [], False),
        (1, [1, 2], False),
        (2, [3, 1], True),
        (2, [1, 1], False),
        (2, [1, 2, 3], False),
        (3, [99], False),  # not shortlisted
        (3, [7], False),  # no such initiative
    ],
)
def test_choices_check(world: World, max_choices: int, choices: list[int], ok: bool) -> None:
    c = make_consultation(world.plan, max_choices=max_choices)
    if ok:
        assert svc.choices_check(c, choices) == sorted(choices)
    else:
        with pytest.raises(svc.ChoiceError):
            svc.choices_check(c, choices)


# ---------------------------------------------------------------- pages


def test_consultation_page(client: Client, consultation: Consultation) -> None:
    response = client.get(url("consultation", consultation))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Iniciativa 1" in body and "Descartada" not in body
    assert url("consultation_vote", consultation) in body


def _step1(client: Client, c: Consultation, **extra: str) -> tuple[str, str]:
    mail.outbox.clear()
    response = step1(client, c, **extra)
    assert response.status_code == 200, response.content.decode()
    token = re.search(r'name="token" value="([^"]+)"', response.content.decode()).group(1)  # type: ignore[union-attr]
    code = re.search(r"\b(\d{6})\b", str(mail.outbox[-1].body)).group(1)  # type: ignore[union-attr]
    return token, code


def test_web_vote_end_to_end(client: Client, consultation: Consultation, settings: object) -> None:
    settings.ABIERTA_VOTE_CODE_BACKEND = "email"  # type: ignore[attr-defined]
    settings.ABIERTA_BALLOT_BATCH = 1  # type: ignore[attr-defined]
    token, code = _step1(client, consultation, age_band="18-28", territory="ucg3")
    response = client.post(
        url("consultation_vote_confirm", consultation), {"token": token, "code": code, "choices": "2"}
    )
    assert response.status_code == 200
    receipt = re.search(r"<code>([0-9A-Z-]{19})</code>", response.content.decode()).group(1)  # type: ignore[union-attr]
    assert response["Cache-Control"].startswith("max-age=0")
    ballot = Ballot.objects.get()
    assert ballot.choices == [2] and ballot.channel == "web" and ballot.age_band == "18-28"
    assert ballot.territory == "ucg3" and ballot.sector == ""
    assert not VoteCode.objects.filter(expires_at__gt=timezone.now()).exists()
    # Find my ballot
    found = client.post(url("consultation_check", consultation), {"receipt": receipt.lower().replace("-", " ")})
    assert found.status_code == 200 and ballot.receipt_hash in found.content.decode()
    # Once per person: a second round with the same document is refused, the same at a table.
    token, code = _step1(client, consultation)
    again = client.post(url("consultation_vote_confirm", consultation), {"token": token, "code": code, "choices": "1"})
    assert again.status_code == 409
    assert Ballot.objects.count() == 1 and Voter.objects.count() == 1


def test_bad_step1_rerenders_400_and_writes_nothing(client: Client, consultation: Consultation) -> None:
    data = {"document_type": "XX", "document_number": "1", "contact": "not an address"}
    response = client.post(url("consultation_vote", consultation), data)
    assert response.status_code == 400
    body = response.content.decode()
    assert 'value="not an address"' in body and "error-summary" in body
    assert not VoteCode.objects.exists()


def test_bad_step2_keeps_choices_400(client: Client, consultation: Consultation, settings: object) -> None:
    settings.ABIERTA_VOTE_CODE_BACKEND = "email"  # type: ignore[attr-defined]
    token, code = _step1(client, consultation)
    wrong = f"{(int(code) + 1) % 1000000:06d}"
    response = client.post(
        url("consultation_vote_confirm", consultation), {"token": token, "code": wrong, "choices": "3"}
    )
    assert response.status_code == 400
    assert re.search(r'value="3" id="choice-3" checked', response.content.decode())
    # max_choices is 1: two choices are refused, nothing written
    response = client.post(
        url("consultation_vote_confirm", consultation), {"token": token, "code": code, "choices": ["1", "2"]}
    )
    assert response.status_code == 400
    # a forged token
    response = client.post(
        url("consultation_vote_confirm", consultation), {"token": "x:y", "code": code, "choices": "1"}
    )
    assert response.status_code == 400
    assert not Ballot.objects.exists() and not Voter.objects.exists()


def test_vote_closed_is_403(client: Client, world: World) -> None:
    for state in ("before", "closed"):
        Consultation.objects.all().delete()
        Process.objects.all().delete()
        Initiative.objects.all().delete()
        c = make_consultation(world.plan, state=state)
        assert client.get(url("consultation_vote", c)).status_code == 403
        assert client.post(url("consultation_vote_confirm", c), {}).status_code == 403
        assert client.get(url("consultation", c)).status_code == 200


def test_table_entry_same_person_once_across_channels(
    persona_client: object, consultation: Consultation, settings: object
) -> None:
    settings.ABIERTA_BALLOT_BATCH = 1  # type: ignore[attr-defined]
    staff = persona_client("transparency")  # type: ignore[operator]
    make_polling_table(consultation, "transparency@example.org")
    data = {"document_type": "CC", "document_number": "987 654", "choices": "1", "sector": "academia"}
    entry = url("consultation_table_vote", consultation, number=1)
    response = staff.post(entry, data)
    assert response.status_code == 200, response.content.decode()
    assert re.search(r"<code>[0-9A-Z-]{19}</code>", response.content.decode())
    ballot = Ballot.objects.get()
    assert ballot.channel == "in_person" and ballot.sector == "academia"
    assert staff.post(entry, data).status_code == 409
    # and the web refuses the same document
    settings.ABIERTA_VOTE_CODE_BACKEND = "email"  # type: ignore[attr-defined]
    web = Client()
    mail.outbox.clear()
    response = step1(web, consultation, document_number="987.654", contact="x@example.org")
    token = re.search(r'name="token" value="([^"]+)"', response.content.decode()).group(1)  # type: ignore[union-attr]
    code = re.search(r"\b(\d{6})\b", str(mail.outbox[-1].body)).group(1)  # type: ignore[union-attr]
    again = web.post(url("consultation_vote_confirm", consultation), {"token": token, "code": code, "choices": "2"})
    assert again.status_code == 409
    assert Ballot.objects.count() == 1


def test_table_entry_bad_input_400(persona_client: object, consultation: Consultation) -> None:
    staff = persona_client("editor_own")  # type: ignore[operator]
    make_polling_table(consultation, "editor_own@example.org")
    response = staff.post(
        url("consultation_table_vote", consultation, number=1), {"document_type": "CC", "document_number": "12345"}
    )
    assert response.status_code == 400 and 'value="12345"' in response.content.decode()
    assert not Ballot.objects.exists() and not Voter.objects.exists()


def test_a_web_vote_landing_after_the_close_is_refused_with_a_message(
    client: Client, consultation: Consultation, settings: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The close freezes the ballot file between the code check and the vote: a clear 409, not a 500."""
    settings.ABIERTA_VOTE_CODE_BACKEND = "email"  # type: ignore[attr-defined]
    token, code = _step1(client, consultation)
    real_verify = svc.code_verify

    def verify_then_close(**kwargs: object) -> svc.CodeResult:
        result = real_verify(**kwargs)  # type: ignore[arg-type]
        # The close's clock runs a second past closes_at; the voter's request saw it open.
        svc.consultation_close(consultation=consultation, now=consultation.closes_at + datetime.timedelta(seconds=1))
        return result

    monkeypatch.setattr(svc, "code_verify", verify_then_close)
    response = client.post(
        url("consultation_vote_confirm", consultation), {"token": token, "code": code, "choices": "2"}
    )
    assert response.status_code == 409
    assert "se cerró antes de registrar su voto" in response.content.decode()
    assert not Voter.objects.exists() and not Ballot.objects.exists()
