"""Paging in a real browser: the proposal inventory (filter, next page and back, the filter kept in
the address) and a work's progress updates; axe-core on each page, no horizontal scroll at 360 px."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest

from abierta.participation.models import Proposal, WorkingTable
from abierta.participation.tests.factories import make_process
from abierta.works.models import WorkUpdate
from abierta.works.tests.factories import make_work
from factories import World

pytestmark = pytest.mark.browser


def _no_wider_than_360(page: Any) -> None:
    page.set_viewport_size({"width": 360, "height": 740})
    width = page.evaluate("() => document.documentElement.scrollWidth")
    page.set_viewport_size({"width": 1280, "height": 800})
    assert width <= 360, f"{page.url} is {width}px wide at 360px"


def test_paging_the_proposal_inventory(
    live_server: Any,
    transactional_db: None,
    world: World,
    new_context: Callable[..., Any],
    axe: Callable[[Any], None],
) -> None:
    process = make_process(world.plan, "tables")
    table = WorkingTable.objects.create(plan=world.plan, number=1, name="Mesa 1", sector=WorkingTable.Sector.ACADEMIA)
    Proposal.objects.bulk_create(
        Proposal(
            process=process,
            title=f"Propuesta {i:03d}",
            body="Más alumbrado en el barrio",
            channel=Proposal.Channel.IN_PERSON if i % 2 else Proposal.Channel.ONLINE,
            table=table if i % 2 else None,
        )
        for i in range(1, 231)
    )
    page = new_context().new_page()
    page.goto(f"{live_server.url}/plan/{world.plan.slug}/cocreacion/propuestas/")
    nav = page.get_by_role("navigation", name="Páginas")
    assert "Página 1 de 5" in nav.inner_text()
    assert page.locator("tbody tr").count() == 50
    axe(page)
    _no_wider_than_360(page)

    page.select_option("#id_channel", "in_person")
    page.get_by_role("button", name="Filtrar").click()
    page.wait_for_load_state()
    assert "115 propuestas" in page.locator("caption").inner_text()
    assert "Página 1 de 3" in nav.inner_text()

    nav.get_by_role("link", name="Página siguiente").click()
    page.wait_for_load_state()
    assert "channel=in_person" in page.url and "page=2" in page.url
    assert "Página 2 de 3" in nav.inner_text()
    assert page.locator("tbody tr").first.locator("th").inner_text() == "Propuesta 101"
    assert page.locator("#id_channel").input_value() == "in_person"  # the filter is still shown as chosen
    axe(page)
    _no_wider_than_360(page)

    nav.get_by_role("link", name="Página anterior").click()
    page.wait_for_load_state()
    assert "Página 1 de 3" in nav.inner_text() and "channel=in_person" in page.url
    assert (
        page.get_by_role("link", name="Descargar todo (CSV)").get_attribute("href") == "?channel=in_person&format=csv"
    )


def test_paging_a_works_updates(
    live_server: Any, transactional_db: None, new_context: Callable[..., Any], axe: Callable[[Any], None]
) -> None:
    work = make_work(contracts=0)
    for day in range(1, 26):
        WorkUpdate.objects.create(
            work=work,
            date=datetime.date(2024, 1, day),
            physical_progress=Decimal(day),
            financial_progress=Decimal(day),
            text=f"Avance del día {day}",
        )
    page = new_context().new_page()
    page.goto(f"{live_server.url}/o/{work.code}")
    page.get_by_role("link", name="Todos los reportes de avance").click()
    page.wait_for_load_state()
    nav = page.get_by_role("navigation", name="Páginas")
    assert "Página 1 de 2" in nav.inner_text()
    axe(page)
    _no_wider_than_360(page)
    nav.get_by_role("link", name="Página siguiente").click()
    page.wait_for_load_state()
    assert page.locator("article.work-update").count() == 5
    assert "Avance del día 1" in page.locator("main").inner_text()
    axe(page)
    _no_wider_than_360(page)
