"""Evaluation: one score per evaluator × criterion × proposal, named in public; answers; shortlisting."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from abierta.accounts.models import User
from abierta.participation.cocreation import services
from abierta.participation.models import Criterion, Initiative, Process, Proposal, Score
from abierta.participation.tests.factories import make_process
from factories import World, make_user


@pytest.fixture
def process(world: World) -> Process:
    process = make_process(world.plan, "analysis")
    Criterion.objects.create(process=process, name="Viabilidad", weight=2, max_score=5, order=1)
    Criterion.objects.create(process=process, name="Impacto", weight=1, max_score=5, order=2)
    return process


def test_scores_are_unique_per_evaluator(process: Process) -> None:
    p = services.proposal_submit(process=process, author=make_user("a@example.org"), title="T", body="B")
    feasibility, impact = process.criteria.all()
    eva = make_user("eva@example.org", User.Role.TRANSPARENCY, first_name="Eva", last_name="Ruiz")
    leo = make_user("leo@example.org", User.Role.EDITOR, first_name="Leo", last_name="Díaz")
    services.score_set(proposal=p, criterion=feasibility, evaluator=eva, value=2)
    services.score_set(proposal=p, criterion=feasibility, evaluator=eva, value=4)
    services.score_set(proposal=p, criterion=impact, evaluator=eva, value=1)
    services.score_set(proposal=p, criterion=feasibility, evaluator=leo, value=5)
    assert Score.objects.filter(evaluator=eva).count() == 2
    assert Score.objects.get(evaluator=eva, criterion=feasibility).value == 4
    evaluation = services.proposal_evaluation(p)
    assert evaluation.rows == [("Eva Ruiz", [4, 1]), ("Leo Díaz", [5, None])]
    # (2×4 + 1×1 + 2×5) / (2 + 1 + 2)
    assert evaluation.average == 3.8
    with pytest.raises(ValueError, match="range"):
        services.score_set(proposal=p, criterion=impact, evaluator=leo, value=6)


def test_evaluation_sheet(process: Process, persona_client: Callable[[str], Client]) -> None:
    p = services.proposal_submit(process=process, author=make_user("a@example.org"), title="T", body="B")
    feasibility, impact = process.criteria.all()
    client = persona_client("editor_own")
    url = reverse("participation:staff_evaluate", args=[process.plan.slug, p.pk])
    response = client.post(url, {f"criterion_{feasibility.pk}": "9", f"criterion_{impact.pk}": "3"})
    assert response.status_code == 400
    assert 'value="3"' in response.content.decode()
    assert not Score.objects.exists()
    response = client.post(url, {f"criterion_{feasibility.pk}": "4", f"criterion_{impact.pk}": "3"})
    assert response.status_code == 302
    assert Score.objects.count() == 2
    page = client.get(url).content.decode()
    assert "Editor_own" in page  # evaluators are named
    # The public proposal page shows the named scores too.
    public = Client().get(reverse("participation:proposal", args=[process.plan.slug, p.pk])).content.decode()
    assert "Editor_own" in public


def test_shortlist_links_proposals(process: Process) -> None:
    a = make_user("a@example.org")
    p1 = services.proposal_submit(process=process, author=a, title="Uno", body="B")
    p2 = services.proposal_submit(process=process, author=a, title="Dos", body="B")
    Initiative.objects.create(plan=process.plan, number=4, title="Existente")
    for p in (p1, p2):
        services.proposal_answer(proposal=p, accept=True, answer="")
    initiative = services.initiative_shortlist(plan=process.plan, proposals=[p1, p2], title="Nueva", summary="S")
    assert (initiative.number, initiative.shortlisted) == (5, True)
    assert set(initiative.proposals.all()) == {p1, p2}


def test_shortlist_form(process: Process, persona_client: Callable[[str], Client]) -> None:
    a = make_user("a@example.org")
    accepted = services.proposal_submit(process=process, author=a, title="Aceptada", body="B")
    services.proposal_answer(proposal=accepted, accept=True, answer="")
    received = services.proposal_submit(process=process, author=a, title="Recibida", body="B")
    client = persona_client("transparency")
    url = reverse("participation:staff_shortlist", args=[process.plan.slug])
    page = client.get(url).content.decode()
    assert "Aceptada" in page and "Recibida" not in page
    response = client.post(url, {"proposals": [received.pk], "title": "Título guardado"})
    assert response.status_code == 400
    assert "Título guardado" in response.content.decode()
    assert not Initiative.objects.exists()
    response = client.post(url, {"proposals": [accepted.pk], "title": "Iniciativa"})
    assert response.status_code == 302
    accepted.refresh_from_db()
    assert accepted.initiative is not None and accepted.initiative.title == "Iniciativa"


def test_merge_form_refuses_itself(process: Process, persona_client: Callable[[str], Client]) -> None:
    a = make_user("a@example.org")
    p = services.proposal_submit(process=process, author=a, title="T", body="B")
    client = persona_client("transparency")
    url = reverse("participation:staff_merge", args=[process.plan.slug, p.pk])
    assert client.post(url, {"into": p.pk}).status_code == 400
    p.refresh_from_db()
    assert p.status == Proposal.Status.RECEIVED
