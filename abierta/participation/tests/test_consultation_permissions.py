"""Every consultation page for every persona, in each state of the consultation."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from abierta.participation.models import Initiative
from abierta.participation.tests.factories import cast, make_consultation, url
from abierta.plans.models import Commitment
from factories import PERSONAS, World

# Who may enter votes at a table while open (organisers: transparency, editors, admin).
ORGANISERS = {"transparency", "editor_own", "editor_other", "admin"}


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("state", ["before", "open", "closed"])
def test_table_entry(persona: str, state: str, world: World, persona_client: Callable[[str], Client]) -> None:
    c = make_consultation(world.plan, state=state)
    response = persona_client(persona).get(url("consultation_table_entry", c))
    if persona == "anonymous":
        assert response.status_code == 302 and "/cuenta/" in response["Location"]
    elif persona in ORGANISERS and state == "open":
        assert response.status_code == 200
    else:
        assert response.status_code == 403


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
