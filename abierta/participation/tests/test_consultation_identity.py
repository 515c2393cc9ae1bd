"""Identity in the consultation: the attacks of security review F1 and F4 reproduced and refused.

One canonical document, one contact per document, limits per contact, per source and for the site,
proof of work and CSRF on step 1, and the assurance levels 2 (voter roll) and 3 (a verifier).
"""

from __future__ import annotations

import re
import time
from typing import Any

import pytest
from django.core import mail
from django.test import Client

from abierta.core import pow, ratelimit
from abierta.participation.consultation import services as svc
from abierta.participation.models import Ballot, Consultation, ContactBinding, RollEntry, SealedBallot, VoteCode, Voter
from abierta.participation.tests.factories import (
    FakeVerifier,
    make_consultation,
    make_polling_table,
    step1,
    url,
    vote_pow,
)
from factories import World


def cast() -> int:
    """Ballots cast: those already in the ballot table and those still sealed in the box (decision 0016)."""
    return Ballot.objects.count() + SealedBallot.objects.count()


@pytest.fixture(autouse=True)
def _still_clock(monkeypatch: Any) -> None:
    """The limits' windows are clock-aligned: keep every test inside one window, so that a test
    crossing a minute (or an hour) does not see its counters start again."""
    moment = time.time()
    real = ratelimit.fixed_window
    monkeypatch.setattr(ratelimit, "fixed_window", lambda length, moment_=None: real(length, moment=moment))


@pytest.fixture
def consultation(world: World, settings: Any) -> Consultation:
    settings.ABIERTA_VOTE_CODE_BACKEND = "email"
    return make_consultation(world.plan)


def _token_and_code(response: Any) -> tuple[str, str]:
    body = response.content.decode()
    token = re.search(r'name="token" value="([^"]+)"', body)
    assert token, body
    code = re.search(r"\b(\d{6})\b", str(mail.outbox[-1].body))
    assert code
    return token.group(1), code.group(1)


def _vote(client: Client, c: Consultation, doc_type: str, number: str, contact: str) -> int:
    """The whole web vote for one document; the status of the last step (200 a ballot, 409 refused)."""
    mail.outbox.clear()
    first = step1(client, c, document_type=doc_type, document_number=number, contact=contact)
    if first.status_code != 200:
        return int(first.status_code)
    token, code = _token_and_code(first)
    response = client.post(url("consultation_vote_confirm", c), {"token": token, "code": code, "choices": "1"})
    return int(response.status_code)


# ---------------------------------------------------------------- F1: one canonical identity

F1_VARIANTS = [
    ("CC", "98765432"),
    ("CC", "098765432"),
    ("CC", "0098765432"),
    ("CE", "98765432"),
    ("TI", "98765432"),
    ("PA", "98765432"),
    ("PPT", "98765432"),
]


@pytest.mark.parametrize(
    "written", ["98765432", "098765432", "0098765432", "98.765.432", "98 765 432", "98-765-432", " 0.098765432 "]
)
@pytest.mark.parametrize("doc_type", ["CC", "CE", "TI", "PA", "PPT", ""])
def test_one_identity_whatever_type_zeros_dots_spaces(doc_type: str, written: str) -> None:
    assert svc.normalise_document(doc_type, written) == "98765432"
    assert svc.voter_hash(doc_type, written) == svc.voter_hash("CC", "98765432")


def test_voter_hash_is_keyed_hmac(settings: Any) -> None:
    before = svc.voter_hash("CC", "98765432")
    assert re.fullmatch(r"[0-9a-f]{64}", before) and "98765432" not in before
    settings.ABIERTA_VOTER_HASH_KEY = "another key"
    assert svc.voter_hash("CC", "98765432") != before


def test_f1_seven_ballots_of_the_review_become_one(consultation: Consultation, settings: Any) -> None:
    """The review's script, from one address: 7 accepted ballots for 98765432. Now 1 accepted, 6 refused.

    The contact's own limit is raised here so that only the identity decides."""
    settings.ABIERTA_VOTE_CODES_PER_CONTACT_PER_HOUR = 100
    settings.ABIERTA_VOTE_CODES_PER_HOUR = 100
    client = Client()
    statuses = [_vote(client, consultation, t, n, "attacker@example.org") for t, n in F1_VARIANTS]
    assert statuses == [200] + [409] * 6
    assert cast() == 1 and Voter.objects.count() == 1


def test_f1_seven_variants_with_seven_addresses_still_one_ballot(consultation: Consultation) -> None:
    client = Client()
    statuses = [_vote(client, consultation, t, n, f"attacker{i}@example.org") for i, (t, n) in enumerate(F1_VARIANTS)]
    # With the default limits the last tries are refused even earlier: the document's 5 codes an hour.
    assert statuses == [200] + [409] * 4 + [429] * 2
    assert cast() == 1


def test_a_leading_zero_variant_is_refused_at_a_table_too(
    consultation: Consultation, persona_client: Any, settings: Any
) -> None:
    assert _vote(Client(), consultation, "CC", "98765432", "ana@example.org") == 200
    staff = persona_client("transparency")
    make_polling_table(consultation, "transparency@example.org")
    for number in ("098765432", "98.765.432"):
        data = {"document_type": "CE", "document_number": number, "choices": "2"}
        assert staff.post(url("consultation_table_vote", consultation, number=1), data).status_code == 409
    assert cast() == 1


# ---------------------------------------------------------------- one contact, one document


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("ana@example.org", "ana@example.org"),
        ("Ana@Example.ORG", "ana@example.org"),
        ("ana+voto1@example.org", "ana+voto2@example.org"),
        ("ana.perez@gmail.com", "AnaPerez+x@googlemail.com"),
        ("+57 300 123 4567", "3001234567"),
        ("(300) 123-4567", "573001234567"),
    ],
)
def test_contact_normalised(first: str, second: str) -> None:
    assert svc.normalise_contact(first) == svc.normalise_contact(second)
    assert svc.contact_hash(1, first) == svc.contact_hash(1, second)
    assert svc.contact_hash(1, first) != svc.contact_hash(2, first), "not comparable across consultations"


def test_distinct_contacts_stay_distinct() -> None:
    assert svc.normalise_contact("ana@example.org") != svc.normalise_contact("ana@example.com")
    assert svc.normalise_contact("ana.perez@example.org") != svc.normalise_contact("anaperez@example.org")
    assert svc.normalise_contact("3001234567") != svc.normalise_contact("3001234568")


def test_one_contact_one_document(consultation: Consultation) -> None:
    client = Client()
    assert step1(client, consultation, document_number="11111111", contact="ana.perez@gmail.com").status_code == 200
    mail.outbox.clear()
    response = step1(client, consultation, document_number="22222222", contact="AnaPerez+otra@gmail.com")
    assert response.status_code == 400
    body = response.content.decode()
    assert "ya pidió un código para otro documento" in body
    assert 'value="22222222"' in body and 'value="AnaPerez+otra@gmail.com"' in body, "what was typed is kept"
    assert not mail.outbox
    assert VoteCode.objects.count() == 1
    (binding,) = ContactBinding.objects.all()
    assert binding.document_hash == svc.voter_hash("CC", "11111111")
    assert "ana" not in str(ContactBinding.objects.values().get()).lower()
    # The same document again (another way of writing it) is still fine.
    assert step1(client, consultation, document_number="011.111.111", contact="ana.perez@gmail.com").status_code == 200


def test_a_phone_is_bound_the_same_way(consultation: Consultation, settings: Any) -> None:
    settings.ABIERTA_VOTE_CODE_BACKEND = "console"
    client = Client()
    assert step1(client, consultation, document_number="11111111", contact="+57 300 123 4567").status_code == 200
    assert step1(client, consultation, document_number="22222222", contact="3001234567").status_code == 400


# ---------------------------------------------------------------- F4: limits


def test_f4_eight_codes_to_one_address_only_three_sent(consultation: Consultation) -> None:
    """The review sent 8 codes to one address in seconds (changing the number); now 3, then 429."""
    client = Client()
    mail.outbox.clear()
    statuses = []
    retry = []
    for n in range(8):
        response = step1(client, consultation, document_number="98765432", contact=f"victim+{n}@example.org")
        statuses.append(response.status_code)
        retry.append(response.get("Retry-After"))
    assert statuses == [200] * 3 + [429] * 5
    assert len(mail.outbox) == 3
    assert all(r is not None and 0 < int(r) <= 3600 for r in retry[3:])
    body = response.content.decode()
    assert "Se enviaron demasiados códigos a este correo o teléfono" in body and 'value="98765432"' in body


def test_f4_changing_the_number_does_not_help(consultation: Consultation) -> None:
    client = Client()
    first = step1(client, consultation, document_number="98765432", contact="victim@example.org")
    assert first.status_code == 200
    for n in range(7):
        response = step1(client, consultation, document_number=f"5555555{n}", contact="victim@example.org")
        assert response.status_code == 400  # the contact is bound to the first document
    assert len(mail.outbox) == 1


def test_limit_per_source(consultation: Consultation) -> None:
    attacker = Client(REMOTE_ADDR="203.0.113.7")
    statuses = [
        step1(attacker, consultation, document_number=f"5000000{n:02d}", contact=f"v{n}@example.org").status_code
        for n in range(12)
    ]
    assert statuses == [200] * 10 + [429] * 2
    refused = step1(attacker, consultation, document_number="77777777", contact="other@example.org")
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    assert "desde su red" in refused.content.decode()
    # Someone else, from another address, is not affected.
    assert step1(Client(REMOTE_ADDR="198.51.100.2"), consultation, document_number="88888888").status_code == 200


def test_source_comes_from_the_configured_header(consultation: Consultation, settings: Any) -> None:
    settings.ABIERTA_CLIENT_IP_HEADER = "HTTP_X_REAL_IP"
    settings.ABIERTA_VOTE_CODES_PER_SOURCE_PER_HOUR = 1
    proxy = "10.0.0.1"
    one = Client(REMOTE_ADDR=proxy, HTTP_X_REAL_IP="203.0.113.1")
    two = Client(REMOTE_ADDR=proxy, HTTP_X_REAL_IP="203.0.113.2")
    assert step1(one, consultation, document_number="10000001", contact="a@example.org").status_code == 200
    assert step1(one, consultation, document_number="10000002", contact="b@example.org").status_code == 429
    assert step1(two, consultation, document_number="10000003", contact="c@example.org").status_code == 200


def test_global_cap_per_minute(consultation: Consultation, settings: Any) -> None:
    settings.ABIERTA_VOTE_CODES_PER_MINUTE = 2
    for n in range(2):
        client = Client(REMOTE_ADDR=f"198.51.100.{n + 1}")
        assert (
            step1(client, consultation, document_number=f"2000000{n}", contact=f"g{n}@example.org").status_code == 200
        )
    response = step1(Client(REMOTE_ADDR="198.51.100.9"), consultation, document_number="20000009", contact="z@x.org")
    assert response.status_code == 429 and 0 < int(response["Retry-After"]) <= 60
    assert len(mail.outbox) == 2


def test_a_refused_request_costs_no_other_counter(consultation: Consultation, settings: Any) -> None:
    """A flood refused for its source must not use up the site's cap for everyone."""
    settings.ABIERTA_VOTE_CODES_PER_SOURCE_PER_HOUR = 1
    settings.ABIERTA_VOTE_CODES_PER_MINUTE = 3
    attacker = Client(REMOTE_ADDR="203.0.113.7")
    for n in range(6):
        step1(attacker, consultation, document_number=f"3000000{n}", contact=f"f{n}@example.org")
    for n in range(2):
        client = Client(REMOTE_ADDR=f"198.51.100.{n + 1}")
        assert (
            step1(client, consultation, document_number=f"4000000{n}", contact=f"h{n}@example.org").status_code == 200
        )


# ---------------------------------------------------------------- proof of work and CSRF


def test_step1_page_carries_the_proof_of_work(client: Client, consultation: Consultation) -> None:
    body = client.get(url("consultation_vote", consultation)).content.decode()
    assert "data-pow" in body and 'name="pow"' in body and "js/pow.js" in body and 'id="pow-status"' in body
    challenge = re.search(r'name="challenge" value="([^"]+)"', body)
    assert challenge and pow.check("vote-code", challenge.group(1), pow.solve(challenge.group(1))).ok


@pytest.mark.parametrize("case", ["missing", "forged", "wrong-answer", "other-form", "reused"])
def test_pow_missing_or_forged_refused_and_typed_kept(case: str, client: Client, consultation: Consultation) -> None:
    solved = vote_pow()
    if case == "missing":
        proof = {"challenge": "", "pow": ""}
    elif case == "forged":
        parts = solved["challenge"].split(".")
        parts[3] = "0"  # lower the difficulty: the MAC no longer holds
        proof = {"challenge": ".".join(parts), "pow": "0"}
    elif case == "wrong-answer":
        challenge = pow.issue("vote-code", bits=20)
        proof = {"challenge": challenge, "pow": "1"}
    elif case == "other-form":
        challenge = pow.issue("complaint", bits=1)
        proof = {"challenge": challenge, "pow": pow.solve(challenge)}
    else:
        assert step1(client, consultation, document_number="66666666", **solved).status_code == 200
        mail.outbox.clear()
        proof = solved
    response = step1(client, consultation, document_number="55.555.555", contact="ana@example.org", **proof)
    assert response.status_code == 400
    body = response.content.decode()
    assert 'value="55.555.555"' in body and 'value="ana@example.org"' in body
    assert "error-summary" in body
    assert not mail.outbox
    assert not VoteCode.objects.filter(document_hash=svc.voter_hash("CC", "55555555")).exists()


def test_without_javascript_a_short_wait(client: Client, consultation: Consultation, monkeypatch: Any) -> None:
    challenge = pow.issue("vote-code")
    early = step1(client, consultation, challenge=challenge, pow="")
    assert early.status_code == 400 and "espere" in early.content.decode()
    assert challenge in early.content.decode(), "the same challenge comes back, so the wait goes on"
    issued = pow.now()
    monkeypatch.setattr(pow, "now", lambda: issued + 11)
    assert step1(client, consultation, challenge=challenge, pow="").status_code == 200


def test_step1_needs_csrf(consultation: Consultation) -> None:
    """Another site cannot make its visitors' browsers ask codes (from their addresses)."""
    browser = Client(enforce_csrf_checks=True)
    assert step1(browser, consultation).status_code == 403
    assert not mail.outbox
    page = browser.get(url("consultation_vote", consultation)).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert token
    assert step1(browser, consultation, csrfmiddlewaretoken=token.group(1)).status_code == 200


def test_step2_needs_csrf_too(consultation: Consultation) -> None:
    browser = Client(enforce_csrf_checks=True)
    page = browser.get(url("consultation_vote", consultation)).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert token
    first = step1(browser, consultation, csrfmiddlewaretoken=token.group(1))
    vote_token, code = _token_and_code(first)
    data = {"token": vote_token, "code": code, "choices": "1"}
    assert (
        Client(enforce_csrf_checks=True).post(url("consultation_vote_confirm", consultation), data).status_code == 403
    )
    assert cast() == 0
    confirm_csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', first.content.decode())
    assert confirm_csrf
    voted = browser.post(
        url("consultation_vote_confirm", consultation), {**data, "csrfmiddlewaretoken": confirm_csrf.group(1)}
    )
    assert voted.status_code == 200 and cast() == 1


# ---------------------------------------------------------------- levels


def test_the_level_is_stated_on_the_pages(client: Client, consultation: Consultation) -> None:
    for name in ("consultation", "consultation_vote"):
        body = client.get(url(name, consultation)).content.decode()
        assert "Cómo sabemos quién vota" in body and "Nivel 1 de 3" in body
    Consultation.objects.filter(pk=consultation.pk).update(assurance=2)
    for name in ("consultation", "consultation_vote"):
        body = client.get(url(name, consultation)).content.decode()
        assert "Nivel 2 de 3" in body and "padrón" in body
    Consultation.objects.filter(pk=consultation.pk).update(assurance=2, roll_fact="birth_date")
    assert "fecha de nacimiento" in client.get(url("consultation_vote", consultation)).content.decode()
    Consultation.objects.filter(pk=consultation.pk).update(assurance=3)
    assert "Nivel 3 de 3" in client.get(url("consultation", consultation)).content.decode()


def _roll(c: Consultation, *people: tuple[str, str]) -> None:
    import datetime

    RollEntry.objects.bulk_create(
        RollEntry(consultation=c, entry_hash=svc.roll_hash(c.pk, n, datetime.date.fromisoformat(d))) for n, d in people
    )


def test_level2_roll_voter_with_the_second_fact_gets_a_code(client: Client, consultation: Consultation) -> None:
    Consultation.objects.filter(pk=consultation.pk).update(assurance=2)
    _roll(consultation, ("98765432", "2009-05-24"))
    page = client.get(url("consultation_vote", consultation)).content.decode()
    assert 'name="second_fact"' in page and "Fecha de expedición del documento" in page
    response = step1(client, consultation, document_number="098.765.432", second_fact="24/05/2009")
    assert response.status_code == 200 and len(mail.outbox) == 1
    token, code = _token_and_code(response)
    voted = client.post(url("consultation_vote_confirm", consultation), {"token": token, "code": code, "choices": "1"})
    assert voted.status_code == 200 and cast() == 1


@pytest.mark.parametrize(
    ("number", "fact"),
    [
        ("98765432", "1980-01-01"),  # knows the cédula (from SECOP), guesses a date
        ("11111111", "2009-05-24"),  # not on the roll
        ("98765432", ""),  # knows only the cédula
    ],
)
def test_level2_knowing_only_the_cedula_is_not_enough(
    client: Client, consultation: Consultation, number: str, fact: str
) -> None:
    """F1, the SECOP cédula: at level 2 the published number alone does not vote in a citizen's name."""
    Consultation.objects.filter(pk=consultation.pk).update(assurance=2)
    _roll(consultation, ("98765432", "2009-05-24"))
    response = step1(client, consultation, document_number=number, second_fact=fact)
    assert response.status_code == 400
    body = response.content.decode()
    assert f'value="{number}"' in body
    if fact:
        # The same words whichever was wrong: the page does not tell who is on the roll.
        assert "No pudimos verificar que este documento pueda votar" in body
    assert not mail.outbox and not VoteCode.objects.exists() and not ContactBinding.objects.exists()


def test_level2_guessing_the_date_is_paused(client: Client, consultation: Consultation) -> None:
    Consultation.objects.filter(pk=consultation.pk).update(assurance=2)
    _roll(consultation, ("98765432", "2009-05-24"))
    statuses = [
        step1(
            Client(REMOTE_ADDR=f"198.51.100.{n}"),
            consultation,
            document_number="98765432",
            contact=f"guess{n}@example.org",
            second_fact=f"2009-05-{n + 1:02d}",
        ).status_code
        for n in range(7)
    ]
    assert statuses == [400] * 5 + [429] * 2
    # Even the right date now waits: the guesser cannot go on, and the voter can vote at a table.
    assert step1(client, consultation, document_number="98765432", second_fact="2009-05-24").status_code == 429


def test_level3_fake_verifier(client: Client, consultation: Consultation, settings: Any) -> None:
    settings.ABIERTA_VOTE_VERIFIER = "abierta.participation.tests.factories.FakeVerifier"
    FakeVerifier.calls.clear()
    FakeVerifier.DOWN = False
    Consultation.objects.filter(pk=consultation.pk).update(assurance=3)
    ok = step1(client, consultation, document_type="CE", document_number="012.345.678", second_fact="2001-02-03")
    assert ok.status_code == 200 and len(mail.outbox) == 1
    assert FakeVerifier.calls == [(consultation.pk, "CE", "12345678", {"second_fact": "2001-02-03"})]
    refused = step1(client, consultation, document_number="99999999", contact="b@example.org", second_fact="2001-02-03")
    assert refused.status_code == 400 and len(mail.outbox) == 1
    FakeVerifier.DOWN = True
    try:
        down = step1(
            client, consultation, document_number="12345678", contact="c@example.org", second_fact="2001-02-03"
        )
    finally:
        FakeVerifier.DOWN = False
    assert down.status_code == 503 and int(down["Retry-After"]) > 0
    assert "No podemos verificar identidades en este momento" in down.content.decode()


def test_level3_service_layer_protocol(consultation: Consultation, settings: Any) -> None:
    settings.ABIERTA_VOTE_VERIFIER = "abierta.participation.tests.factories.FakeVerifier"
    Consultation.objects.filter(pk=consultation.pk).update(assurance=3)
    consultation.refresh_from_db()
    assert svc.code_request(
        consultation=consultation, document_type="CC", document_number="12345678", contact="a@example.org", facts={}
    )
    with pytest.raises(svc.CodeRefused) as refused:
        svc.code_request(consultation=consultation, document_type="CC", document_number="1", contact="b@example.org")
    assert refused.value.reason is svc.Refusal.NOT_VERIFIED


def test_binding_and_roll_hold_no_time() -> None:
    """The binding and the roll hold no time: nothing says when a person asked for a code."""
    fields = {f.name for f in ContactBinding._meta.get_fields()} | {f.name for f in RollEntry._meta.get_fields()}
    assert not {n for n in fields if "at" in n.split("_") or "time" in n or "date" in n}


def test_level3_without_a_verifier_configured_is_a_503_not_a_crash(
    client: Client, consultation: Consultation, settings: Any
) -> None:
    settings.ABIERTA_VOTE_VERIFIER = ""
    Consultation.objects.filter(pk=consultation.pk).update(assurance=3)
    response = step1(client, consultation, document_number="12345678", second_fact="2001-02-03")
    assert response.status_code == 503 and not mail.outbox
