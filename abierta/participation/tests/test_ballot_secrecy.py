"""No stored fact links a ballot to its voter: the system columns of both databases, read back.

Each vote is cast in its own committed transaction (``transaction=True``), as on the site. On
PostgreSQL a row's ``xmin`` is the id of the transaction that wrote it and ``ctid`` its place in the
heap; on SQLite ``rowid`` is the hidden integer key of the row. Voter i and ballot i are known to the
test (it cast them); the database must not know it.
"""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.utils import timezone

from abierta.participation.consultation import services as svc
from abierta.participation.models import Ballot, Consultation, Voter
from abierta.participation.tests.factories import make_consultation
from factories import make_world

VOTES = 12
BATCH = 6


def _cast_all(c: Consultation) -> list[tuple[str, str]]:
    """Cast VOTES votes, one transaction each; (document hash, receipt hash) of each, in order."""
    cast = []
    for n in range(VOTES):
        document_hash = svc.voter_hash("CC", f"7000{n:04d}")
        receipt = svc.vote_cast(consultation=c, document_hash=document_hash, choices=[1 + n % 3], channel="web")
        assert receipt is not None
        cast.append((document_hash, svc.receipt_hash(receipt)))
    return cast


def _positions(table: str, key: str, consultation: Consultation) -> dict[str, tuple[int, ...]]:
    """{key: the row's system position} of one consultation's rows in ``table``."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"SELECT {key}, xmin::text::bigint, (ctid::text::point)[0]::bigint, (ctid::text::point)[1]::bigint"  # noqa: S608
                f" FROM {table} WHERE consultation_id = %s",
                [consultation.pk],
            )
        else:
            cursor.execute(f"SELECT {key}, rowid FROM {table} WHERE consultation_id = %s", [consultation.pk])  # noqa: S608
        return {row[0]: tuple(row[1:]) for row in cursor.fetchall()}


def _ranks(positions: list[tuple[int, ...]]) -> list[int]:
    """The rank of each position once sorted (the order rows were laid down)."""
    order = sorted(range(len(positions)), key=lambda i: positions[i][-2:] if len(positions[i]) > 2 else positions[i])
    ranks = [0] * len(positions)
    for rank, i in enumerate(order):
        ranks[i] = rank
    return ranks


def _assert_unlinked(c: Consultation, cast: list[tuple[str, str]]) -> None:
    voters = _positions("participation_voter", "document_hash", c)
    ballots = _positions("participation_ballot", "receipt_hash", c)
    assert len(voters) == len(ballots) == VOTES
    voter_pos = [voters[d] for d, _ in cast]
    ballot_pos = [ballots[r] for _, r in cast]
    if connection.vendor == "postgresql":
        voter_xmins = {p[0] for p in voter_pos}
        ballot_xmins = [p[0] for p in ballot_pos]
        # No ballot was written by the transaction that wrote a voter...
        assert not voter_xmins & set(ballot_xmins), "a ballot shares its xmin with a voter"
        # ...and every ballot's writing transaction wrote at least BATCH ballots.
        assert all(ballot_xmins.count(x) >= BATCH for x in ballot_xmins), "a ballot's xmin is shared by too few"
    # The order in which the rows lie does not give the order of the votes on both tables.
    assert _ranks(voter_pos) != _ranks(ballot_pos), "voters and ballots lie in the same order"


@pytest.mark.django_db(transaction=True)
def test_system_columns_do_not_pair_voters_with_ballots(settings: object) -> None:
    settings.ABIERTA_BALLOT_BATCH = BATCH  # type: ignore[attr-defined]
    world = make_world()
    c = make_consultation(world.plan, max_choices=1)
    cast = _cast_all(c)
    _assert_unlinked(c, cast)


@pytest.mark.django_db(transaction=True)
def test_after_the_close_the_ballot_table_lies_in_receipt_order(settings: object) -> None:
    settings.ABIERTA_BALLOT_BATCH = BATCH  # type: ignore[attr-defined]
    world = make_world()
    c = make_consultation(world.plan, max_choices=1)
    cast = _cast_all(c)
    # Two votes stay in the box: the close empties it.
    for n in range(2):
        assert svc.vote_cast(consultation=c, document_hash=f"late{n}", choices=[1], channel="web") is not None
    Consultation.objects.filter(pk=c.pk).update(closes_at=timezone.now() - datetime.timedelta(minutes=1))
    c.refresh_from_db()
    svc.consultation_close(consultation=c)
    assert Ballot.objects.filter(consultation=c).count() == Voter.objects.filter(consultation=c).count() == VOTES + 2
    ballots = _positions("participation_ballot", "receipt_hash", c)
    by_place = sorted(ballots, key=lambda h: ballots[h][-2:] if len(ballots[h]) > 2 else ballots[h])
    if connection.vendor == "postgresql":
        assert by_place == sorted(ballots), "the ballot table is not laid in receipt-hash order"
        assert len({p[0] for p in ballots.values()}) == 1, "the ballots were not rewritten in one transaction"
        voters = _positions("participation_voter", "document_hash", c)
        assert len({p[0] for p in voters.values()}) == 1, "the voters were not rewritten in one transaction"
    voters = _positions("participation_voter", "document_hash", c)
    voter_pos = [voters[d] for d, _ in cast]
    ballot_pos = [ballots[r] for _, r in cast]
    assert _ranks(voter_pos) != _ranks(ballot_pos)


def test_system_checks_of_the_ballot_box(settings: object) -> None:
    from abierta.participation.consultation import checks

    settings.ABIERTA_BALLOT_BOX_KEY = "not hex"  # type: ignore[attr-defined]
    settings.ABIERTA_BALLOT_BATCH = 0  # type: ignore[attr-defined]
    assert {e.id for e in checks.ballot_box_settings()} == {"participation.E101", "participation.E102"}
    settings.DEBUG = False  # type: ignore[attr-defined]
    settings.ABIERTA_BALLOT_BOX_KEY = ""  # type: ignore[attr-defined]
    assert [e.id for e in checks.ballot_box_key_in_production()] == ["participation.E103"]
    settings.ABIERTA_BALLOT_BOX_KEY = "ab" * 32  # type: ignore[attr-defined]
    settings.ABIERTA_BALLOT_BATCH = 20  # type: ignore[attr-defined]
    assert checks.ballot_box_settings() == [] and checks.ballot_box_key_in_production() == []


def test_production_without_a_voter_hash_key_is_an_error(settings: object) -> None:
    """S9: the voter-hash key derived from SECRET_KEY, so rotating the key mid-consultation re-opened
    double voting."""
    from abierta.participation.consultation import checks

    settings.PRODUCTION = True  # type: ignore[attr-defined]
    settings.ABIERTA_VOTER_HASH_KEY = ""  # type: ignore[attr-defined]
    assert [e.id for e in checks.voter_hash_key_in_production()] == ["participation.E104"]
    settings.ABIERTA_VOTER_HASH_KEY = "ab" * 32  # type: ignore[attr-defined]
    assert checks.voter_hash_key_in_production() == []
    settings.PRODUCTION = False  # type: ignore[attr-defined]
    settings.ABIERTA_VOTER_HASH_KEY = ""  # type: ignore[attr-defined]
    assert checks.voter_hash_key_in_production() == []
