"""Public comments in a real browser, with htmx: a refused comment shows its message and keeps the text.

S1: past the per-account limit the form answers 429; htmx swaps in the comments section with the
Spanish message and what was typed, as it does for a 400 (an empty comment).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.utils import translation
from django.utils.translation import gettext

from abierta.plans.models import Comment
from factories import World, make_user
from tests.browser.test_walkthrough import sign_in_with_password

pytestmark = pytest.mark.browser


def test_a_comment_over_the_limit_is_refused_in_place_keeping_the_text(
    live_server: Any, transactional_db: None, world: World, new_context: Callable[..., Any], settings: Any
) -> None:
    settings.ABIERTA_COMMENTS_PER_10_MINUTES = 1
    base = live_server.url
    citizen = make_user("comentarista@example.org")
    url = f"/plan/{world.plan.slug}/compromisos/{world.commitment.code}/"
    page = new_context().new_page()
    sign_in_with_password(page, base, citizen, url)
    page.wait_for_url(base + url)

    page.fill("#comentarios textarea[name=body]", "Primer comentario de la vecina.")
    with page.expect_response(lambda r: r.url.endswith("/comentar/")):
        page.locator("#comentarios button[type=submit]").click()
    page.locator("#comentarios", has_text="Primer comentario de la vecina.").wait_for()

    page.fill("#comentarios textarea[name=body]", "Segundo comentario seguido.")
    with page.expect_response(lambda r: r.url.endswith("/comentar/") and r.status == 429):
        page.locator("#comentarios button[type=submit]").click()
    with translation.override("es-co"):
        message = gettext(
            "You have published many comments in a short time. Wait a few minutes and send it again; "
            "your text is kept below."
        )
    page.locator("#comentarios .error-summary", has_text=message).wait_for()
    assert page.locator("#comentarios textarea[name=body]").input_value() == "Segundo comentario seguido."
    assert "Primer comentario de la vecina." in page.locator("#comentarios").inner_text()
    assert Comment.objects.count() == 1
