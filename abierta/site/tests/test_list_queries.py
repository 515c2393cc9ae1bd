"""Every list of the site, HTML and API, costs the same number of SQL queries whatever its rows, and
shows at most one page of them (docs/decisions/0025-pagination.md).

Each case seeds ``N`` rows through the real models, renders the list (after one warm-up request,
so that caches filled once per process do not count), then seeds ``2N`` more and renders it again:
the two counts must be equal, and the page must hold at most its page size. ``N`` (18) is below the
smallest page size of the site (20) and three times it is above the largest (50): the second render
shows more rows than the first on every list, so an N+1 query shows as a difference.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from abierta.accounts.models import User
from abierta.contracting.tests.factories import make_contract
from abierta.core.models import Institution
from abierta.core.paging import FIRST_ROWS, PER_PAGE, PER_PAGE_CARDS
from abierta.development.models import DevelopmentPlan, Goal, Measurement, Pillar, Programme
from abierta.participation.models import (
    DialogueSession,
    Initiative,
    Process,
    Proposal,
    ProposalSupport,
    Question,
    QuestionSupport,
    WorkingTable,
)
from abierta.participation.tests.factories import make_process, make_table
from abierta.plans.models import (
    ActionPlan,
    Comment,
    Commitment,
    CommitteeMeeting,
    CommitteeMember,
    Endorsement,
    Milestone,
    MonitoringReport,
    ProgressUpdate,
)
from abierta.procurement.models import Fair, ProcurementPlan
from abierta.procurement.tests.factories import make_plan_line
from abierta.works.models import Work, WorkPhoto, WorkUpdate
from abierta.works.tests.factories import make_work
from factories import World, make_user

N = 18

Seed = Callable[[World, int, int], None]  # (world, first number, how many)
Count = Callable[[Any], int]  # the rows shown, from the response


def _page(name: str = "page") -> Count:
    return lambda response: len(response.context[name].object_list)


def _listed(name: str) -> Count:
    return lambda response: len(response.context[name])


def _goal_count(response: Any) -> int:
    return int(response.context["goal_count"])


# A list that is not paged: bounded by the document it shows, not by use.
UNPAGED = 10**6


def _items(response: Any) -> int:
    return len(response.json()["items"])


@dataclass(frozen=True)
class Case:
    name: str
    url: Callable[[World], str]
    seed: Seed
    shown: Count
    per_page: int = PER_PAGE
    persona: str = "anonymous"


# Builders ------------------------------------------------------------------------------------


def _process(world: World) -> Process:
    return Process.objects.filter(plan=world.plan).first() or make_process(world.plan, "tables")


def _table(world: World) -> WorkingTable:
    return WorkingTable.objects.filter(plan=world.plan, number=1).first() or make_table(world.plan, 1)


def _supporter() -> User:
    return User.objects.filter(email="apoyo@example.org").first() or make_user("apoyo@example.org")


def seed_proposals(world: World, first: int, n: int) -> None:
    process, table, user = _process(world), _table(world), _supporter()
    for i in range(first, first + n):
        in_person = i % 2 == 0
        proposal = Proposal.objects.create(
            process=process,
            title=f"Propuesta {i}",
            body="Texto",
            channel=Proposal.Channel.IN_PERSON if in_person else Proposal.Channel.ONLINE,
            table=table if in_person else None,
        )
        ProposalSupport.objects.create(proposal=proposal, user=user)


def seed_tables(world: World, first: int, n: int) -> None:
    _process(world)
    for i in range(first, first + n):
        make_table(world.plan, 100 + i)


def _session(world: World) -> DialogueSession:
    return DialogueSession.objects.filter(slug="sesion").first() or DialogueSession.objects.create(
        slug="sesion", topic="Contratación", starts_at=timezone.now() + datetime.timedelta(days=2), plan=world.plan
    )


def _questions(world: World, first: int, n: int, status: str) -> None:
    session, user = _session(world), _supporter()
    for i in range(first, first + n):
        question = Question.objects.create(
            session=session, text=f"Pregunta {i}", status=status, author=user, commitment=world.commitment
        )
        QuestionSupport.objects.create(question=question, user=user)


def seed_public_questions(world: World, first: int, n: int) -> None:
    _questions(world, first, n, Question.Status.PUBLISHED)


def seed_pending_questions(world: World, first: int, n: int) -> None:
    _questions(world, first, n, Question.Status.PENDING)


def seed_past_sessions(world: World, first: int, n: int) -> None:
    for i in range(first, first + n):
        DialogueSession.objects.create(
            slug=f"pasada-{i}", topic=f"Sesión {i}", starts_at=timezone.now() - datetime.timedelta(days=10 + i)
        )


def seed_plan_comments(world: World, first: int, n: int) -> None:
    user = _supporter()
    for i in range(first, first + n):
        Comment.objects.create(plan=world.plan, author=user, body=f"Comentario {i}")


def seed_commitment_comments(world: World, first: int, n: int) -> None:
    user = _supporter()
    for i in range(first, first + n):
        Comment.objects.create(plan=world.plan, commitment=world.commitment, author=user, body=f"Comentario {i}")


def seed_reported_comments(world: World, first: int, n: int) -> None:
    user = _supporter()
    for i in range(first, first + n):
        Comment.objects.create(plan=world.plan, author=user, body=f"Comentario {i}", needs_review=True)


def seed_procurement_plans(world: World, first: int, n: int) -> None:
    for i in range(first, first + n):
        ProcurementPlan.objects.create(entity_name=f"Entidad {i}", year=2020 + i % 3, office=world.own_office)


def seed_plan_lines(world: World, first: int, n: int) -> None:
    for i in range(first, first + n):
        make_plan_line(line=100 + i)


def _paa() -> ProcurementPlan:
    return make_plan_line(line=1).plan if not ProcurementPlan.objects.exists() else ProcurementPlan.objects.get()


def seed_past_fairs(world: World, first: int, n: int) -> None:
    plan = ProcurementPlan.objects.first() or ProcurementPlan.objects.create(entity_name="Entidad", year=2024)
    for i in range(first, first + n):
        fair = Fair.objects.create(
            title=f"Feria {i}", date=timezone.now() - datetime.timedelta(days=30 + i), place="Plaza"
        )
        fair.plans.add(plan)
        fair.offices.add(world.own_office)


def seed_works(world: World, first: int, n: int) -> None:
    for _i in range(n):
        make_work(world.own_office)


def _updated_work() -> Work:
    return Work.objects.filter(name="Obra con avances").first() or make_work(name="Obra con avances", contracts=0)


def seed_work_updates(world: World, first: int, n: int) -> None:
    work = _updated_work()
    for i in range(first, first + n):
        update = WorkUpdate.objects.create(
            work=work,
            date=datetime.date(2024, 1, 1) + datetime.timedelta(days=i),
            physical_progress=Decimal(i),
            financial_progress=Decimal(i),
            text=f"Avance {i}",
        )
        WorkPhoto.objects.create(update=update, image="obras/foto.png", state=WorkPhoto.State.READY, caption="Vista")


def seed_contracts(world: World, first: int, n: int) -> None:
    for _i in range(n):
        make_contract()


def seed_updates(world: World, first: int, n: int) -> None:
    for i in range(first, first + n):
        ProgressUpdate.objects.create(
            milestone=world.milestone,
            date=datetime.date(2023, 1, 1) + datetime.timedelta(days=i),
            text=f"Avance {i}",
            institution=world.own_office,
        )


def seed_plans(world: World, first: int, n: int) -> None:
    for i in range(first, first + n):
        plan = ActionPlan.objects.create(
            slug=f"plan-{i}", title=f"Plan {i}", jurisdiction="Cartagena", period_start=2000 + i, period_end=2001 + i
        )
        plan.lead_institutions.add(world.own_office)


def seed_commitments(world: World, first: int, n: int) -> None:
    for i in range(first, first + n):
        commitment = Commitment.objects.create(
            plan=world.plan,
            code=f"SEED{i:04d}",
            title=f"Compromiso {i}",
            lead_institution=world.own_office,
            start_month=datetime.date(2023, 1, 1),
            end_month=datetime.date(2023, 12, 1),
        )
        commitment.supporting_institutions.add(world.other_office)


def seed_milestones(world: World, first: int, n: int) -> None:
    for i in range(first, first + n):
        Milestone.objects.create(
            commitment=world.commitment,
            title=f"Hito {i}",
            start_date=datetime.date(2023, 1, 1),
            end_date=datetime.date(2023, 6, 30),
            responsible=world.own_office,
        )


def seed_reports(world: World, first: int, n: int) -> None:
    for i in range(first, first + n):
        MonitoringReport.objects.create(
            plan=world.plan,
            kind=MonitoringReport.Kind.COMMITMENT,
            commitment=world.commitment,
            title=f"Informe {i}",
            published_on=datetime.date(2024, 1, 1),
            file="reports/informe.pdf",
            institution=world.monitoring_body,
        )


def seed_members(world: World, first: int, n: int) -> None:
    table = _table(world)
    for i in range(first, first + n):
        CommitteeMember.objects.create(
            plan=world.plan,
            name=f"Persona {i}",
            sector="Academia",
            working_table=table,
            start_date=datetime.date(2023, 1, 1),
        )


def seed_meetings(world: World, first: int, n: int) -> None:
    for i in range(first, first + n):
        CommitteeMeeting.objects.create(
            plan=world.plan, date=datetime.date(2023, 1, 1) + datetime.timedelta(days=i), summary="Reunión"
        )


def seed_endorsements(world: World, first: int, n: int) -> None:
    for i in range(first, first + n):
        Endorsement.objects.create(plan=world.plan, name=f"Entidad {i}", sector="Sociedad civil", order=i)


def seed_institutions(world: World, first: int, n: int) -> None:
    for i in range(first, first + n):
        Institution.objects.create(name=f"Oficina {i}", slug=f"oficina-{i}")


def seed_initiatives(world: World, first: int, n: int) -> None:
    for i in range(first, first + n):
        Initiative.objects.create(plan=world.plan, number=i, title=f"Iniciativa {i}", commitment=world.commitment)


def _programme() -> Programme:
    existing = Programme.objects.first()
    if existing is not None:
        return existing
    dev = DevelopmentPlan.objects.create(
        slug="pdm", title="Plan de desarrollo", jurisdiction="Cartagena", period_start=2024, period_end=2027
    )
    pillar = Pillar.objects.create(plan=dev, code="P1", name="Uno", weight=Decimal(1), order=1)
    return Programme.objects.create(pillar=pillar, code="A1", name="A1", weight=Decimal(1), order=1)


def _goal(world: World, code: str) -> Goal:
    goal = Goal.objects.create(
        programme=_programme(),
        code=code,
        title=code,
        indicator=code,
        unit="%",
        baseline=Decimal(10),
        target=Decimal(20),
        responsible=world.own_office,
        weight=Decimal(1),
        order=1,
    )
    goal.commitments.add(world.commitment)
    return goal


def seed_goals(world: World, first: int, n: int) -> None:
    for i in range(first, first + n):
        goal = _goal(world, f"G{i}")
        Measurement.objects.create(goal=goal, date=datetime.date(2025, 1, 1), value=Decimal(15), source="Informe")


def seed_measurements(world: World, first: int, n: int) -> None:
    goal = Goal.objects.filter(code="GM").first() or _goal(world, "GM")
    for i in range(first, first + n):
        Measurement.objects.create(
            goal=goal, date=datetime.date(2024, 1, 1) + datetime.timedelta(days=i), value=Decimal(i), source="s"
        )


def seed_dev_plans(world: World, first: int, n: int) -> None:
    for i in range(first, first + n):
        DevelopmentPlan.objects.create(
            slug=f"pdm-{i}",
            title=f"Plan {i}",
            jurisdiction="Cartagena",
            period_start=1900 + 4 * i,
            period_end=1903 + 4 * i,
        )


# The lists -----------------------------------------------------------------------------------

PLAN = "/plan/plan-prueba/"
COCREATION = PLAN + "cocreacion/"


def _const(path: str) -> Callable[[World], str]:
    return lambda world: path


HTML = [
    Case("proposal inventory", _const(COCREATION + "propuestas/"), seed_proposals, _listed("proposals")),
    Case(
        "proposal inventory, filtered",
        _const(COCREATION + "propuestas/?channel=in_person"),
        seed_proposals,
        _listed("proposals"),
    ),
    Case("working tables", _const(COCREATION + "mesas/"), seed_tables, _page()),
    Case("co-creation overview: first tables", _const(COCREATION), seed_tables, _listed("tables"), FIRST_ROWS),
    Case(
        "a table's first proposals", _const(COCREATION + "mesas/1/"), seed_proposals, _listed("proposals"), FIRST_ROWS
    ),
    Case("a session's questions", _const("/hablemos/sesion/"), seed_public_questions, _page(), PER_PAGE_CARDS),
    Case("past sessions", _const("/hablemos/"), seed_past_sessions, _listed("past"), PER_PAGE_CARDS),
    Case("a plan's comments", _const(PLAN), seed_plan_comments, _page("comments_page")),
    Case(
        "a commitment's comments",
        _const(PLAN + "compromisos/TEST0001/"),
        seed_commitment_comments,
        _page("comments_page"),
    ),
    Case(
        "a milestone's updates", lambda w: f"{PLAN}compromisos/TEST0001/hitos/{w.milestone.pk}/", seed_updates, _page()
    ),
    Case("annual procurement plans", _const("/plan-anual-de-adquisiciones/"), seed_procurement_plans, _page()),
    Case(
        "a procurement plan's lines", lambda w: f"/plan-anual-de-adquisiciones/{_paa().pk}/", seed_plan_lines, _page()
    ),
    Case("past Ferias", _const("/feria-de-la-transparencia/"), seed_past_fairs, _listed("past"), PER_PAGE_CARDS),
    Case("works", _const("/obras/"), seed_works, _page()),
    Case(
        "a work's updates",
        lambda w: f"/o/{_updated_work().code}/avances/",
        seed_work_updates,
        _page(),
        PER_PAGE_CARDS,
    ),
    Case("contracts", _const("/contratos/"), seed_contracts, _listed("rows"), 25),
    # Not paged, bounded by what they show (a plan's commitments, the committee, the goals of a
    # development plan, the catalog's data sets): their cost still must not grow with the rows.
    Case("a plan's commitments", _const(PLAN), seed_commitments, _listed("commitments"), UNPAGED),
    Case("the committee", _const(PLAN + "comite/"), seed_members, _listed("members"), UNPAGED),
    Case("the committee's meetings", _const(PLAN + "comite/"), seed_meetings, _listed("meetings"), UNPAGED),
    Case("a development plan's goals", _const("/plan-de-desarrollo/pdm/"), seed_goals, _goal_count, UNPAGED),
    Case("the open data catalog", _const("/datos/"), seed_proposals, _listed("items"), UNPAGED),
    # Staff lists.
    Case(
        "staff: co-creation proposals",
        _const("/gestion/cocreacion/plan-prueba/"),
        seed_proposals,
        _page(),
        persona="transparency",
    ),
    Case(
        "staff: co-creation tables",
        _const("/gestion/cocreacion/plan-prueba/"),
        seed_tables,
        _page("tables_page"),
        persona="transparency",
    ),
    Case("staff: dialogue sessions", _const("/hablemos/gestion/"), seed_past_sessions, _page(), persona="transparency"),
    Case(
        "staff: moderation of questions",
        _const("/hablemos/sesion/moderar/"),
        seed_pending_questions,
        _page(),
        PER_PAGE_CARDS,
        "transparency",
    ),
    Case(
        "staff: moderation of comments",
        _const("/gestion/moderacion/"),
        seed_reported_comments,
        _page(),
        30,
        "transparency",
    ),
    Case(
        "staff: Ferias", _const("/gestion/feria-de-la-transparencia/"), seed_past_fairs, _page(), persona="transparency"
    ),
    Case("staff: works", _const("/gestion/obras/"), seed_works, _page(), persona="editor_own"),
]

API = [
    Case(f"API {path}", _const("/api/v1/" + path), seed, _items)
    for path, seed in [
        ("plans", seed_plans),
        ("commitments", seed_commitments),
        ("milestones", seed_milestones),
        ("progress-updates", seed_updates),
        ("monitoring-reports", seed_reports),
        ("committee-members", seed_members),
        ("committee-meetings", seed_meetings),
        ("endorsements", seed_endorsements),
        ("institutions", seed_institutions),
        ("working-tables", seed_tables),
        ("initiatives", seed_initiatives),
        ("contracts", seed_contracts),
        ("works", seed_works),
        ("development-plans", seed_dev_plans),
        ("goals", seed_goals),
        ("measurements", seed_measurements),
    ]
]


def _queries(client: Client, url: str) -> tuple[int, Any]:
    client.get(url)  # warm-up: per-process caches (content types, the content version, sessions)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(queries), response


@pytest.mark.parametrize("case", HTML + API, ids=lambda c: c.name)
def test_queries_do_not_grow_with_the_rows(
    case: Case, world: World, persona_client: Callable[[str], Client], settings: Any
) -> None:
    settings.ABIERTA_PAGE_CACHE_SECONDS = 0
    client = persona_client(case.persona)
    url = case.url(world)
    case.seed(world, 1, N)
    few, response = _queries(client, url)
    shown_few = case.shown(response)
    case.seed(world, N + 1, 2 * N)
    many, response = _queries(client, url)
    shown_many = case.shown(response)
    assert shown_many <= case.per_page
    assert shown_many >= shown_few > 0
    assert many == few, f"{case.name}: {few} queries with {N} rows, {many} with {3 * N}"
