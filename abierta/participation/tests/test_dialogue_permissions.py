"""Hablemos con Transparencia: every staff URL and the ask/support actions, for every persona.

Expectations are written by hand from ``abierta.participation.access`` (``may_ask``,
``may_support_question``, ``may_moderate``), not computed from it. ``LOGIN`` = 302 to the sign-in
page; ``DONE`` = 302 elsewhere (the action was carried out); a number = that status. Empty POSTs to
the moderator's forms answer 400 when the persona may use them. A refused request writes nothing.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from abierta.accounts.models import User
from abierta.participation.dialogue import services as dialogue
from abierta.participation.models import DialogueSession, Question, QuestionSupport
from abierta.participation.tests.factories import question_pow
from factories import PERSONAS, World, make_user

pytestmark = pytest.mark.django_db

LOGIN = "login"
DONE = "done"
QS = Question.Status

_STAFF_GET = (LOGIN, 403, 403, 403, 403, 200, 403, 403)
_STAFF_FORM = (LOGIN, 403, 403, 403, 403, 400, 403, 403)
_STAFF_DONE = (LOGIN, 403, 403, 403, 403, DONE, 403, 403)
_POST_ONLY = (405,) * 8

# Columns: anonymous, citizen, editor_own, editor_other, monitor, transparency, committee, admin.
MATRIX: dict[tuple[str, str], tuple[Any, ...]] = {
    ("GET", "manage"): _STAFF_GET,
    ("POST", "manage"): _STAFF_GET,
    ("GET", "session_new"): _STAFF_GET,
    ("POST", "session_new"): _STAFF_FORM,
    ("GET", "session_edit"): _STAFF_GET,
    ("POST", "session_edit"): _STAFF_FORM,
    ("GET", "minutes"): _STAFF_GET,
    ("POST", "minutes"): _STAFF_DONE,
    ("GET", "moderation"): _STAFF_GET,
    ("GET", "publish"): _POST_ONLY,
    ("POST", "publish"): _STAFF_DONE,
    ("POST", "reject"): _STAFF_FORM,
    ("POST", "reject_with_reason"): _STAFF_DONE,
    ("POST", "shortlist"): _STAFF_DONE,
    ("POST", "live"): _STAFF_DONE,
    ("POST", "answer"): _STAFF_FORM,
    ("POST", "answer_filled"): _STAFF_DONE,
    ("POST", "commitment"): _STAFF_DONE,
    # Anyone may ask while questions are open (held for moderation); nobody once they close.
    ("GET", "ask"): _POST_ONLY,
    ("POST", "ask"): (DONE,) * 8,
    ("POST", "ask_closed"): (403,) * 8,
    # Support: signed in with a confirmed email (staff are citizens too), while questions are open.
    ("POST", "support"): (LOGIN, DONE, DONE, DONE, DONE, DONE, DONE, DONE),
    ("POST", "support_closed"): (LOGIN, 403, 403, 403, 403, 403, 403, 403),
    # Public pages.
    ("GET", "list"): (200,) * 8,
    ("GET", "session"): (200,) * 8,
}

CASES = [
    pytest.param(method, name, persona, expected[i], id=f"{method}-{name}-{persona}")
    for (method, name), expected in MATRIX.items()
    for i, persona in enumerate(PERSONAS)
]


def test_matrix_covers_every_persona() -> None:
    assert PERSONAS == [
        "anonymous",
        "citizen",
        "editor_own",
        "editor_other",
        "monitor",
        "transparency",
        "committee",
        "admin",
    ]
    assert all(len(row) == len(PERSONAS) for row in MATRIX.values())


class Setup:
    def __init__(self, world: World) -> None:
        start = timezone.now() + datetime.timedelta(days=7)
        self.open = dialogue.session_create(
            plan=world.plan, topic="Sesión abierta", slug="abierta", starts_at=start, place="Aduana"
        )
        self.closed = dialogue.session_create(
            plan=world.plan,
            topic="Sesión cerrada",
            slug="cerrada",
            starts_at=start,
            place="Aduana",
            questions_open=False,
        )
        self.pending = dialogue.question_ask(session=self.open, text="Pendiente", author=None)
        self.published = self._public(self.open, "Publicada")
        self.published_closed = self._public(self.closed, "Publicada en sesión cerrada")
        self.commitment = world.commitment

    @staticmethod
    def _public(session: DialogueSession, text: str) -> Question:
        q = dialogue.question_ask(session=session, text=text, author=None)
        q.status = QS.PUBLISHED
        q.save()
        return q

    def url(self, name: str) -> str:
        o, p, pub = self.open.slug, self.pending.pk, self.published.pk
        urls = {
            "manage": reverse("participation:dialogue_manage"),
            "session_new": reverse("participation:dialogue_session_new"),
            "session_edit": reverse("participation:dialogue_session_edit", args=[o]),
            "minutes": reverse("participation:dialogue_minutes", args=[o]),
            "moderation": reverse("participation:dialogue_moderation", args=[o]),
            "publish": reverse("participation:dialogue_question_publish", args=[o, p]),
            "reject": reverse("participation:dialogue_question_reject", args=[o, p]),
            "reject_with_reason": reverse("participation:dialogue_question_reject", args=[o, p]),
            "shortlist": reverse("participation:dialogue_question_shortlist", args=[o, pub]),
            "live": reverse("participation:dialogue_question_live", args=[o, pub]),
            "answer": reverse("participation:dialogue_question_answer", args=[o, pub]),
            "answer_filled": reverse("participation:dialogue_question_answer", args=[o, pub]),
            "commitment": reverse("participation:dialogue_question_commitment", args=[o, pub]),
            "ask": reverse("participation:dialogue_ask", args=[o]),
            "ask_closed": reverse("participation:dialogue_ask", args=[self.closed.slug]),
            "support": reverse("participation:dialogue_support", args=[o, pub]),
            "support_closed": reverse(
                "participation:dialogue_support", args=[self.closed.slug, self.published_closed.pk]
            ),
            "list": reverse("participation:dialogue_sessions"),
            "session": reverse("participation:dialogue_session", args=[o]),
        }
        return urls[name]

    def data(self, name: str) -> dict[str, Any]:
        p, pub = self.pending.pk, self.published.pk
        data: dict[str, dict[str, Any]] = {
            "reject_with_reason": {f"q{p}-reason": "Datos personales"},
            "answer_filled": {f"q{pub}-answer": "Respuesta", f"q{pub}-answered_by": "Ana Pérez"},
            "commitment": {f"q{pub}-commitment": self.commitment.pk},
            "ask": {"text": "¿Cuándo se publica el informe?", **question_pow()},
            "ask_closed": {"text": "¿Cuándo se publica el informe?", **question_pow()},
            "minutes": {"minutes": "Acta"},
        }
        return data.get(name, {})

    def fingerprint(self) -> tuple[Any, ...]:
        return (
            DialogueSession.objects.count(),
            list(DialogueSession.objects.order_by("pk").values_list("topic", "slug", "minutes", "questions_open")),
            list(Question.objects.order_by("pk").values_list("status", "moderation_note", "answer", "commitment")),
            QuestionSupport.objects.count(),
        )


@pytest.mark.parametrize(("method", "name", "persona", "expected"), CASES)
def test_permission(
    method: str, name: str, persona: str, expected: Any, world: World, persona_client: Callable[[str], Client]
) -> None:
    setup = Setup(world)
    client = persona_client(persona)
    url = setup.url(name)
    before = setup.fingerprint()
    response = client.get(url) if method == "GET" else client.post(url, setup.data(name))
    if expected == LOGIN:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))
    elif expected == DONE:
        assert response.status_code == 302
        assert not response["Location"].startswith(reverse("accounts:login"))
        assert setup.fingerprint() != before
        return
    else:
        assert response.status_code == expected
    assert setup.fingerprint() == before


@pytest.mark.parametrize("role", [User.Role.TRANSPARENCY, User.Role.ADMIN])
def test_moderator_without_second_factor_is_refused(world: World, role: str) -> None:
    setup = Setup(world)
    client = Client()
    client.force_login(make_user(f"sin2fa-{role}@example.org", role, world.own_office))
    for name in ("manage", "moderation", "session_new", "minutes"):
        assert client.get(setup.url(name)).status_code == 403
    before = setup.fingerprint()
    assert client.post(setup.url("publish")).status_code == 403
    assert setup.fingerprint() == before


def test_moderator_sees_the_staff_links(world: World, persona_client: Callable[[str], Client]) -> None:
    setup = Setup(world)
    staff = persona_client("transparency").get(setup.url("session")).content.decode()
    assert setup.url("moderation") in staff
    for persona in ("anonymous", "citizen", "editor_own", "admin"):
        assert setup.url("moderation") not in persona_client(persona).get(setup.url("session")).content.decode()
