"""Every consultation page for every persona, in each state of the consultation."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from abierta.participation.models import Initiative
from abierta.participation.tests.factories import cast, make_consultation, make_polling_table, url
from abierta.plans.models import Commitment
from factories import PERSONAS, World

# Staff personas (every role but citizen signs in with two factors): they may enter in-person votes
# at a table only once assigned as its facilitators.
STAFF = {"transparency", "editor_own", "editor_other", "monitor", "committee", "admin"}


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("state", ["before", "open", "closed"])
@pytest.mark.parametrize("assigned", [False, True])
def test_table_entry(
    persona: str, state: str, assigned: bool, world: World, persona_client: Callable[[str], Client]
) -> None:
    c = make_consultation(world.plan, state=state)
    client = persona_client(persona)
    make_polling_table(c, *([f"{persona}@example.org"] if assigned and persona != "anonymous" else []))
    for name, kwargs in (("consultation_table_entry", {}), ("consultation_table_vote", {"number": 1})):
        response = client.get(url(name, c, **kwargs))
        if persona == "anonymous":
            assert response.status_code == 302 and "/cuenta/" in response["Location"]
        elif assigned and persona in STAFF and state == "open":
            # The chooser sends a facilitator of one table straight to its form.
            assert response.status_code == (302 if name == "consultation_table_entry" else 200), name
        else:
            assert response.status_code == 403, name


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("state", ["open", "closed"])
def test_adopt(persona: str, state: str, world: World, persona_client: Callable[[str], Client]) -> None:
    c = make_consultation(world.plan, state=state)
    if state == "open":
        cast(c, [[1]])
    response = persona_client(persona).post(
        reverse("participation:consultation_adopt", kwargs={"slug": c.process.plan.slug})
    )
    if persona == "anonymous":
        assert response.status_code == 302
        assert not Initiative.objects.filter(selected=True).exists()
    elif persona == "transparency" and state == "closed":
        assert response.status_code == 302  # no votes: refused with a message, nothing created
    else:
        assert response.status_code == 403
    assert not Commitment.objects.exclude(code__startswith="TEST000").filter(code="TEST0003").exists()


@pytest.mark.parametrize("persona", PERSONAS)
def test_public_pages(persona: str, world: World, persona_client: Callable[[str], Client]) -> None:
    c = make_consultation(world.plan, state="closed")
    client = persona_client(persona)
    for name, status in (
        ("consultation", 200),
        ("consultation_check", 200),
        ("consultation_results", 200),
        ("consultation_ballots_json", 200),
        ("consultation_vote", 403),
    ):
        assert client.get(url(name, c)).status_code == status, name
