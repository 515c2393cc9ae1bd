"""Hablemos con Transparencia in a real browser, with axe-core on its public pages.

A signed-out visitor asks a question (held for moderation, not shown); a signed-in citizen supports a
published question; the list, the session page with live, answered and published questions, and the
form with its error message all have zero WCAG 2.1 AA violations.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone

from abierta.accounts.models import User
from abierta.participation.dialogue import services as dialogue
from abierta.participation.models import Question
from factories import World, make_user
from tests.browser.test_walkthrough import sign_in_with_password

pytestmark = pytest.mark.browser


def test_dialogue_session_pages(
    live_server: Any,
    transactional_db: None,
    world: World,
    new_context: Callable[..., Any],
    axe: Callable[[Any], None],
) -> None:
    base = live_server.url
    moderator = make_user("moderadora@example.org", User.Role.TRANSPARENCY, world.own_office)
    citizen = make_user("ciudadano@example.org")
    session = dialogue.session_create(
        topic="Contratación pública en las UCG",
        slug="contratacion-ucg",
        starts_at=timezone.now() + datetime.timedelta(days=3),
        plan=world.plan,
        place="Plaza de la Aduana",
        officials="Jefa de la Oficina de Transparencia",
    )
    published = dialogue.question_ask(
        session=session, text="¿Cuándo se publican los contratos de obra?", author=citizen
    )
    dialogue.question_moderate(question=published, action="publish", moderator=moderator)
    live = dialogue.question_ask(session=session, text="¿Quién vigila las interventorías?", author=None)
    dialogue.question_moderate(question=live, action="live", moderator=moderator)
    answered = dialogue.question_ask(session=session, text="¿Hay veedurías en la zona rural?", author=None)
    dialogue.question_moderate(
        question=answered,
        action="answer",
        moderator=moderator,
        answer="Sí: cinco veedurías en los corregimientos.",
        answered_by="Oficina de Transparencia",
    )

    visitor = new_context().new_page()
    visitor.goto(f"{base}/hablemos/")
    axe(visitor)
    visitor.locator(f"main a[href$='/hablemos/{session.slug}/']").first.click()
    visitor.wait_for_url(f"{base}/hablemos/{session.slug}/")
    text = visitor.locator("main").inner_text()
    assert "cinco veedurías" in text and "¿Quién vigila" in text
    axe(visitor)
    # An empty question is refused with a message; a real one is held for moderation. The page's
    # own script (js/pow.js) solves the proof of work in the background, as on the complaint form.
    solved = "() => document.querySelector('form.dialogue-ask input[name=pow]').value !== ''"
    visitor.wait_for_function(solved, timeout=60_000)
    visitor.locator("form.dialogue-ask button[type=submit]").click()
    visitor.wait_for_load_state()
    axe(visitor)
    visitor.fill("textarea[name=text]", "¿Se puede consultar el plan de compras por dependencia?")
    visitor.wait_for_function(solved, timeout=60_000)
    with visitor.expect_navigation():
        visitor.locator("form.dialogue-ask button[type=submit]").click()
    visitor.wait_for_load_state()
    pending = Question.objects.get(text__startswith="¿Se puede consultar")
    assert pending.status == Question.Status.PENDING and pending.anonymous
    visitor.goto(f"{base}/hablemos/{session.slug}/")
    assert "¿Se puede consultar" not in visitor.locator("main").inner_text()

    person = new_context().new_page()
    sign_in_with_password(person, base, citizen, f"/hablemos/{session.slug}/")
    person.wait_for_url(f"{base}/hablemos/{session.slug}/")
    # With JavaScript the support goes through htmx, which swaps in the updated button.
    with person.expect_response(lambda r: r.url.endswith(f"/preguntas/{published.pk}/apoyar/")):
        person.locator(f"form[action$='/preguntas/{published.pk}/apoyar/'] button").click()
    assert published.supports.count() == 1
    axe(person)
