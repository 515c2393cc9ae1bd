"""50 threads cast a vote for the same person at once: the database lets exactly one through.

Each thread has its own database connection (closed at the end), so the transactions really race.
Runs on PostgreSQL (DATABASE_URL=postgres://...). SQLite's test database is in memory and cannot be
shared between threads' connections, so there the test is skipped.
"""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from abierta.participation.consultation import services as svc
from abierta.participation.models import Ballot, SealedBallot, Voter
from abierta.participation.tests.factories import make_consultation
from factories import make_world

THREADS = 50


@pytest.mark.django_db(transaction=True)
def test_fifty_threads_one_vote() -> None:
    if connection.vendor == "sqlite":
        pytest.skip("SQLite's in-memory test database cannot be shared by threads; run with DATABASE_URL=postgres://")
    world = make_world()
    c = make_consultation(world.plan, max_choices=2)
    document_hash = svc.voter_hash("CC", "1234567")
    barrier = threading.Barrier(THREADS)
    results: list[str | None] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def worker(n: int) -> None:
        try:
            barrier.wait(timeout=30)
            receipt = svc.vote_cast(
                consultation=c,
                document_hash=document_hash,
                choices=[1 + n % 3],
                channel="web" if n % 2 else "in_person",
            )
            with lock:
                results.append(receipt)
        except BaseException as exc:
            with lock:
                errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert errors == []
    assert len(results) == THREADS
    assert sum(r is not None for r in results) == 1
    assert Voter.objects.filter(consultation=c).count() == 1
    # The one ballot is in the ballot box or already in the ballot table, never in both.
    assert Ballot.objects.filter(consultation=c).count() + SealedBallot.objects.filter(consultation=c).count() == 1
