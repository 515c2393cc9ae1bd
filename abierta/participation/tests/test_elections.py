"""Committee elections at the working tables: the paper count, closing, and the committee page."""

from __future__ import annotations

from collections.abc import Callable

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from abierta.participation.cocreation import services
from abierta.participation.models import Candidate
from abierta.participation.tests.factories import make_process, make_table
from abierta.plans.models import CommitteeMember
from factories import World


def test_election_creates_committee_members(world: World) -> None:
    table = make_table(world.plan, 2)
    services.candidates_record(
        table=table,
        counts=[
            services.CandidateCount("Ana", "Jóvenes", 10),
            services.CandidateCount("Beto", "", 7),
            services.CandidateCount("Carla", "Mujeres", 3),
        ],
    )
    assert not services.election_tie(table=table, seats=2)
    members = services.election_close(table=table, seats=2)
    assert [m.name for m in members] == ["Ana", "Beto"]
    ana = CommitteeMember.objects.get(name="Ana")
    assert (ana.plan, ana.sector, ana.working_table, ana.start_date) == (
        world.plan,
        "Jóvenes",
        table,
        timezone.localdate(),
    )
    assert Candidate.objects.get(name="Ana").member == ana
    assert not Candidate.objects.get(name="Carla").elected
    assert CommitteeMember.objects.get(name="Beto").sector == str(table.get_sector_display())


def test_tie_on_the_last_seat(world: World) -> None:
    table = make_table(world.plan)
    services.candidates_record(
        table=table, counts=[services.CandidateCount("A", "", 5), services.CandidateCount("B", "", 5)]
    )
    assert services.election_tie(table=table, seats=1)
    assert not services.election_tie(table=table, seats=2)


def test_election_pages(world: World, persona_client: Callable[[str], Client]) -> None:
    make_process(world.plan, "tables")
    make_table(world.plan, 1)
    client = persona_client("transparency")
    url = reverse("participation:staff_election", args=[world.plan.slug, 1])
    assert client.get(url).status_code == 200
    management = {"c-TOTAL_FORMS": "3", "c-INITIAL_FORMS": "0", "c-MIN_NUM_FORMS": "0", "c-MAX_NUM_FORMS": "40"}
    bad = {**management, "c-0-name": "Nombre guardado", "c-0-votes": "", "c-1-name": "", "c-1-votes": "4"}
    response = client.post(url, bad)
    assert response.status_code == 400
    assert "Nombre guardado" in response.content.decode()
    assert not Candidate.objects.exists()
    good = {
        **management,
        "c-0-name": "Ana",
        "c-0-sector": "Jóvenes",
        "c-0-votes": "9",
        "c-1-name": "Beto",
        "c-1-votes": "4",
    }
    assert client.post(url, good).status_code == 302
    assert Candidate.objects.count() == 2
    close = reverse("participation:staff_election_close", args=[world.plan.slug, 1])
    assert client.post(close, {"seats": "0"}).status_code == 400
    assert not CommitteeMember.objects.exists()
    response = client.post(close, {"seats": "1"})
    assert response.status_code == 302
    assert response["Location"] == reverse("plans:committee", args=[world.plan.slug])
    page = Client().get(reverse("plans:committee", args=[world.plan.slug])).content.decode()
    assert "Ana" in page and "Beto" not in page
    # Closed: a second close changes nothing.
    assert client.post(close, {"seats": "2"}).status_code == 400
    assert CommitteeMember.objects.count() == 1
