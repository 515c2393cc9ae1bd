"""Contracts in a real browser, with axe-core (WCAG 2.1 AA): search, open a contract, the red flags
page; a search typed wrong keeps what was typed and says why; a transparency officer imports a
SECOP II file from the staff area and reads its report, on a phone's width too."""

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


def _no_wider_than_360(page: Any) -> None:
    """At 360 CSS pixels the page scrolls only vertically (wide tables scroll inside their box)."""
    page.set_viewport_size({"width": 360, "height": 740})
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 360, f"{page.url} is {width}px wide at 360px"
    page.set_viewport_size({"width": 1280, "height": 900})


def test_transparency_officer_imports_a_secop_file(
    live_server: Any,
    transactional_db: None,
    new_context: Callable[..., Any],
    axe: Callable[[Any], None],
) -> None:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from abierta.accounts.models import User
    from abierta.contracting.models import Contract
    from abierta.contracting.tests.factories import CSV
    from abierta.core.models import Institution
    from factories import make_user
    from tests.browser.test_walkthrough import current_code, sign_in_with_password, submit

    office = Institution.objects.create(name="Grupo Asesor de Transparencia", slug="transparencia")
    officer = make_user("transparencia@example.org", User.Role.TRANSPARENCY, office)
    device = TOTPDevice.objects.create(user=officer, name="Teléfono", confirmed=True)
    base = live_server.url
    page = new_context().new_page()
    sign_in_with_password(page, base, officer, "/gestion/")
    page.wait_for_url(base + "/cuenta/ingresar/codigo/")
    page.fill("#id_token", current_code(device))
    submit(page)
    page.wait_for_url(base + "/gestion/")

    # From the staff home to the page, which says what it takes.
    page.locator('main a[href="/gestion/contratos/importar/"]').first.click()
    page.wait_for_url(base + "/gestion/contratos/importar/")
    assert "60,0" in page.locator("#id_file_helptext").inner_text()
    axe(page)
    _no_wider_than_360(page)

    # Without choosing what the file holds: the message is next to the question.
    page.set_input_files("#id_file", str(CSV))
    page.locator("main form button[type=submit]").last.click()
    page.locator(".error-summary[role=alert]").wait_for()
    assert "obligatorio" in page.locator("#id_kind .field__errors").inner_text()
    assert not Contract.objects.exists()
    axe(page)

    # The SECOP II export with two wrong rows: the report names their lines; the others are kept.
    page.check("#id_kind_0")
    page.set_input_files("#id_file", str(CSV))
    page.locator("main form button[type=submit]").last.click()
    page.wait_for_url("**/gestion/contratos/importar/*/")
    report = page.locator("main [role=status]").first
    text = report.inner_text()
    assert "Línea 10: valor_del_contrato no es un número" in text and "Línea 11:" in text
    assert Contract.objects.count() == 8
    axe(page)
    _no_wider_than_360(page)

    # The list of imports, with this one.
    page.goto(base + "/gestion/contratos/importar/")
    assert page.locator("main table tbody tr").count() == 1
    assert "contratos" in page.locator("main table tbody tr").first.inner_text()
    axe(page)
    _no_wider_than_360(page)


def test_search_with_a_phrase_and_a_minus_word_on_a_phone(
    live_server: Any,
    transactional_db: None,
    new_context: Callable[..., Any],
    axe: Callable[[Any], None],
) -> None:
    """What the search box's hint promises, on whichever database runs the tests: a quoted phrase,
    a word left out with a minus sign, any accents; the best match first."""
    from abierta.contracting.tests.factories import make_contract
    from abierta.contracting.text import search_document

    titles = [
        "Mantenimiento de parques en Bocagrande",
        "Parques: mantenimiento y zonas verdes en Manga",
        "Mantenimiento de vías en Manga",
        "Mantenimiento de parques infantiles en El Pozón",
        "Mantenimiento de parques y mantenimiento de parques infantiles en Crespo",
    ]
    for i, title in enumerate(titles):
        make_contract(
            title=title,
            signed_on=datetime.date(2024, 1, 1 + i),
            search_document=search_document(title, "Jardines Núñez S.A.S.", "Alcaldía de Cartagena"),
        )
    page = new_context().new_page()
    assert page.goto(live_server.url + "/contratos/").status == 200
    page.fill("#id_q", '"mantenimiento de parques" -bocagrande')
    page.locator("main form.contract-search button[type=submit]").click()
    page.wait_for_url("**/contratos/?*q=*")
    rows = page.locator("main table.contract-table tbody tr")
    assert rows.count() == 2
    assert "Crespo" in rows.nth(0).inner_text()  # ranked by relevance: the phrase twice
    assert "Pozón" in rows.nth(1).inner_text()
    assert "zonas verdes" not in page.locator("main table.contract-table").inner_text()  # not the phrase
    assert page.input_value("#id_q") == '"mantenimiento de parques" -bocagrande'
    axe(page)
    _no_wider_than_360(page)

    # Accents and case do not matter; a word nobody used finds nothing, and the page says so.
    assert page.goto(live_server.url + "/contratos/?q=V%C3%8DAS+-parques").status == 200
    assert rows.count() == 1 and "Mantenimiento de vías en Manga" in rows.nth(0).inner_text()
    assert page.goto(live_server.url + "/contratos/?q=%22infantiles+en+Bocagrande%22").status == 200
    assert rows.count() == 0
    assert "Ningún contrato coincide con esta búsqueda." in page.locator("main").inner_text()
    axe(page)
