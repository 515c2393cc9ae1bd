"""Results, the ballot file and its digest, and adopting the winner."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from abierta.participation.consultation import ballotfile
from abierta.participation.consultation import services as svc
from abierta.participation.models import Ballot, BallotFile, Consultation, Initiative, Proposal
from abierta.participation.tests.factories import cast, close, make_consultation, url
from abierta.plans.models import Commitment
from factories import World


@pytest.fixture
def closed(world: World) -> Consultation:
    c = make_consultation(world.plan, state="open", max_choices=2)
    cast(c, [[1], [1, 2], [2, 3], [1]], age_band="18-28")
    cast(c, [[3]], channel="in_person", territory="rural")
    return close(c)


def test_tally(closed: Consultation) -> None:
    t = svc.tally(closed)
    assert t == svc.tally(closed, BallotFile.objects.get(consultation=closed))
    assert t.ballots == 5
    assert t.counts() == {1: 3, 2: 2, 3: 2}
    assert t.by_initiative[0][0].number == 1
    assert t.by_channel == {"web": 4, "in_person": 1}
    assert t.by_day == [(timezone.localdate(), 5)]
    assert t.breakdowns == {"age_band": {"18-28": 4}, "territory": {"rural": 1}}


def test_a_closed_consultation_is_counted_once(closed: Consultation, django_assert_num_queries: Any) -> None:
    """Its ballots no longer change: the count is kept under the frozen file's SHA-256, so the
    results page reads no ballot again (it counted 100,000 on every visit: docs/benchmarks.md)."""
    frozen = BallotFile.objects.get(consultation=closed)
    first = svc.tally(closed, frozen)
    with django_assert_num_queries(1):  # the shortlist only
        again = svc.tally(closed, frozen)
    assert again == first == svc.tally(closed)
    # Another file (another digest) is counted afresh.
    frozen.sha256 = "0" * 64
    with django_assert_num_queries(4):  # the three answers' GROUP BY and the shortlist
        assert svc.tally(closed, frozen) == first


def test_ballot_file_canonical_and_stable(closed: Consultation) -> None:
    data = svc.ballot_file(closed)
    assert data == svc.ballot_file(closed)
    document = json.loads(data)
    hashes = [b["receipt_hash"] for b in document["ballots"]]
    assert hashes == sorted(hashes) and len(hashes) == 5
    assert set(document["ballots"][0]) == {"receipt_hash", "choices", "channel", "day"}
    assert document["consultation"]["initiatives"][0] == {"number": 1, "title": "Iniciativa 1"}
    assert json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode() + b"\n" == data
    assert svc.digest(data) == svc.digest(svc.ballot_file(closed))
    # nothing about voters or answers in the file
    assert b"18-28" not in data and b"rural" not in data


def test_results_page_and_downloads(client: Client, closed: Consultation) -> None:
    response = client.get(url("consultation_results", closed))
    assert response.status_code == 200
    body = response.content.decode()
    data = bytes(BallotFile.objects.get(consultation=closed).data)
    assert data == svc.ballot_file(closed)
    assert svc.digest(data) in body
    assert 'role="img"' in body and "<table>" in body and "Iniciativa 1" in body
    download = client.get(url("consultation_ballots_json", closed))
    assert download.status_code == 200 and b"".join(download.streaming_content) == data  # type: ignore[attr-defined]
    assert download["Content-Length"] == str(len(data))
    csv = b"".join(client.get(url("consultation_ballots_csv", closed)).streaming_content).decode("utf-8-sig")  # type: ignore[attr-defined]
    assert csv.splitlines()[0] == "receipt_hash,choices,channel,day" and len(csv.splitlines()) == 6


@pytest.mark.parametrize("chunk", [1, 7, 64, ballotfile.CHUNK])
def test_the_ballot_file_is_read_a_chunk_at_a_time(closed: Consultation, chunk: int) -> None:
    """The downloads and the count read the file in pieces (one SUBSTR query each), so a request
    never holds a 14 MB file nor 100,000 parsed ballots; every piece size gives the exact bytes and
    the same ballots, also when a piece ends inside a ballot or inside an accented letter."""
    Consultation.objects.filter(pk=closed.pk).update(question="¿Qué iniciativa prefiere? Ñandú")
    BallotFile.objects.filter(consultation=closed).delete()
    svc.consultation_close(consultation=Consultation.objects.get(pk=closed.pk))
    data = bytes(BallotFile.objects.get(consultation=closed).data)
    assert "Ñandú".encode() in data
    deferred = BallotFile.objects.defer("data").get(consultation=closed)
    assert b"".join(ballotfile.chunks(deferred, chunk)) == data
    assert "data" not in deferred.__dict__  # the file was never loaded whole
    assert ballotfile.size(deferred) == len(data)
    assert list(ballotfile.ballots(deferred, chunk)) == json.loads(data)["ballots"]
    loaded = BallotFile.objects.get(consultation=closed)
    assert list(ballotfile.ballots(loaded, chunk)) == json.loads(data)["ballots"]


def test_a_file_that_is_not_a_ballot_file_is_refused(closed: Consultation) -> None:
    frozen = BallotFile.objects.get(consultation=closed)
    frozen.data = b'{"consultation":{}}'
    with pytest.raises(ValueError, match="does not start"):
        list(ballotfile.ballots(frozen))
    frozen.data = b'{"ballots":[{"channel":"web"}'
    with pytest.raises(ValueError, match="does not end"):
        list(ballotfile.ballots(frozen))


def test_results_hidden_before_close(client: Client, world: World) -> None:
    c = make_consultation(world.plan, state="open")
    cast(c, [[1]])
    for name in ("consultation_results", "consultation_ballots_json", "consultation_ballots_csv"):
        assert client.get(url(name, c)).status_code == 403


def test_find_my_ballot(client: Client, world: World) -> None:
    c = make_consultation(world.plan)
    (receipt,) = cast(c, [[2]])
    # Still in the ballot box: recorded, in the file with the next batch.
    waiting = client.post(url("consultation_check", c), {"receipt": receipt})
    assert waiting.status_code == 200 and "sellada" in waiting.content.decode()
    assert svc.receipt_hash(receipt) not in waiting.content.decode()
    assert svc.ballot_box_flush(consultation=c) == 1
    found = client.post(url("consultation_check", c), {"receipt": receipt})
    assert found.status_code == 200 and svc.receipt_hash(receipt) in found.content.decode()
    assert "sellada" not in found.content.decode()
    missing = client.post(url("consultation_check", c), {"receipt": "0000-0000-0000-0000"})
    assert missing.status_code == 200 and "<dl>" not in missing.content.decode()
    assert client.post(url("consultation_check", c), {"receipt": ""}).status_code == 400


def test_adopt_winner_once(closed: Consultation, world: World) -> None:
    proposal = Proposal.objects.create(process=closed.process, title="P", body="B", initiative_id=None)
    winner = Initiative.objects.get(plan=world.plan, number=1)
    proposal.initiative = winner
    proposal.save()
    before = Commitment.objects.count()
    from factories import make_user

    actor = make_user("t@example.org", "transparency", world.own_office)
    commitment = svc.adopt_winner(closed, actor)
    assert commitment.code == "TEST0003" and commitment.title == "Iniciativa 1"
    assert commitment.lead_institution == world.own_office and commitment.plan == world.plan
    winner.refresh_from_db()
    assert winner.selected and winner.commitment == commitment
    assert list(winner.proposals.all()) == [proposal]
    again = svc.adopt_winner(closed, actor)
    assert again == commitment and Commitment.objects.count() == before + 1


def test_adopt_refuses_a_tie(world: World) -> None:
    c = make_consultation(world.plan)
    cast(c, [[1], [2]])
    with pytest.raises(svc.TieError):
        svc.adopt_winner(c, None)


def test_adopt_view(persona_client: object, closed: Consultation) -> None:
    staff = persona_client("transparency")  # type: ignore[operator]
    response = staff.post(reverse("participation:consultation_adopt", kwargs={"slug": closed.process.plan.slug}))
    assert response.status_code == 302
    assert Initiative.objects.get(selected=True).commitment is not None
    page = staff.get(url("consultation_results", closed)).content.decode()
    assert "TEST0003" in page
    assert Ballot.objects.count() == 5
