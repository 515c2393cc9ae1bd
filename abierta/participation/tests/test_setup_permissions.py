"""The permission matrix of the set-up pages of a cycle (the process, its criteria and tables, the
consultation: edit, preview, open, close, publish), for every persona, in a state where the
officers may act and in one where nobody may.

Legend: ``LOGIN`` = 302 to the sign-in page; ``DONE`` = 302 elsewhere and something was written;
a number = that status. Empty POSTs to forms answer 400 (the form's errors) when the persona may use them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from abierta.core.models import ChangeRecord
from abierta.participation.models import BallotFile, Consultation, Criterion, Process, WorkingTable
from abierta.participation.tests.factories import make_consultation, make_process
from factories import PERSONAS, World

LOGIN = "login"
DONE = "done"

OFFICERS_GET = (LOGIN, 403, 403, 403, 403, 200, 403, 200)
OFFICERS_POST = (LOGIN, 403, 403, 403, 403, 400, 403, 400)
OFFICERS_DONE = (LOGIN, 403, 403, 403, 403, DONE, 403, DONE)
NOBODY = (LOGIN, 403, 403, 403, 403, 403, 403, 403)

# (method, url name, state): anonymous, citizen, editor_own, editor_other, monitor, transparency, committee, admin.
# States: "none" (a plan without a process), a process phase, or a consultation state (c_before, c_open,
# c_closed: the consultation closed, its ballot file not frozen yet).
MATRIX: dict[tuple[str, str, str], tuple[Any, ...]] = {
    ("GET", "staff_process_new", "none"): OFFICERS_GET,
    ("POST", "staff_process_new", "none"): OFFICERS_POST,
    ("GET", "staff_process", "tables"): OFFICERS_GET,
    ("POST", "staff_process", "tables"): OFFICERS_POST,
    ("GET", "staff_process", "results"): OFFICERS_GET,  # shown, with why nothing can change
    ("POST", "staff_process", "results"): NOBODY,
    ("GET", "staff_criteria", "tables"): OFFICERS_GET,
    ("POST", "staff_criteria", "tables"): OFFICERS_DONE,
    ("GET", "staff_criteria", "analysis"): NOBODY,
    ("POST", "staff_criteria", "analysis"): NOBODY,
    ("GET", "staff_table_new", "tables"): OFFICERS_GET,
    ("POST", "staff_table_new", "tables"): OFFICERS_POST,
    ("GET", "staff_table_new", "results"): NOBODY,
    ("POST", "staff_table_new", "results"): NOBODY,
    ("GET", "staff_consultation_edit", "consultation"): OFFICERS_GET,  # creates one
    ("POST", "staff_consultation_edit", "consultation"): OFFICERS_POST,
    ("GET", "staff_consultation_edit", "results"): NOBODY,
    ("GET", "staff_consultation_edit", "c_before"): OFFICERS_GET,
    ("POST", "staff_consultation_edit", "c_before"): OFFICERS_POST,
    ("GET", "staff_consultation_edit", "c_open"): NOBODY,
    ("POST", "staff_consultation_edit", "c_open"): NOBODY,
    ("GET", "staff_consultation", "c_before"): OFFICERS_GET,
    ("GET", "staff_consultation", "c_open"): OFFICERS_GET,
    ("GET", "staff_consultation", "c_closed"): OFFICERS_GET,
    ("GET", "staff_consultation_preview", "c_before"): OFFICERS_GET,
    ("GET", "staff_consultation_open", "c_before"): OFFICERS_GET,
    ("POST", "staff_consultation_open", "c_before"): OFFICERS_DONE,
    ("POST", "staff_consultation_open", "c_open"): NOBODY,
    ("GET", "staff_consultation_close", "c_open"): OFFICERS_GET,
    ("POST", "staff_consultation_close", "c_open"): OFFICERS_DONE,
    ("POST", "staff_consultation_close", "c_before"): NOBODY,
    ("GET", "staff_consultation_publish", "c_closed"): OFFICERS_GET,
    ("POST", "staff_consultation_publish", "c_closed"): OFFICERS_DONE,
    ("POST", "staff_consultation_publish", "c_open"): NOBODY,
}

CASES = [
    (method, name, state, persona, expected)
    for (method, name, state), row in MATRIX.items()
    for persona, expected in zip(PERSONAS, row, strict=True)
]

# A POST that writes when allowed: a new criterion.
POST_DATA: dict[str, dict[str, str]] = {
    "staff_criteria": {
        "c-TOTAL_FORMS": "1",
        "c-INITIAL_FORMS": "0",
        "c-0-name": "Impacto",
        "c-0-weight": "2",
        "c-0-max_score": "5",
    },
}


def fingerprint() -> tuple[Any, ...]:
    return (
        list(Process.objects.order_by("pk").values_list("title", "tables_from", "results_from")),
        list(Criterion.objects.order_by("pk").values_list("name", "weight")),
        WorkingTable.objects.count(),
        list(Consultation.objects.order_by("pk").values_list("question", "opens_at", "closes_at")),
        BallotFile.objects.count(),
        ChangeRecord.objects.count(),
    )


def test_matrix_covers_every_persona() -> None:
    assert all(len(row) == len(PERSONAS) for row in MATRIX.values())


def test_every_new_url_is_in_the_matrix() -> None:
    names = {name for _, name, _ in MATRIX}
    assert names == {
        "staff_process_new",
        "staff_process",
        "staff_criteria",
        "staff_table_new",
        "staff_consultation",
        "staff_consultation_edit",
        "staff_consultation_preview",
        "staff_consultation_open",
        "staff_consultation_close",
        "staff_consultation_publish",
    }


def _set_up(world: World, state: str) -> None:
    if state.startswith("c_"):
        c = make_consultation(world.plan, state=state[2:])
        if state == "c_closed":
            assert not BallotFile.objects.filter(consultation=c).exists()
    elif state != "none":
        make_process(world.plan, state)


@pytest.mark.parametrize(("method", "name", "state", "persona", "expected"), CASES)
def test_permission(
    method: str,
    name: str,
    state: str,
    persona: str,
    expected: Any,
    world: World,
    persona_client: Callable[[str], Client],
) -> None:
    _set_up(world, state)
    url = reverse(f"participation:{name}", args=[world.plan.slug])
    client = persona_client(persona)
    before = fingerprint()
    response = client.get(url) if method == "GET" else client.post(url, POST_DATA.get(name, {}))

    if expected == LOGIN:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login") + "?next=")
    elif expected == DONE:
        assert response.status_code == 302
        assert not response["Location"].startswith(reverse("accounts:login"))
        assert fingerprint() != before, "the action was reported done but changed nothing"
    else:
        assert response.status_code == expected
    if expected != DONE:
        assert fingerprint() == before, "a refused or invalid request changed something"
