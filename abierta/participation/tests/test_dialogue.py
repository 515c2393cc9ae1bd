"""Hablemos con Transparencia: asking, supporting, ordering and moderating questions."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from abierta.accounts.models import User
from abierta.core import pow
from abierta.participation.dialogue import services as dialogue
from abierta.participation.models import DialogueSession, Question, QuestionSupport
from abierta.participation.tests.factories import question_pow, vote_pow
from factories import World, make_user, sign_in

pytestmark = pytest.mark.django_db
QS = Question.Status


def make_session(world: World | None = None, **kwargs: object) -> DialogueSession:
    defaults: dict[str, object] = {
        "topic": "Contratación en los barrios",
        "slug": "contratacion-barrios",
        "starts_at": timezone.now() + datetime.timedelta(days=7),
        "place": "Plaza de la Aduana",
        "officials": "Ana Pérez, jefa de Transparencia\nLuis Gómez, secretario de Planeación",
        "plan": world.plan if world else None,
    }
    defaults.update(kwargs)
    return dialogue.session_create(**defaults)  # type: ignore[arg-type]


def url(name: str, session: DialogueSession, *args: object) -> str:
    return reverse(f"participation:{name}", args=[session.slug, *args])


def public(session: DialogueSession, text: str, status: str = QS.PUBLISHED, author: User | None = None) -> Question:
    q = dialogue.question_ask(session=session, text=text, author=author)
    q.status = status
    q.save()
    return q


def test_list_shows_upcoming_and_past(client: Client) -> None:
    make_session(topic="Sesión futura", slug="futura")
    make_session(topic="Sesión pasada", slug="pasada", starts_at=timezone.now() - datetime.timedelta(days=30))
    response = client.get(reverse("participation:dialogue_sessions"))
    assert response.status_code == 200
    upcoming = [s.slug for s in response.context["upcoming"]]
    past = [s.slug for s in response.context["past"]]
    assert upcoming == ["futura"]
    assert past == ["pasada"]


def test_session_page_shows_facts(client: Client, world: World) -> None:
    session = make_session(world, stream_url="https://example.org/live")
    response = client.get(url("dialogue_session", session))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Contratación en los barrios" in body
    assert "Plaza de la Aduana" in body
    assert "https://example.org/live" in body
    assert "Luis Gómez, secretario de Planeación" in body
    assert 'name="text"' in body


def test_signed_out_question_is_held_and_never_public(client: Client) -> None:
    session = make_session()
    response = client.post(
        url("dialogue_ask", session), {**question_pow(), "text": "¿Cuándo publican los contratos de la obra?"}
    )
    assert response.status_code == 302
    q = Question.objects.get()
    assert q.status == QS.PENDING
    assert q.author is None and q.anonymous
    page = client.get(url("dialogue_session", session)).content.decode()
    assert "Cuándo publican los contratos" not in page


def test_pending_shown_only_to_its_author(world: World) -> None:
    session = make_session(world)
    author = make_user("autora@example.org", first_name="Marta")
    other = make_user("otra@example.org")
    dialogue.question_ask(session=session, text="¿Qué pasó con el parque del barrio?", author=author)
    mine = sign_in(Client(), author).get(url("dialogue_session", session)).content.decode()
    assert "Qué pasó con el parque" in mine
    assert "awaiting moderation" in mine or "esperando moderación" in mine.lower() or "badge--pending" in mine
    for client in (Client(), sign_in(Client(), other)):
        assert "Qué pasó con el parque" not in client.get(url("dialogue_session", session)).content.decode()


def test_rejected_never_public(client: Client) -> None:
    session = make_session()
    public(session, "Pregunta ofensiva que no se publica", QS.REJECTED)
    assert "Pregunta ofensiva" not in client.get(url("dialogue_session", session)).content.decode()


def test_anonymous_hides_the_name(client: Client) -> None:
    session = make_session()
    author = make_user("visible@example.org", first_name="Visibilia", last_name="Nombrada")
    hidden = make_user("oculta@example.org", first_name="Secretina", last_name="Escondida")
    sign_in(Client(), hidden).post(
        url("dialogue_ask", session),
        {**question_pow(), "text": "¿Quién vigila el contrato del puente?", "anonymous": "on"},
    )
    sign_in(Client(), author).post(
        url("dialogue_ask", session), {**question_pow(), "text": "¿Cuánto costó la obra del mercado?"}
    )
    Question.objects.update(status=QS.PUBLISHED)
    assert Question.objects.get(author=hidden).anonymous
    body = client.get(url("dialogue_session", session)).content.decode()
    assert "Quién vigila el contrato del puente" in body
    assert "Secretina" not in body and "Escondida" not in body
    assert "Visibilia Nombrada" in body


def test_bad_question_keeps_text_and_writes_nothing(client: Client) -> None:
    session = make_session()
    response = client.post(url("dialogue_ask", session), {**question_pow(), "text": "corta"})
    assert response.status_code == 400
    assert "corta" in response.content.decode()
    assert not Question.objects.exists()
    too_long = "¿" + "a" * 1200 + "?"
    response = client.post(url("dialogue_ask", session), {**question_pow(), "text": too_long})
    assert response.status_code == 400
    assert not Question.objects.exists()


def test_ask_closed_session_is_403(client: Client) -> None:
    session = make_session(questions_open=False)
    response = client.post(
        url("dialogue_ask", session), {**question_pow(), "text": "¿Sigue abierta la sesión de preguntas?"}
    )
    assert response.status_code == 403
    assert not Question.objects.exists()


def test_support_once_per_person(persona_client: Callable[[str], Client]) -> None:
    session = make_session()
    q = public(session, "¿Cuándo empieza la obra del canal?")
    client = persona_client("citizen")
    for _ in range(3):
        response = client.post(url("dialogue_support", session, q.pk))
        assert response.status_code == 302
    assert QuestionSupport.objects.filter(question=q).count() == 1
    user = User.objects.get(email="citizen@example.org")
    assert dialogue.question_support(question=q, user=user) is False


def test_support_htmx_gets_fragment(persona_client: Callable[[str], Client]) -> None:
    session = make_session()
    q = public(session, "¿Cuándo empieza la obra del canal?")
    response = persona_client("citizen").post(url("dialogue_support", session, q.pk), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    body = response.content.decode()
    assert "<html" not in body
    assert f'id="apoyo-{q.pk}"' in body
    assert ">1<" in body


def test_support_only_on_public_open_questions(persona_client: Callable[[str], Client]) -> None:
    session = make_session()
    pending = dialogue.question_ask(session=session, text="Pendiente de moderación", author=None)
    answered = public(session, "Ya respondida", QS.ANSWERED)
    rejected = public(session, "Rechazada", QS.REJECTED)
    client = persona_client("citizen")
    assert client.post(url("dialogue_support", session, pending.pk)).status_code == 404
    assert client.post(url("dialogue_support", session, rejected.pk)).status_code == 404
    assert client.post(url("dialogue_support", session, answered.pk)).status_code == 403
    assert not QuestionSupport.objects.exists()


def test_unconfirmed_email_cannot_support() -> None:
    session = make_session()
    q = public(session, "¿Cuándo empieza la obra del canal?")
    client = sign_in(Client(), make_user("sin-confirmar@example.org", verified_email=False))
    assert client.post(url("dialogue_support", session, q.pk)).status_code == 403
    assert not QuestionSupport.objects.exists()


def test_ordering_live_shortlisted_then_supports() -> None:
    session = make_session()
    low = public(session, "Publicada con un apoyo")
    high = public(session, "Publicada con tres apoyos")
    short = public(session, "Preseleccionada", QS.SHORTLISTED)
    live = public(session, "En vivo", QS.LIVE)
    answered = public(session, "Respondida", QS.ANSWERED)
    users = [make_user(f"u{i}@example.org") for i in range(3)]
    for u in users:
        dialogue.question_support(question=high, user=u)
    dialogue.question_support(question=low, user=users[0])
    ordered = [q.pk for q in dialogue.public_questions(session)]
    assert ordered == [live.pk, short.pk, high.pk, low.pk, answered.pk]
    response = Client().get(url("dialogue_session", session))
    assert [q.pk for q in response.context["open_questions"]] == [live.pk, short.pk, high.pk, low.pk]
    assert [q.pk for q in response.context["answered"]] == [answered.pk]


def test_answered_question_shows_answer_and_commitment(client: Client, world: World) -> None:
    session = make_session(world)
    q = public(session, "¿Qué hará la Alcaldía con las JAC?")
    moderator = make_user("mod@example.org", User.Role.TRANSPARENCY, world.own_office)
    dialogue.question_moderate(
        question=q, action="answer", moderator=moderator, answer="Las formaremos en SECOP II.", answered_by="Ana Pérez"
    )
    dialogue.question_link_commitment(question=q, commitment=world.commitment)
    body = client.get(url("dialogue_session", session)).content.decode()
    assert "Las formaremos en SECOP II." in body
    assert "Ana Pérez" in body
    assert world.commitment.get_absolute_url() in body


def test_minutes_shown_when_published(client: Client) -> None:
    session = make_session()
    assert "Acta de prueba del día" not in client.get(url("dialogue_session", session)).content.decode()
    dialogue.session_minutes_set(session=session, minutes="Acta de prueba del día")
    assert "Acta de prueba del día" in client.get(url("dialogue_session", session)).content.decode()


# Moderation through the pages


@pytest.fixture
def moderator(persona_client: Callable[[str], Client]) -> Client:
    return persona_client("transparency")


def test_moderation_queue_pending_first(world: World, moderator: Client) -> None:
    session = make_session(world)
    published = public(session, "Ya publicada")
    pending = dialogue.question_ask(session=session, text="Esperando moderación", author=None)
    response = moderator.get(url("dialogue_moderation", session))
    assert response.status_code == 200
    assert [q.pk for q in response.context["questions"]] == [pending.pk, published.pk]


def test_moderation_actions(world: World, moderator: Client) -> None:
    session = make_session(world)
    q = dialogue.question_ask(session=session, text="¿Cuándo rinden cuentas?", author=None)

    def act(action: str, data: dict[str, str] | None = None) -> int:
        return moderator.post(url(f"dialogue_question_{action}", session, q.pk), data or {}).status_code

    assert act("publish") == 302
    q.refresh_from_db()
    assert q.status == QS.PUBLISHED
    assert act("shortlist") == 302
    q.refresh_from_db()
    assert q.status == QS.SHORTLISTED
    assert act("live") == 302
    q.refresh_from_db()
    assert q.status == QS.LIVE
    assert (
        act("answer", {f"q{q.pk}-answer": "En noviembre.", f"q{q.pk}-answered_by": "Ana Pérez, Transparencia"}) == 302
    )
    q.refresh_from_db()
    assert (q.status, q.answer, q.answered_by) == (QS.ANSWERED, "En noviembre.", "Ana Pérez, Transparencia")
    response = moderator.post(
        url("dialogue_question_commitment", session, q.pk), {f"q{q.pk}-commitment": world.commitment.pk}
    )
    assert response.status_code == 302
    q.refresh_from_db()
    assert q.commitment == world.commitment
    # Answered questions can no longer be rejected or marked live.
    assert act("reject", {f"q{q.pk}-reason": "tarde"}) == 400
    assert act("live") == 400
    q.refresh_from_db()
    assert q.status == QS.ANSWERED


def test_reject_needs_reason_and_keeps_input(world: World, moderator: Client) -> None:
    session = make_session(world)
    q = dialogue.question_ask(session=session, text="Pregunta con datos personales", author=None)
    response = moderator.post(url("dialogue_question_reject", session, q.pk), {f"q{q.pk}-reason": ""})
    assert response.status_code == 400
    q.refresh_from_db()
    assert q.status == QS.PENDING
    response = moderator.post(url("dialogue_question_reject", session, q.pk), {f"q{q.pk}-reason": "Datos personales"})
    assert response.status_code == 302
    q.refresh_from_db()
    assert (q.status, q.moderation_note) == (QS.REJECTED, "Datos personales")


def test_answer_needs_both_fields_and_keeps_input(world: World, moderator: Client) -> None:
    session = make_session(world)
    q = public(session, "¿Cuándo rinden cuentas?")
    response = moderator.post(
        url("dialogue_question_answer", session, q.pk),
        {f"q{q.pk}-answer": "Texto que no se pierde", f"q{q.pk}-answered_by": ""},
    )
    assert response.status_code == 400
    assert "Texto que no se pierde" in response.content.decode()
    q.refresh_from_db()
    assert (q.status, q.answer) == (QS.PUBLISHED, "")


def test_commitment_of_another_plan_is_refused(world: World, moderator: Client) -> None:
    session = make_session()  # no plan: nothing can be linked
    q = public(session, "¿Cuándo rinden cuentas?")
    response = moderator.post(
        url("dialogue_question_commitment", session, q.pk), {f"q{q.pk}-commitment": world.commitment.pk}
    )
    assert response.status_code == 400
    q.refresh_from_db()
    assert q.commitment is None


def test_create_and_edit_session(world: World, moderator: Client) -> None:
    data = {
        "topic": "Rendición de cuentas 2024",
        "slug": "rendicion-2024",
        "description": "",
        "starts_at": "2030-05-10T09:30",
        "place": "",
        "stream_url": "https://example.org/vivo",
        "officials": "Ana Pérez",
        "questions_open": "on",
    }
    response = moderator.post(reverse("participation:dialogue_session_new"), data)
    assert response.status_code == 302
    session = DialogueSession.objects.get(slug="rendicion-2024")
    assert session.plan == world.plan
    assert timezone.localtime(session.starts_at).hour == 9
    assert str(timezone.localtime(session.starts_at).tzinfo) == "America/Bogota"
    response = moderator.post(url("dialogue_session_edit", session), {**data, "topic": "Rendición de cuentas"})
    assert response.status_code == 302
    session.refresh_from_db()
    assert session.topic == "Rendición de cuentas"


def test_bad_session_form_keeps_input(moderator: Client) -> None:
    data = {
        "topic": "Tema que se conserva",
        "slug": "gestion",
        "starts_at": "no es fecha",
        "place": "",
        "stream_url": "",
    }
    response = moderator.post(reverse("participation:dialogue_session_new"), data)
    assert response.status_code == 400
    assert "Tema que se conserva" in response.content.decode()
    assert not DialogueSession.objects.exists()


def test_publish_minutes(world: World, moderator: Client) -> None:
    session = make_session(world)
    response = moderator.post(url("dialogue_minutes", session), {"minutes": "Asistieron 40 personas."})
    assert response.status_code == 302
    session.refresh_from_db()
    assert session.minutes == "Asistieron 40 personas."


def _es(msgid: str) -> str:
    with translation.override("es-co"):
        return gettext(msgid)


@pytest.mark.parametrize("case", ["missing", "forged", "other-form", "wrong-answer"])
def test_question_without_proof_of_work_refused_and_kept(case: str, client: Client, settings: Any) -> None:
    """S2: an anonymous question needed nothing but the text, so a script could flood the queue."""
    settings.ABIERTA_POW_NOJS_WAIT_SECONDS = 60
    session = make_session()
    text = "¿Cuándo publican los contratos de la obra?"
    if case == "missing":
        proof: dict[str, str] = {}
    elif case == "forged":
        proof = {"challenge": "v1.1.abc.1.deadbeef", "pow": "0"}
    elif case == "other-form":
        proof = vote_pow()
    else:
        challenge = pow.issue("dialogue-question", bits=20)
        answer = int(pow.solve(challenge))
        wrong = next(n for n in range(answer + 1, answer + 100000) if not pow.holds(challenge, str(n), 20))
        proof = {"challenge": challenge, "pow": str(wrong)}
    response = client.post(url("dialogue_ask", session), {"text": text, **proof})
    assert response.status_code == 400
    page = response.content.decode()
    assert text in page
    assert any(
        _es(m) in page
        for m in (
            "This form expired or could not be verified. What you typed is kept below: please send it again.",
            "Your browser could not finish the anti-abuse check. What you typed is kept below: please send it again.",
        )
    )
    assert not Question.objects.exists()
    # The page carries a fresh challenge for this form, and the script that solves it.
    assert 'name="challenge"' in page and "js/pow.js" in page


def test_question_proof_of_work_is_single_use(client: Client) -> None:
    """S2: one solved challenge sends one question."""
    session = make_session()
    proof = question_pow()
    assert client.post(url("dialogue_ask", session), {"text": "¿Primera pregunta válida?", **proof}).status_code == 302
    response = client.post(url("dialogue_ask", session), {"text": "¿Segunda pregunta igual?", **proof})
    assert response.status_code == 400
    assert "¿Segunda pregunta igual?" in response.content.decode()
    assert Question.objects.count() == 1


def test_questions_limited_per_network_address(client: Client, settings: Any) -> None:
    """S2: at most ABIERTA_DIALOGUE_QUESTIONS_PER_SOURCE_PER_HOUR questions an hour from one address."""
    settings.ABIERTA_DIALOGUE_QUESTIONS_PER_SOURCE_PER_HOUR = 3
    session = make_session()
    for n in range(3):
        response = client.post(url("dialogue_ask", session), {"text": f"¿Pregunta número {n}?", **question_pow()})
        assert response.status_code == 302
    response = client.post(url("dialogue_ask", session), {"text": "¿Una pregunta de más?", **question_pow()})
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    page = response.content.decode()
    assert "¿Una pregunta de más?" in page
    message = _es(
        "Many questions were sent from your network in the last hour. Try again in %(minutes)d minutes; "
        "what you typed is kept below."
    ).split("%(minutes)d")[0]
    assert message in page
    assert Question.objects.count() == 3
    # Another address is not affected.
    other = Client(REMOTE_ADDR="192.0.2.77")
    response = other.post(url("dialogue_ask", session), {"text": "¿Desde otra red?", **question_pow()})
    assert response.status_code == 302


# Pages ------------------------------------------------------------------------------------


def test_session_questions_page_by_twenty_and_headings_count_them_all(client: Client, world: World) -> None:
    session = make_session(world)
    for i in range(23):
        public(session, f"Pregunta abierta {i:02d}")
    for i in range(4):
        public(session, f"Pregunta respondida {i}", status=QS.ANSWERED)
    first = client.get(url("dialogue_session", session))
    html = first.content.decode()
    assert len(first.context["open_questions"]) == 20 and first.context["answered"] == []
    assert "23 preguntas" in html and "Página 1 de 2" in html
    assert 'href="?page=2"' in html
    second = client.get(url("dialogue_session", session), {"page": "2"})
    assert len(second.context["open_questions"]) == 3 and len(second.context["answered"]) == 4
    assert "4 preguntas respondidas" in second.content.decode()
    # A page beyond the last shows the last; a page that is not a number, the first.
    assert client.get(url("dialogue_session", session), {"page": "9"}).context["page"].number == 2
    assert client.get(url("dialogue_session", session), {"page": "x"}).context["page"].number == 1


def test_past_sessions_page(client: Client) -> None:
    for i in range(22):
        make_session(slug=f"pasada-{i}", starts_at=timezone.now() - datetime.timedelta(days=30 + i))
    first = client.get(reverse("participation:dialogue_sessions"))
    assert len(first.context["past"]) == 20
    second = client.get(reverse("participation:dialogue_sessions"), {"page": "2"})
    assert [s.slug for s in second.context["past"]] == ["pasada-20", "pasada-21"]


def test_moderation_form_refused_on_page_two_comes_back_on_page_two(world: World, moderator: Client) -> None:
    session = make_session(world)
    questions = [dialogue.question_ask(session=session, text=f"Pregunta {i}", author=None) for i in range(22)]
    last = questions[-1]
    page = moderator.get(url("dialogue_moderation", session), {"page": "2"})
    action = url("dialogue_question_reject", session, last.pk) + "?page=2"
    assert f'action="{action}"' in page.content.decode()
    refused = moderator.post(action, {f"q{last.pk}-reason": ""})
    assert refused.status_code == 400
    assert refused.context["page"].number == 2
    assert last.pk in [q.pk for q in refused.context["questions"]]
    done = moderator.post(action, {f"q{last.pk}-reason": "Datos personales"})
    assert done["Location"] == url("dialogue_moderation", session) + f"?page=2#pregunta-{last.pk}"


def test_support_from_page_two_comes_back_to_page_two(world: World, persona_client: Callable[[str], Client]) -> None:
    session = make_session(world)
    questions = [public(session, f"Pregunta {i:02d}") for i in range(21)]
    last = questions[-1]
    client = persona_client("citizen")
    page = client.get(url("dialogue_session", session), {"page": "2"}).content.decode()
    action = url("dialogue_support", session, last.pk) + "?page=2"
    assert f'action="{action}"' in page
    response = client.post(action)
    assert response["Location"] == url("dialogue_session", session) + f"?page=2#pregunta-{last.pk}"
