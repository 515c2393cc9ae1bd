"""The permission matrix of the co-creation pages: every staff view and propose/support, for every
persona, in the phase where someone may act and in one where nobody may.

Written out by hand from the predicates in ``abierta.participation.access``. Legend: ``LOGIN`` =
302 to the sign-in page; ``DONE`` = 302 elsewhere and something was written; a number = that status.
Empty POSTs to staff forms answer 400 (the form's errors) when the persona may use the form.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from abierta.participation.cocreation import services
from abierta.participation.models import (
    Candidate,
    Initiative,
    Proposal,
    ProposalSupport,
    Score,
    TableAttendance,
    WorkingTable,
)
from abierta.participation.tests.factories import make_process, make_table
from abierta.plans.models import CommitteeMember
from factories import PERSONAS, World, make_user

LOGIN = "login"
DONE = "done"

ORGANISERS_GET = (LOGIN, 403, 200, 200, 403, 200, 403, 200)
ORGANISERS_POST = (LOGIN, 403, 400, 400, 403, 400, 403, 400)
NOBODY = (LOGIN, 403, 403, 403, 403, 403, 403, 403)

# (method, url name, phase): anonymous, citizen, editor_own, editor_other, monitor, transparency, committee, admin
MATRIX: dict[tuple[str, str, str], tuple[Any, ...]] = {
    ("GET", "staff_home", "tables"): ORGANISERS_GET,
    ("GET", "staff_home", "analysis"): ORGANISERS_GET,
    ("GET", "staff_home", "before"): ORGANISERS_GET,  # tables can be recorded before the phase
    ("GET", "staff_table", "tables"): ORGANISERS_GET,
    ("POST", "staff_table", "tables"): (LOGIN, 403, DONE, DONE, 403, DONE, 403, DONE),
    ("GET", "staff_table", "results"): NOBODY,
    ("POST", "staff_table", "results"): NOBODY,
    ("GET", "staff_transcribe", "tables"): ORGANISERS_GET,
    ("POST", "staff_transcribe", "analysis"): ORGANISERS_POST,
    ("GET", "staff_transcribe", "consultation"): NOBODY,
    ("POST", "staff_transcribe", "consultation"): NOBODY,
    ("GET", "staff_evaluate", "analysis"): (LOGIN, 403, 200, 200, 403, 200, 403, 403),
    ("POST", "staff_evaluate", "analysis"): (LOGIN, 403, 400, 400, 403, 400, 403, 403),
    ("GET", "staff_evaluate", "tables"): NOBODY,
    ("POST", "staff_evaluate", "tables"): NOBODY,
    ("GET", "staff_answer", "analysis"): (LOGIN, 403, 403, 403, 403, 200, 403, 403),
    ("POST", "staff_answer", "analysis"): (LOGIN, 403, 403, 403, 403, 400, 403, 403),
    ("POST", "staff_answer", "consultation"): NOBODY,
    ("GET", "staff_merge", "analysis"): (LOGIN, 403, 405, 405, 405, 405, 405, 405),
    ("POST", "staff_merge", "analysis"): (LOGIN, 403, 403, 403, 403, 400, 403, 403),
    ("POST", "staff_merge", "tables"): NOBODY,
    ("GET", "staff_shortlist", "analysis"): (LOGIN, 403, 403, 403, 403, 200, 403, 403),
    ("POST", "staff_shortlist", "analysis"): (LOGIN, 403, 403, 403, 403, 400, 403, 403),
    ("POST", "staff_shortlist", "results"): NOBODY,
    ("GET", "staff_election", "tables"): ORGANISERS_GET,
    ("POST", "staff_election", "results"): ORGANISERS_POST,
    ("GET", "staff_election", "before"): NOBODY,
    ("POST", "staff_election", "before"): NOBODY,
    ("POST", "staff_election_close", "consultation"): ORGANISERS_POST,
    ("POST", "staff_election_close", "before"): NOBODY,
    ("GET", "proposal_new", "tables"): (LOGIN, 200, 200, 200, 200, 200, 200, 200),
    ("POST", "proposal_new", "tables"): (LOGIN, DONE, DONE, DONE, DONE, DONE, DONE, DONE),
    ("GET", "proposal_new", "analysis"): (LOGIN, 403, 403, 403, 403, 403, 403, 403),
    ("POST", "proposal_new", "analysis"): (LOGIN, 403, 403, 403, 403, 403, 403, 403),
    ("GET", "proposal_support", "tables"): (405, 405, 405, 405, 405, 405, 405, 405),
    ("POST", "proposal_support", "tables"): (LOGIN, DONE, DONE, DONE, DONE, DONE, DONE, DONE),
    ("POST", "proposal_support", "analysis"): (LOGIN, DONE, DONE, DONE, DONE, DONE, DONE, DONE),
    ("POST", "proposal_support", "consultation"): (LOGIN, 403, 403, 403, 403, 403, 403, 403),
    ("GET", "proposals", "before"): (200, 200, 200, 200, 200, 200, 200, 200),
    ("GET", "process", "results"): (200, 200, 200, 200, 200, 200, 200, 200),
}

CASES = [
    pytest.param(method, name, phase, persona, expected[i], id=f"{method}-{name}-{phase}-{persona}")
    for (method, name, phase), expected in MATRIX.items()
    for i, persona in enumerate(PERSONAS)
]

POST_DATA: dict[str, dict[str, str]] = {
    "proposal_new": {"title": "Propuesta", "body": "Texto"},
    "staff_table": {"facilitator": "Nueva facilitadora", "count_youth": "3"},
}


def fingerprint() -> tuple[Any, ...]:
    return (
        Proposal.objects.count(),
        list(Proposal.objects.order_by("pk").values_list("status", "answer", "merged_into", "initiative")),
        ProposalSupport.objects.count(),
        Score.objects.count(),
        Initiative.objects.count(),
        Candidate.objects.count(),
        CommitteeMember.objects.count(),
        TableAttendance.objects.count(),
        list(WorkingTable.objects.order_by("pk").values_list("facilitator", "attendance")),
    )


def test_matrix_covers_every_persona() -> None:
    assert all(len(row) == len(PERSONAS) for row in MATRIX.values())


@pytest.mark.parametrize(("method", "name", "phase", "persona", "expected"), CASES)
def test_permission(
    method: str,
    name: str,
    phase: str,
    persona: str,
    expected: Any,
    world: World,
    persona_client: Callable[[str], Client],
) -> None:
    process = make_process(world.plan, phase)
    table = make_table(world.plan, 1)
    proposal = services.proposal_transcribe(
        table=table, actor=make_user("staff@example.org", "transparency"), title="Existente", body="B"
    )
    services.candidates_record(table=table, counts=[services.CandidateCount("Ana", "", 3)])
    slug = process.plan.slug
    args: dict[str, list[Any]] = {
        "staff_home": [slug],
        "staff_table": [slug, 1],
        "staff_transcribe": [slug],
        "staff_evaluate": [slug, proposal.pk],
        "staff_answer": [slug, proposal.pk],
        "staff_merge": [slug, proposal.pk],
        "staff_shortlist": [slug],
        "staff_election": [slug, 1],
        "staff_election_close": [slug, 1],
        "proposal_new": [slug],
        "proposal_support": [slug, proposal.pk],
        "proposals": [slug],
        "process": [slug],
    }
    url = reverse(f"participation:{name}", args=args[name])
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
    if expected not in (DONE,):
        assert fingerprint() == before, "a refused or invalid request changed something"
