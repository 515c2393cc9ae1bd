"""A transparency officer runs the next cycle in a real browser: creates the 2024–2025 plan, adds a
commitment with a milestone, publishes the plan, and the public page shows it. axe-core (WCAG 2.1
AA) on every page visited, and none wider than 360 px."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

pytestmark = pytest.mark.browser


def _check(page: Any, axe: Callable[[Any], None]) -> None:
    axe(page)
    page.set_viewport_size({"width": 360, "height": 740})
    width = page.evaluate("() => document.documentElement.scrollWidth")
    page.set_viewport_size({"width": 1280, "height": 800})
    assert width <= 360, f"{page.url} is {width}px wide at 360px"


def _submit(page: Any) -> None:
    page.locator("main form button[type=submit]").last.click()
    page.wait_for_load_state()


def test_officer_creates_publishes_the_next_plan(
    live_server: Any,
    transactional_db: None,
    new_context: Callable[..., Any],
    axe: Callable[[Any], None],
) -> None:
    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from abierta.accounts.models import User
    from abierta.core.models import Institution
    from abierta.plans.models import ActionPlan, Commitment
    from factories import PASSWORD, make_user

    office = Institution.objects.create(name="Secretaría General", slug="secretaria")
    officer = make_user("transparencia@example.org", User.Role.TRANSPARENCY, office)
    device = TOTPDevice.objects.create(user=officer, name="Teléfono", confirmed=True)
    base = live_server.url
    page = new_context().new_page()
    page.goto(f"{base}/cuenta/ingresar/?next=/gestion/planes/")
    page.fill("#id_username", officer.email)
    page.fill("#id_password", PASSWORD)
    _submit(page)
    page.wait_for_url(base + "/cuenta/ingresar/codigo/")
    page.fill("#id_token", str(totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)).zfill(6))
    _submit(page)
    page.wait_for_url(base + "/gestion/planes/")
    _check(page, axe)

    page.locator("main a[href='/gestion/planes/nuevo/']").click()
    page.wait_for_url(base + "/gestion/planes/nuevo/")
    page.fill("#id_title", "Plan de Acción de Gobierno Abierto 2024–2025")
    page.fill("#id_slug", "cartagena-2024-2025")
    page.fill("#id_jurisdiction", "Cartagena de Indias")
    page.fill("#id_period_start", "2025")
    page.fill("#id_period_end", "2024")
    _submit(page)
    page.locator(".error-summary[role=alert]").wait_for()
    assert page.locator("#id_title").input_value() == "Plan de Acción de Gobierno Abierto 2024–2025"
    assert not ActionPlan.objects.exists()
    _check(page, axe)
    page.fill("#id_period_start", "2024")
    page.fill("#id_period_end", "2025")
    page.check(f"#id_lead_institutions input[value='{office.pk}']")
    _submit(page)
    page.wait_for_url(base + "/gestion/planes/cartagena-2024-2025/")
    plan = ActionPlan.objects.get()
    assert not plan.is_published
    _check(page, axe)

    page.locator("main a[href='/gestion/planes/cartagena-2024-2025/compromisos/nuevo/']").click()
    page.fill("#id_code", "COCDI0101")
    page.fill("#id_title", "Datos abiertos de contratación")
    page.fill("#id_problem", "La ciudadanía no encuentra los contratos.")
    page.check("#id_value_access_to_information")
    page.fill("#id_start_month", "2024-03")
    page.fill("#id_end_month", "2025-06")
    page.select_option("#id_lead_institution", str(office.pk))
    _check(page, axe)
    _submit(page)
    errors = page.locator(".error-summary").all_inner_texts()
    assert not errors, errors
    commitment = Commitment.objects.get()
    page.wait_for_url(base + f"/gestion/planes/cartagena-2024-2025/compromisos/{commitment.pk}/")
    _check(page, axe)

    page.locator(f"main a[href='/gestion/compromisos/{commitment.pk}/hitos/nuevo/']").click()
    page.fill("#id_title", "Portal con los contratos de 2024")
    page.fill("#id_start_date", "2024-03-01")
    page.fill("#id_end_date", "2024-09-30")
    page.select_option("#id_responsible", str(office.pk))
    _submit(page)
    page.wait_for_url(base + f"/gestion/planes/cartagena-2024-2025/compromisos/{commitment.pk}/")
    assert commitment.milestones.count() == 1

    page.goto(base + "/gestion/planes/cartagena-2024-2025/publicar/")
    _check(page, axe)
    _submit(page)
    page.wait_for_url(base + "/gestion/planes/cartagena-2024-2025/")
    plan.refresh_from_db()
    assert plan.is_published

    visitor = new_context().new_page()
    assert visitor.goto(base + plan.get_absolute_url()).status == 200
    assert "Datos abiertos de contratación" in visitor.locator("main").inner_text()
    _check(visitor, axe)
    assert visitor.goto(base + commitment.get_absolute_url()).status == 200
    assert "Portal con los contratos de 2024" in visitor.locator("main").inner_text()
    _check(visitor, axe)
