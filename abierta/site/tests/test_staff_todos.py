"""The staff home says what waits for each person, with counts and links (issue 16): comments and
questions to moderate (also listed together on the moderation page), irregularity reports to review
and answer, complaints overdue and due soon, milestones past their end date without evidence, works
without a progress report in 90 days, failed imports. Staff land there after signing in, and the
report review form starts at the report's state."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from abierta.complaints.models import Case
from abierta.complaints.tests.factories import file_case
from abierta.core.models import ImportRun
from abierta.participation.models import DialogueSession, Question
from abierta.plans.models import Comment, Milestone, ProgressUpdate
from abierta.works.models import IrregularityReport, Work, WorkUpdate
from abierta.works.tests.factories import make_work
from factories import PASSWORD, PERSONAS, World, make_user

pytestmark = pytest.mark.django_db

HOME = reverse("site:staff_home")


def todo_texts(response: Any) -> list[str]:
    return [t.text for t in response.context["todos"]]


def _session(slug: str = "sesion") -> DialogueSession:
    return DialogueSession.objects.create(slug=slug, topic=f"Tema {slug}", starts_at=timezone.now())


def _pending_work(world: World) -> Work:
    work = make_work(world.own_office, contracts=0)
    Work.objects.filter(pk=work.pk).update(created_at=timezone.now() - datetime.timedelta(days=200))
    IrregularityReport.objects.create(work=work, text="Hay huecos")
    IrregularityReport.objects.create(work=work, text="Obra parada", status=IrregularityReport.Status.REVIEWED)
    IrregularityReport.objects.create(work=work, text="Ya", status=IrregularityReport.Status.ANSWERED)
    return work


@pytest.fixture
def waiting(world: World) -> dict[str, Any]:
    """One of each thing that can wait, for the offices of the world."""
    Comment.objects.create(plan=world.plan, author=make_user("c@example.org"), body="Ofensivo", needs_review=True)
    Comment.objects.create(plan=world.plan, author=make_user("d@example.org"), body="Bien")
    session = _session()
    for text in ("¿Cuándo?", "¿Dónde?"):
        Question.objects.create(session=session, text=text)
    Question.objects.create(session=session, text="Publicada", status=Question.Status.PUBLISHED)
    work = _pending_work(world)
    return {"session": session, "work": work}


EXPECTED = {
    # persona: the sentences of the staff home's list (the world's two milestones ended in 2023
    # with no evidence: one of the own office, one of the other)
    "editor_own": {
        "1 hito con la fecha de fin vencida y sin evidencia",
        "1 reporte de irregularidad recibido, aún sin revisar",
        "1 reporte de irregularidad revisado, aún sin respuesta",
        "1 obra en ejecución sin reporte de avance en 90 días",
    },
    "editor_other": {"1 hito con la fecha de fin vencida y sin evidencia"},
    "transparency": {
        "1 comentario por revisar",
        "2 preguntas por moderar en «Tema sesion»",
        "2 hitos con la fecha de fin vencida y sin evidencia",
        "1 reporte de irregularidad recibido, aún sin revisar",
        "1 reporte de irregularidad revisado, aún sin respuesta",
        "1 obra en ejecución sin reporte de avance en 90 días",
    },
    "admin": {
        "1 comentario por revisar",
        "2 hitos con la fecha de fin vencida y sin evidencia",
        "1 reporte de irregularidad recibido, aún sin revisar",
        "1 reporte de irregularidad revisado, aún sin respuesta",
        "1 obra en ejecución sin reporte de avance en 90 días",
    },
    "monitor": set(),
    "committee": set(),
}


@pytest.mark.parametrize("persona", PERSONAS)
def test_each_persona_sees_what_waits_for_them(
    persona: str, persona_client: Callable[[str], Client], waiting: dict[str, Any]
) -> None:
    client = persona_client(persona)
    response = client.get(HOME)
    if persona == "anonymous":
        assert response.status_code == 302
        return
    if persona == "citizen":
        assert response.status_code == 403
        return
    assert response.status_code == 200
    assert set(todo_texts(response)) == EXPECTED[persona]
    body = response.content.decode()
    assert "Lo que le espera" in body
    if not EXPECTED[persona]:
        assert "Nada le espera por ahora." in body
    # Urgent items come first, marked.
    todos = response.context["todos"]
    assert [t.urgent for t in todos] == sorted((t.urgent for t in todos), reverse=True)
    for todo in todos:
        assert client.get(todo.url).status_code == 200, todo


def test_the_counts_follow_the_work_done(persona_client: Callable[[str], Client], world: World) -> None:
    client = persona_client("editor_own")
    assert "1 hito con la fecha de fin vencida y sin evidencia" in todo_texts(client.get(HOME))
    # A progress report without evidence does not count; one with a link does.
    ProgressUpdate.objects.create(milestone=world.milestone, date=datetime.date(2023, 7, 1), text="Sin prueba")
    assert "1 hito con la fecha de fin vencida y sin evidencia" in todo_texts(client.get(HOME))
    ProgressUpdate.objects.create(
        milestone=world.milestone, date=datetime.date(2023, 7, 2), text="Acta", evidence_url="https://example.org/a"
    )
    assert todo_texts(client.get(HOME)) == []
    # A cancelled milestone needs no evidence; a future one is not due.
    Milestone.objects.create(
        commitment=world.commitment,
        title="Futuro",
        start_date=datetime.date(2030, 1, 1),
        end_date=datetime.date(2030, 6, 1),
        responsible=world.own_office,
    )
    Milestone.objects.create(
        commitment=world.commitment,
        title="Cancelado",
        start_date=datetime.date(2023, 1, 1),
        end_date=datetime.date(2023, 2, 1),
        status=Milestone.Status.CANCELLED,
        responsible=world.own_office,
    )
    assert todo_texts(client.get(HOME)) == []
    # A work with a recent progress report is not "without news".
    work = _pending_work(world)
    assert "1 obra en ejecución sin reporte de avance en 90 días" in todo_texts(client.get(HOME))
    WorkUpdate.objects.create(
        work=work, date=timezone.localdate(), text="Avance", physical_progress=10, financial_progress=10
    )
    assert "1 obra en ejecución sin reporte de avance en 90 días" not in todo_texts(client.get(HOME))


def test_complaint_deadlines_for_the_handlers(
    persona_client: Callable[[str], Client], world: World, settings: Any
) -> None:
    overdue, soon, later = file_case(), file_case(), file_case()
    today = timezone.localdate()
    Case.objects.filter(pk=overdue.pk).update(due_on=today - datetime.timedelta(days=1))
    Case.objects.filter(pk=soon.pk).update(due_on=today)
    Case.objects.filter(pk=later.pk).update(due_on=today + datetime.timedelta(days=60))
    Case.objects.update(forward_due_on=today + datetime.timedelta(days=30))
    response = persona_client("transparency").get(HOME)
    texts = todo_texts(response)
    assert "1 denuncia con el plazo de respuesta vencido" in texts
    days = settings.ABIERTA_COMPLAINTS_DUE_SOON_DAYS
    assert f"1 denuncia vence en los próximos {days} días hábiles" in texts
    assert "<strong>Vencido:</strong>" in response.content.decode()
    # Nobody else hears of complaints, not even the administrator.
    assert not any("denuncia" in t for t in todo_texts(persona_client("admin").get(HOME)))


def test_failed_imports_for_the_administrator(persona_client: Callable[[str], Client], world: World) -> None:
    ImportRun.objects.create(kind="paa", file_name="paa.xlsx", file_sha256="0" * 64, status=ImportRun.Status.FAILED)
    old = ImportRun.objects.create(kind="paa", file_name="v.xlsx", file_sha256="1" * 64, status=ImportRun.Status.FAILED)
    ImportRun.objects.filter(pk=old.pk).update(started_at=timezone.now() - datetime.timedelta(days=45))
    assert "1 importación falló en los últimos 30 días" in todo_texts(persona_client("admin").get(HOME))
    assert not any("importación" in t for t in todo_texts(persona_client("transparency").get(HOME)))


def test_one_moderation_page_lists_everything_that_waits(
    persona_client: Callable[[str], Client], waiting: dict[str, Any]
) -> None:
    page = persona_client("transparency").get(reverse("plans:moderation")).content.decode()
    assert "Todo lo que espera moderación" in page
    assert "1 comentario por revisar" in page and "2 preguntas por moderar en «Tema sesion»" in page
    assert reverse("participation:dialogue_moderation", args=[waiting["session"].slug]) in page


def test_many_sessions_are_counted_in_bounded_queries(persona_client: Callable[[str], Client], world: World) -> None:
    client = persona_client("transparency")
    for n in range(3):
        Question.objects.create(session=_session(f"s{n}"), text="¿?")
    client.get(HOME)
    with CaptureQueriesContext(connection) as few:
        client.get(HOME)
    for n in range(3, 12):
        Question.objects.create(session=_session(f"s{n}"), text="¿?")
    with CaptureQueriesContext(connection) as many:
        response = client.get(HOME)
    assert len(many.captured_queries) <= len(few.captured_queries) + 1  # the "other sessions" line
    texts = todo_texts(response)
    assert "7 preguntas más por moderar en otras sesiones" in texts
    assert sum(1 for t in texts if "en «Tema" in t) == 5


@pytest.mark.parametrize("persona", PERSONAS)
def test_overdue_milestones_page_permissions(persona: str, persona_client: Callable[[str], Client]) -> None:
    response = persona_client(persona).get(reverse("plans:overdue_milestones"))
    if persona == "anonymous":
        assert response.status_code == 302
    elif persona in ("editor_own", "editor_other", "transparency", "admin"):
        assert response.status_code == 200
        titles = [m.title for m in response.context["page"].object_list]
        expected = {"editor_own": ["Hito de prueba"], "editor_other": ["Hito ajeno"]}
        assert sorted(titles) == sorted(expected.get(persona, ["Hito de prueba", "Hito ajeno"]))
    else:
        assert response.status_code == 403


@pytest.mark.parametrize("persona", ["editor_own", "transparency"])
def test_stale_works_filter_shows_only_their_works(
    persona: str, persona_client: Callable[[str], Client], world: World
) -> None:
    stale = _pending_work(world)
    fresh = make_work(world.own_office, contracts=0, name="Obra al día")
    response = persona_client(persona).get(reverse("works:staff_works") + "?sin_avance=1")
    shown = [w.code for w in response.context["page"].object_list]
    assert shown == [stale.code] and fresh.code not in shown


def test_staff_land_on_the_staff_home_after_signing_in(world: World) -> None:
    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    user = make_user("oficial@example.org", "transparency", world.own_office)
    device = TOTPDevice.objects.create(user=user, name="app", confirmed=True)
    for asked, lands in (("/", HOME), ("", HOME), ("/obras/", "/obras/")):
        client = Client()
        data = {"username": user.email, "password": PASSWORD, "next": asked}
        response = client.post(reverse("accounts:login"), data)
        assert response["Location"] == reverse("accounts:login_token")
        code = str(totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)).zfill(6)
        device.refresh_from_db()
        device.last_t = -1
        device.save()
        response = client.post(reverse("accounts:login_token"), {"token": code})
        assert response.status_code == 302 and response["Location"] == lands, asked
    # A citizen still goes back where they were.
    make_user("vecina@example.org")
    response = Client().post(reverse("accounts:login"), {"username": "vecina@example.org", "password": PASSWORD})
    assert response["Location"] == "/"


def test_the_review_form_starts_at_the_reports_state(persona_client: Callable[[str], Client], world: World) -> None:
    work = make_work(world.own_office, contracts=0)
    new = IrregularityReport.objects.create(work=work, text="Nuevo")
    answered = IrregularityReport.objects.create(
        work=work, text="Viejo", status=IrregularityReport.Status.ANSWERED, answer="Listo"
    )
    client = persona_client("editor_own")
    form = client.get(reverse("works:staff_report", args=[new.pk])).context["review_form"]
    assert form.initial["status"] == IrregularityReport.Status.REVIEWED
    form = client.get(reverse("works:staff_report", args=[answered.pk])).context["review_form"]
    assert form.initial["status"] == IrregularityReport.Status.ANSWERED
