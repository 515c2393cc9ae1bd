"""The Transparency page in a real browser: zero axe-core (WCAG 2.1 AA) violations, Spanish and English.

With an action plan and a development plan, so that every section (3, 4, 6, 7 of Resolución 1519
de 2020, Anexo 2) has its lists and links.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from abierta.development.tests.builders import make_dev_plan

pytestmark = pytest.mark.browser

SECTIONS = ["contratacion", "planeacion", "participa", "datos-abiertos"]


@pytest.mark.parametrize(("path", "lang"), [("/transparencia/", "es-CO"), ("/en/transparencia/", "en")])
def test_transparency_page_has_no_wcag_violations(
    live_server: Any,
    transactional_db: None,
    world: Any,
    new_context: Callable[..., Any],
    axe: Callable[[Any], None],
    path: str,
    lang: str,
) -> None:
    make_dev_plan(world)
    page = new_context().new_page()
    response = page.goto(live_server.url + path)
    assert response.status == 200
    assert page.locator("html").get_attribute("lang") == lang
    assert page.locator("main h1").count() == 1
    for section in SECTIONS:
        assert page.locator(f"main section#{section} h2").is_visible(), section
    axe(page)
