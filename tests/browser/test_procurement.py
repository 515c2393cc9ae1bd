"""The annual procurement plans in a real browser, with axe-core (WCAG 2.1 AA): from the list of plans
to a plan, a search by UNSPSC code, and the Feria de la Transparencia where the plan was shown."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

pytestmark = pytest.mark.browser


def test_browse_a_plan_filter_by_unspsc_and_open_a_fair(
    live_server: Any,
    transactional_db: None,
    new_context: Callable[..., Any],
    axe: Callable[[Any], None],
) -> None:
    from abierta.procurement import demo as procurement_demo
    from abierta.procurement.models import Fair
    from abierta.works import demo as works_demo

    works_demo.load_demo()
    plan = procurement_demo.load_demo()
    fair = Fair.objects.get()
    base = live_server.url
    page = new_context().new_page()

    assert page.goto(base + "/plan-anual-de-adquisiciones/").status == 200
    assert page.locator("main h1").count() == 1
    axe(page)

    page.locator(f'main a[href="{plan.get_absolute_url()}"]').click()
    page.wait_for_url(base + plan.get_absolute_url())
    total = len(procurement_demo.LINES)
    assert page.locator("#lineas tbody tr").count() == total
    assert page.locator("main svg.chart").count() == 3
    axe(page)

    # Works contracts: UNSPSC family 7214 (road construction).
    page.locator("input[name=unspsc]").fill("7214")
    page.locator("form.filters button[type=submit]").click()
    page.wait_for_url("**unspsc=7214**")
    rows = page.locator("#lineas tbody tr")
    assert rows.count() == 4
    for i in range(rows.count()):
        assert "7214" in rows.nth(i).locator("td").nth(1).inner_text()
    assert "CO1.PCCNTR." in rows.first.inner_text()  # the contract that carried it out
    axe(page)

    # A wrong code: the message, the code kept, still accessible.
    page.locator("input[name=unspsc]").fill("7x")
    page.locator("form.filters button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator(".error-summary").count() == 1
    assert page.locator("input[name=unspsc]").input_value() == "7x"
    axe(page)

    page.goto(base + plan.get_absolute_url())
    page.locator(f'main a[href="{fair.get_absolute_url()}"]').first.click()
    page.wait_for_url(base + fair.get_absolute_url())
    assert page.locator("main h1").inner_text() == fair.title
    assert page.locator(f'main a[href="{plan.get_absolute_url()}"]').count() == 1
    axe(page)

    for path in ("/feria-de-la-transparencia/", "/en" + plan.get_absolute_url(), "/en/plan-anual-de-adquisiciones/"):
        response = page.goto(base + path)
        assert response.status == 200, path
        axe(page)
