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
    from abierta.contracting import demo as contracting_demo
    from abierta.procurement import demo as procurement_demo
    from abierta.procurement.models import Fair, ProcurementPlan

    contracting_demo.load(offices={}, users={})
    procurement_demo.load(offices={}, users={})
    plan = ProcurementPlan.objects.get()
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


def test_transparency_officer_creates_a_fair_and_uploads_a_plan(
    live_server: Any,
    transactional_db: None,
    new_context: Callable[..., Any],
    axe: Callable[[Any], None],
    tmp_path: Any,
) -> None:
    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from abierta.accounts.models import User
    from abierta.core.models import Institution
    from abierta.procurement.models import Fair, ProcurementPlan
    from abierta.procurement.tests.helpers import make_paa, paa_row
    from factories import PASSWORD, make_user

    office = Institution.objects.create(name="Grupo Asesor de Transparencia", slug="transparencia")
    officer = make_user("transparencia@example.org", User.Role.TRANSPARENCY, office)
    device = TOTPDevice.objects.create(user=officer, name="Teléfono", confirmed=True)
    base = live_server.url
    page = new_context().new_page()
    upload_url = "/gestion/plan-anual-de-adquisiciones/importar/"
    page.goto(f"{base}/cuenta/ingresar/?next={upload_url}")
    page.fill("#id_username", officer.email)
    page.fill("#id_password", PASSWORD)
    page.locator("main form button[type=submit]").last.click()
    page.wait_for_url(base + "/cuenta/ingresar/codigo/")
    page.fill("#id_token", str(totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)).zfill(6))
    page.locator("main form button[type=submit]").last.click()
    page.wait_for_url(base + upload_url)
    axe(page)

    # Upload a PAA with one wrong row: the report names its line.
    path = make_paa(tmp_path / "paa.xlsx", [paa_row(), paa_row(c2="Marzi")])
    page.set_input_files("#id_file", str(path))
    page.fill("#id_entity", "Alcaldía Distrital de Cartagena de Indias")
    page.fill("#id_nit", "890480184")
    page.fill("#id_year", "2026")
    page.locator("main form button[type=submit]").last.click()
    page.wait_for_load_state()
    report = page.locator("main [role=status]").first
    assert "Marzi" in report.inner_text()
    plan = ProcurementPlan.objects.get()
    assert plan.lines.count() == 1
    axe(page)

    # A fair, first without its place: the message, and what was typed stays.
    page.goto(base + "/gestion/feria-de-la-transparencia/nueva/")
    page.fill("#id_title", "Feria de la Transparencia 2026")
    page.fill("#id_date", "2026-03-14T09:00")
    page.check(f"#id_plans input[value='{plan.pk}']")
    page.locator("main form button[type=submit]").last.click()
    page.locator(".error-summary[role=alert]").wait_for()
    assert page.locator("#id_title").input_value() == "Feria de la Transparencia 2026"
    assert not Fair.objects.exists()
    axe(page)
    page.fill("#id_place", "Plaza de la Aduana")
    page.locator("main form button[type=submit]").last.click()
    fair = Fair.objects.get()
    page.wait_for_url(base + fair.get_absolute_url())
    assert page.locator(f'main a[href="{plan.get_absolute_url()}"]').count() == 1
    axe(page)
