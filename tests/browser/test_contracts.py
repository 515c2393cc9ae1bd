"""Contracts in a real browser, with axe-core (WCAG 2.1 AA): search, open a contract, the red flags
page; and a search typed wrong keeps what was typed and says why."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest

pytestmark = pytest.mark.browser


def test_search_open_a_contract_and_read_its_flags(
    live_server: Any,
    transactional_db: None,
    new_context: Callable[..., Any],
    axe: Callable[[Any], None],
) -> None:
    from abierta.contracting.redflags import refresh_flags
    from abierta.contracting.tests.factories import make_contract
    from abierta.contracting.text import search_document

    for i in range(12):
        title = f"Prestación de servicios profesionales {i}"
        make_contract(
            title=title,
            procurement_method="direct",
            modality="Contratación directa",
            value=Decimal(10_000_000 + i),
            signed_on=datetime.date(2023, 12, 1 + i),
            year=2023,
            search_document=search_document(title, "Constructora Ejemplo S.A.S.", "Alcaldía de Cartagena"),
        )
    title = "Pavimentación de la vía a Pasacaballos"
    target = make_contract(
        title=title,
        bidders=1,
        value_added=Decimal(600_000_000),
        search_document=search_document(title, "Consorcio Vías del Caribe", "Alcaldía de Cartagena"),
        supplier_name="Consorcio Vías del Caribe",
    )
    refresh_flags()
    base = live_server.url
    page = new_context().new_page()

    assert page.goto(base + "/contratos/").status == 200
    assert page.locator("main h1").count() == 1
    assert page.locator("main table.contract-table tbody tr").count() == 13
    axe(page)

    # A search typed in the form, answered without JavaScript's help.
    page.fill("#id_q", "pavimentacion")
    page.select_option("#id_orden", "-valor")
    page.locator("main form.contract-search button[type=submit]").click()
    page.wait_for_url("**/contratos/?*q=pavimentacion*")
    assert page.locator("main table.contract-table tbody tr").count() == 1
    axe(page)

    page.locator(f'main a[href="/contratos/{target.ocid}/"]').click()
    page.wait_for_url(f"**/contratos/{target.ocid}/")
    assert page.locator("main h1").inner_text().endswith(target.contract_id)
    assert page.locator(".flag--raised").count() >= 2
    assert page.locator(".flag--not_evaluable").count() >= 1
    axe(page)

    assert page.goto(base + "/contratos/alertas/").status == 200
    assert page.locator("main table").count() >= 2
    axe(page)

    # Bad input: a 400 page that says why, keeps what was typed, and is accessible too.
    response = page.goto(base + "/contratos/?valor_min=mucho&q=parques")
    assert response.status == 400
    assert page.locator(".error-summary").count() == 1
    assert page.input_value("#id_valor_min") == "mucho"
    assert page.input_value("#id_q") == "parques"
    axe(page)

    assert page.goto(base + "/en/contratos/").status == 200
    axe(page)
