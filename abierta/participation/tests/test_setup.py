"""Setting up a cycle from the staff screens: the process and its phases, criteria and weights,
working tables, the consultation (shortlist, dates, choices), its preview, opening, early closing
and publishing; bad input and forged requests change nothing."""

from __future__ import annotations

import datetime
from collections.abc import Callable

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from abierta.core.models import ChangeRecord
from abierta.participation.consultation import services as svc
from abierta.participation.models import (
    BallotFile,
    Consultation,
    Criterion,
    Initiative,
    Process,
    WorkingTable,
    cocreation_scope,
)
from abierta.participation.tests.factories import make_consultation, make_process
from abierta.plans.models import ActionPlan
from factories import World

DAY = datetime.timedelta(days=1)


def _local(moment: datetime.datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def _u(name: str, plan: ActionPlan) -> str:
    return reverse(f"participation:{name}", args=[plan.slug])


def test_process_created_with_its_history(world: World, persona_client: Callable[[str], Client]) -> None:
    now = timezone.now()
    data = {
        "title": "Cocreación 2024-2025",
        "tables_from": _local(now + DAY),
        "analysis_from": _local(now + 10 * DAY),
        "consultation_from": _local(now + 20 * DAY),
        "results_from": _local(now + 30 * DAY),
    }
    response = persona_client("transparency").post(_u("staff_process_new", world.plan), data)
    assert response.status_code == 302
    process = Process.objects.get(plan=world.plan)
    assert process.title == "Cocreación 2024-2025"
    assert ChangeRecord.objects.filter(scope=cocreation_scope(world.plan.pk), action="created").count() == 1
    public = Client().get(reverse("participation:cocreation_history", args=[world.plan.slug]))
    assert public.status_code == 200 and "Cocreación 2024-2025" in public.content.decode()


def test_phases_out_of_order_keep_what_was_typed(world: World, persona_client: Callable[[str], Client]) -> None:
    now = timezone.now()
    data = {
        "title": "Mi proceso",
        "tables_from": _local(now + 10 * DAY),
        "analysis_from": _local(now + DAY),
        "consultation_from": _local(now + 20 * DAY),
        "results_from": _local(now + 30 * DAY),
    }
    response = persona_client("transparency").post(_u("staff_process_new", world.plan), data)
    assert response.status_code == 400
    html = response.content.decode()
    assert "Esta fase debe empezar después de la anterior" in html
    assert 'value="Mi proceso"' in html
    assert not Process.objects.exists() and not ChangeRecord.objects.exists()


def test_criteria_saved_and_weights_that_are_not_numbers(world: World, persona_client: Callable[[str], Client]) -> None:
    process = make_process(world.plan, "tables")
    client = persona_client("transparency")
    form = {"c-TOTAL_FORMS": "2", "c-INITIAL_FORMS": "0", "c-0-name": "Impacto", "c-0-weight": "3"}
    form |= {"c-0-max_score": "5", "c-1-name": "Costo", "c-1-weight": "mucho", "c-1-max_score": "5"}
    response = client.post(_u("staff_criteria", world.plan), form)
    assert response.status_code == 400
    html = response.content.decode()
    assert "número entero" in html and 'value="mucho"' in html and 'value="Impacto"' in html
    assert not Criterion.objects.exists() and not ChangeRecord.objects.exists()
    form["c-1-weight"] = "1"
    assert client.post(_u("staff_criteria", world.plan), form).status_code == 302
    assert list(process.criteria.values_list("name", "weight", "order")) == [("Impacto", 3, 1), ("Costo", 1, 2)]
    assert ChangeRecord.objects.filter(scope=process.history_scope()).count() == 2


def test_forged_criterion_of_another_plan_is_refused(world: World, persona_client: Callable[[str], Client]) -> None:
    make_process(world.plan, "tables")
    other = ActionPlan.objects.create(slug="otro", title="Otro", jurisdiction="X", period_start=2024, period_end=2025)
    foreign = Criterion.objects.create(process=make_process(other, "tables"), name="Ajeno", weight=1)
    form = {"c-TOTAL_FORMS": "1", "c-INITIAL_FORMS": "1", "c-0-id": str(foreign.pk), "c-0-name": "Mío"}
    form |= {"c-0-weight": "9", "c-0-max_score": "5"}
    response = persona_client("transparency").post(_u("staff_criteria", world.plan), form)
    assert response.status_code == 400
    foreign.refresh_from_db()
    assert (foreign.name, foreign.weight, foreign.process.plan_id) == ("Ajeno", 1, other.pk)


def test_working_table_created_and_number_taken(world: World, persona_client: Callable[[str], Client]) -> None:
    make_process(world.plan, "tables")
    client = persona_client("transparency")
    data = {"number": "1", "name": "Mesa de jóvenes", "sector": "population"}
    assert client.post(_u("staff_table_new", world.plan), data).status_code == 302
    response = client.post(_u("staff_table_new", world.plan), {**data, "name": "Otra"})
    assert response.status_code == 400
    assert "ya tiene una mesa de trabajo con este número" in response.content.decode()
    assert list(WorkingTable.objects.values_list("name", flat=True)) == ["Mesa de jóvenes"]


def _consultation_form(process: Process, initiatives: list[Initiative], **extra: str) -> dict[str, object]:
    return {
        "question": "¿Cuál iniciativa prefiere?",
        "shortlist": [str(i.pk) for i in initiatives],
        "opens_at": _local(process.consultation_from + DAY / 4),
        "closes_at": _local(process.consultation_from + DAY / 2),
        "max_choices": "1",
        "assurance": "1",
        "roll_fact": "issue_date",
        **extra,
    }


def test_consultation_created_with_its_shortlist(world: World, persona_client: Callable[[str], Client]) -> None:
    process = make_process(world.plan, "tables")
    initiatives = [Initiative.objects.create(plan=world.plan, number=n, title=f"Iniciativa {n}") for n in (1, 2, 3, 4)]
    client = persona_client("transparency")
    data = _consultation_form(process, initiatives[:3])
    response = client.post(_u("staff_consultation_edit", world.plan), data)
    assert response.status_code == 302, response.context["form"].errors
    consultation = Consultation.objects.get(process=process)
    assert [i.number for i in svc.eligible_initiatives(consultation)] == [1, 2, 3]
    assert ChangeRecord.objects.filter(scope=consultation.history_scope()).count() == 1
    preview = client.get(_u("staff_consultation_preview", world.plan))
    assert preview.status_code == 200 and "Iniciativa 3" in preview.content.decode()
    assert "Iniciativa 4" not in preview.content.decode()


def test_consultation_bad_input_writes_nothing(world: World, persona_client: Callable[[str], Client]) -> None:
    process = make_process(world.plan, "tables")
    initiatives = [Initiative.objects.create(plan=world.plan, number=n, title=f"Iniciativa {n}") for n in (1, 2)]
    client = persona_client("transparency")
    bad = _consultation_form(
        process,
        initiatives,
        closes_at=_local(process.consultation_from),
        max_choices="3",
        question="Mi pregunta escrita",
    )
    response = client.post(_u("staff_consultation_edit", world.plan), bad)
    assert response.status_code == 400
    html = response.content.decode()
    assert "El cierre debe ser posterior a la apertura." in html
    assert "no puede elegir más iniciativas (3) de las que tiene el tarjetón (2)" in html
    assert 'value="Mi pregunta escrita"' in html
    assert not Consultation.objects.exists() and not ChangeRecord.objects.exists()


def test_open_consultation_cannot_be_changed_by_posting(world: World, persona_client: Callable[[str], Client]) -> None:
    c = make_consultation(world.plan, state="open")
    before = (c.opens_at, c.closes_at, c.question)
    shortlist = list(Initiative.objects.filter(plan=world.plan, shortlisted=True).values_list("pk", flat=True))
    others = Initiative.objects.filter(plan=world.plan)
    data = _consultation_form(c.process, list(others), closes_at=_local(c.closes_at + 30 * DAY))
    client = persona_client("transparency")
    response = client.post(_u("staff_consultation_edit", world.plan), data)
    assert response.status_code == 403
    c.refresh_from_db()
    assert (c.opens_at, c.closes_at, c.question) == before
    assert list(Initiative.objects.filter(plan=world.plan, shortlisted=True).values_list("pk", flat=True)) == shortlist
    page = client.get(_u("staff_consultation", world.plan)).content.decode()
    assert "La consulta ya abrió" in page


def test_open_now_then_close_now_freezes_the_file(world: World, persona_client: Callable[[str], Client]) -> None:
    c = make_consultation(world.plan, state="before")
    client = persona_client("transparency")
    confirm = client.get(_u("staff_consultation_open", world.plan))
    assert confirm.status_code == 200 and "Esto no se puede deshacer" in confirm.content.decode()
    # Publishing before the close is refused, with the reason on the staff page.
    assert client.post(_u("staff_consultation_publish", world.plan)).status_code == 403
    assert (
        "Los resultados se publican cuando la consulta ha cerrado"
        in client.get(_u("staff_consultation", world.plan)).content.decode()
    )
    assert client.post(_u("staff_consultation_open", world.plan)).status_code == 302
    c.refresh_from_db()
    assert c.is_open()
    assert c.process.phase() == Process.Phase.CONSULTATION
    vote = Client().get(reverse("participation:consultation_vote", args=[world.plan.slug]))
    assert vote.status_code == 200
    assert client.post(_u("staff_consultation_close", world.plan)).status_code == 302
    c.refresh_from_db()
    assert not c.is_open()
    assert BallotFile.objects.filter(consultation=c).exists()
    assert c.process.phase() == Process.Phase.RESULTS
    assert client.post(_u("staff_consultation_publish", world.plan)).status_code == 403  # already published


def test_publish_after_the_planned_close(world: World, persona_client: Callable[[str], Client]) -> None:
    c = make_consultation(world.plan, state="closed")
    response = persona_client("admin").post(_u("staff_consultation_publish", world.plan))
    assert response.status_code == 302
    assert response["Location"] == reverse("participation:consultation_results", args=[world.plan.slug])
    assert BallotFile.objects.filter(consultation=c).exists()


def test_open_refused_when_the_ballot_is_too_short(world: World, persona_client: Callable[[str], Client]) -> None:
    c = make_consultation(world.plan, state="before", n=1)
    client = persona_client("transparency")
    assert client.post(_u("staff_consultation_open", world.plan)).status_code == 403
    assert (
        "El tarjetón necesita al menos dos iniciativas"
        in client.get(_u("staff_consultation", world.plan)).content.decode()
    )
    c.refresh_from_db()
    assert not c.is_open()
