"""The JSON API's co-creation endpoints: working tables and initiatives, and nothing of an
unpublished plan."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client

from abierta.participation.models import Initiative, WorkingTable
from abierta.plans.models import ActionPlan, Commitment
from factories import World, api_items, make_hidden_plan

pytestmark = pytest.mark.django_db


@pytest.fixture
def hidden(world: World) -> ActionPlan:
    return make_hidden_plan(world)


def test_working_tables_and_initiatives(world: World, hidden: ActionPlan, client: Client) -> None:
    WorkingTable.objects.create(
        plan=world.plan,
        number=2,
        name="Academia",
        sector=WorkingTable.Sector.ACADEMIA,
        held_on=datetime.date(2022, 8, 1),
        attendance=30,
    )
    WorkingTable.objects.create(plan=world.plan, number=1, name="Mujeres", sector=WorkingTable.Sector.POPULATION)
    tables = api_items(client, "working-tables")
    assert [t["number"] for t in tables] == [1, 2]
    assert tables[0]["held_on"] is None and tables[0]["attendance"] is None and tables[0]["proposals_count"] is None
    assert tables[1]["held_on"] == "2022-08-01" and tables[1]["attendance"] == 30
    assert [t["number"] for t in api_items(client, "working-tables", sector="academia")] == [2]
    assert api_items(client, "working-tables", plan="oculto") == []
    assert client.get("/api/v1/working-tables", {"sector": "nope"}).status_code == 422

    Initiative.objects.create(plan=world.plan, number=1, title="Datos", selected=True, commitment=world.commitment)
    Initiative.objects.create(plan=world.plan, number=2, title="Parques")
    Initiative.objects.create(plan=world.plan, number=3, title="Descartada", shortlisted=False)
    # An initiative of a published plan pointing to an unpublished plan's commitment does not name it.
    Initiative.objects.create(plan=world.plan, number=4, title="Rara", commitment=Commitment.objects.get(plan=hidden))
    data = api_items(client, "initiatives")
    assert [i["number"] for i in data] == [1, 2, 3, 4]
    assert data[0]["commitment"] == "TEST0001" and data[1]["commitment"] is None and data[3]["commitment"] is None
    assert [i["number"] for i in api_items(client, "initiatives", selected="true")] == [1]
    assert [i["number"] for i in api_items(client, "initiatives", shortlisted="false")] == [3]
    assert [i["number"] for i in api_items(client, "initiatives", shortlisted="true", selected="false")] == [2, 4]
    assert api_items(client, "initiatives", plan="oculto") == []
