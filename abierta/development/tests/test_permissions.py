"""The permission matrix of Gestión Abierta's staff page: recording a goal's measurement.

Written out by hand from the rule in ``abierta.development.access.may_measure`` (an editor of the
goal's responsible office, the transparency officer or an admin), not computed from it.

Legend: ``LOGIN`` = 302 to the sign-in page; ``DONE`` = 302 to the goal (the measurement was
recorded); a number = that status code. ``POST`` sends an empty form (400 with its errors when the
persona may use it); ``POST_VALID`` sends a complete measurement.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from abierta.accounts.models import User
from abierta.core.models import ChangeRecord
from abierta.development.models import Measurement
from abierta.development.tests.builders import DevPlan, make_dev_plan
from factories import PERSONAS, World, make_user

LOGIN = "login"
DONE = "done"

# Columns: anonymous, citizen, editor_own, editor_other, monitor, transparency, committee, admin.
# "own" is goal G1 (responsible: the own office); "other" is goal G3 (the other office).
MATRIX: dict[tuple[str, str], tuple[Any, ...]] = {
    # (method, goal)          anon   citizen ed_own ed_oth monitor transp committee admin
    ("GET", "own"): (LOGIN, 403, 200, 403, 403, 200, 403, 200),
    ("POST", "own"): (LOGIN, 403, 400, 403, 403, 400, 403, 400),
    ("POST_VALID", "own"): (LOGIN, 403, DONE, 403, 403, DONE, 403, DONE),
    ("GET", "other"): (LOGIN, 403, 403, 200, 403, 200, 403, 200),
    ("POST", "other"): (LOGIN, 403, 403, 400, 403, 400, 403, 400),
    ("POST_VALID", "other"): (LOGIN, 403, 403, DONE, 403, DONE, 403, DONE),
    ("GET", "missing"): (LOGIN, 403, 404, 404, 404, 404, 404, 404),
}

CASES = [
    pytest.param(method, goal, persona, expected[i], id=f"{method}-{goal}-{persona}")
    for (method, goal), expected in MATRIX.items()
    for i, persona in enumerate(PERSONAS)
]

VALID = {
    "date": "2025-09-30",
    "value": "29,5",
    "source": "DANE, encuesta de calidad de vida",
    "source_url": "",
    "note": "",
}


@pytest.fixture
def dev(world: World) -> DevPlan:
    return make_dev_plan(world)


def url_for(goal: str, dev: DevPlan) -> str:
    pk = {"own": dev.g1.pk, "other": dev.g3.pk, "missing": 999_999}[goal]
    return reverse("development:measurement_new", args=[pk])


def fingerprint() -> tuple[Any, ...]:
    """What a refused request must leave untouched."""
    return (
        list(Measurement.objects.order_by("pk").values_list("goal_id", "date", "value", "source", "created_by_id")),
        ChangeRecord.objects.count(),
    )


def test_matrix_covers_every_persona() -> None:
    assert all(len(row) == len(PERSONAS) for row in MATRIX.values())


@pytest.mark.parametrize(("method", "goal", "persona", "expected"), CASES)
def test_permission(
    method: str, goal: str, persona: str, expected: Any, dev: DevPlan, persona_client: Callable[[str], Client]
) -> None:
    client = persona_client(persona)
    url = url_for(goal, dev)
    before = fingerprint()
    data = VALID if method == "POST_VALID" else {}
    response = client.get(url) if method == "GET" else client.post(url, data)

    if expected == LOGIN:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login") + "?next=")
    elif expected == DONE:
        assert response.status_code == 302
        target = dev.g1 if goal == "own" else dev.g3
        assert response["Location"] == target.get_absolute_url() + "#mediciones"
        measurement = Measurement.objects.get(goal=target, date="2025-09-30")
        assert str(measurement.value) == "29.5000"
        assert measurement.created_by is not None and measurement.created_by.email == f"{persona}@example.org"
        assert ChangeRecord.objects.filter(scope=target.history_scope(), object_id=str(measurement.pk)).count() == 1
    else:
        assert response.status_code == expected
    if expected != DONE:
        assert fingerprint() == before, "a refused or invalid request changed something"


@pytest.mark.parametrize("role", [User.Role.EDITOR, User.Role.TRANSPARENCY, User.Role.ADMIN])
def test_staff_without_second_factor_cannot_measure(dev: DevPlan, world: World, role: str) -> None:
    """Signed in with the password only (no verified device): refused, and nothing is recorded."""
    user = make_user(f"sin2fa-{role}@example.org", role, world.own_office)
    client = Client()
    client.force_login(user)
    before = fingerprint()
    url = url_for("own", dev)
    assert client.get(url).status_code == 403
    assert client.post(url, VALID).status_code == 403
    assert fingerprint() == before


def test_inactive_editor_cannot_measure(dev: DevPlan, persona_client: Callable[[str], Client]) -> None:
    client = persona_client("editor_own")
    User.objects.filter(email="editor_own@example.org").update(is_active=False)
    before = fingerprint()
    response = client.post(url_for("own", dev), VALID)
    assert response.status_code in (302, 403)
    assert fingerprint() == before


def test_goal_page_offers_the_form_only_to_those_allowed(dev: DevPlan, persona_client: Callable[[str], Client]) -> None:
    form_url = url_for("own", dev)
    allowed = {"editor_own", "transparency", "admin"}
    for persona in PERSONAS:
        html = persona_client(persona).get(dev.g1.get_absolute_url()).content.decode()
        assert (form_url in html) == (persona in allowed), persona


def test_dashboard_lists_the_goals_each_persona_measures(dev: DevPlan, persona_client: Callable[[str], Client]) -> None:
    expected = {
        "editor_own": {dev.g1, dev.g2, dev.g5},
        "editor_other": {dev.g3, dev.g4},
        "monitor": set(),
        "committee": set(),
        "transparency": {dev.g1, dev.g2, dev.g3, dev.g4, dev.g5},
        "admin": {dev.g1, dev.g2, dev.g3, dev.g4, dev.g5},
    }
    for persona, goals in expected.items():
        html = persona_client(persona).get(reverse("site:staff_home")).content.decode()
        for g in (dev.g1, dev.g2, dev.g3, dev.g4, dev.g5):
            link = f'href="{reverse("development:measurement_new", args=[g.pk])}"'
            assert (link in html) == (g in goals), (persona, g.code)
