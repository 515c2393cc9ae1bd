"""Gestión Abierta in a real browser, with axe-core (WCAG 2.1 AA) on every page visited.

A visitor finds the development plan from the Transparency page, filters its goals with the form
(no JavaScript needed), and opens a goal with its computation; an editor of the goal's office signs
in with password and TOTP, records a measurement (first with a mistake), and sees the progress
change; a new visitor sees it too.

Text is matched loosely (Spanish or English) because the translations are still moving;
structure (ids, hrefs, names) and numbers are matched exactly.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from abierta.accounts.models import User
from abierta.development.models import Goal, Measurement
from abierta.development.tests.builders import make_dev_plan
from factories import PASSWORD, make_user

pytestmark = pytest.mark.browser

NO_DATA = re.compile(r"no data|sin datos", re.I)


def current_code(device: TOTPDevice) -> str:
    code = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)
    return str(code).zfill(device.digits)


def submit(page: Any) -> None:
    """Press the last submit button of <main> (the header has a search form too)."""
    page.locator("main form button[type=submit]").last.click()


def goal_row(page: Any, goal: Goal) -> Any:
    return page.locator(f"#meta-{goal.pk}")


def test_plan_tree_filters_goal_and_measurement(
    live_server: Any,
    transactional_db: None,
    world: Any,
    new_context: Callable[..., Any],
    axe: Callable[[Any], None],
) -> None:
    base = live_server.url
    dev = make_dev_plan(world)
    plan_url = dev.plan.get_absolute_url()
    g1_url, g3_url = dev.g1.get_absolute_url(), dev.g3.get_absolute_url()
    form_url = f"/gestion/metas/{dev.g3.pk}/medicion/"

    # 1. A visitor finds the plans from the Transparency page.
    visitor = new_context().new_page()
    assert visitor.goto(base + "/transparencia/").status == 200
    visitor.locator('main a[href="/plan-de-desarrollo/"]').click()
    visitor.wait_for_url(base + "/plan-de-desarrollo/")
    assert visitor.locator("main h1").count() == 1
    axe(visitor)

    visitor.locator(f'main a[href="{plan_url}"]').click()
    visitor.wait_for_url(base + plan_url)
    assert dev.plan.title in visitor.locator("main h1").inner_text()
    assert "90 %" in goal_row(visitor, dev.g1).inner_text()
    g3 = goal_row(visitor, dev.g3).inner_text()
    assert NO_DATA.search(g3) and not re.search(r"(?<![\d.,])0 %", g3)
    assert goal_row(visitor, dev.g4).locator(".badge--exceeded").count() == 1
    assert goal_row(visitor, dev.g5).locator(".badge--worsened").count() == 1
    axe(visitor)

    # 2. The filter form: a plain GET form, labelled selects and a button.
    visitor.select_option("#filtro-pilar", "P2")
    submit(visitor)
    visitor.wait_for_url(re.compile(r"pilar=P2"))
    assert goal_row(visitor, dev.g4).count() == 1 and goal_row(visitor, dev.g5).count() == 1
    assert goal_row(visitor, dev.g1).count() == 0
    assert visitor.locator("#filtro-pilar").input_value() == "P2"
    assert "P2" in visitor.locator("#estado-filtro").inner_text()
    axe(visitor)

    visitor.select_option("#filtro-dependencia", world.other_office.slug)
    submit(visitor)
    visitor.wait_for_url(re.compile(r"pilar=P2.*dependencia=ajena"))
    assert goal_row(visitor, dev.g4).count() == 1 and goal_row(visitor, dev.g5).count() == 0
    assert world.other_office.name in visitor.locator("#estado-filtro").inner_text()
    axe(visitor)

    # Back to the whole plan, then a goal.
    visitor.locator(f'#estado-filtro a[href="{plan_url}"]').click()
    visitor.wait_for_url(base + plan_url)
    goal_row(visitor, dev.g1).locator(f'a[href="{g1_url}"]').click()
    visitor.wait_for_url(base + g1_url)
    assert "G1" in visitor.locator("main h1").inner_text()
    assert "(31 − 40) ÷ (30 − 40) = 90 %" in visitor.locator(".formula").inner_text()
    assert visitor.locator("svg.chart[role=img] title").count() == 1
    assert visitor.locator("#mediciones table tbody tr").count() == 2
    assert visitor.locator(f'main a[href="{world.commitment.get_absolute_url()}"]').count() == 1
    assert visitor.locator('a[href^="/gestion/"]').count() == 0  # no staff actions for a visitor
    axe(visitor)

    response = visitor.goto(base + g3_url)
    assert response.status == 200
    assert NO_DATA.search(visitor.locator("#avance").inner_text())
    axe(visitor)

    response = visitor.goto(base + "/en" + g1_url)
    assert response.status == 200 and visitor.locator("html").get_attribute("lang") == "en"
    axe(visitor)

    # 3. An editor of G3's office signs in (password, then TOTP) and records a measurement.
    editor = make_user(
        "medidora@example.org", User.Role.EDITOR, world.other_office, first_name="Lucía", last_name="Medidora"
    )
    device = TOTPDevice.objects.create(user=editor, name="Teléfono", confirmed=True)
    office = new_context().new_page()
    office.goto(f"{base}/cuenta/ingresar/?next={g3_url}")
    office.fill("#id_username", editor.email)
    office.fill("#id_password", PASSWORD)
    submit(office)
    office.wait_for_url(base + "/cuenta/ingresar/codigo/")
    office.fill("#id_token", current_code(device))
    submit(office)
    office.wait_for_url(base + g3_url)
    office.locator(f'main a[href="{form_url}"]').click()
    office.wait_for_url(base + form_url)
    axe(office)

    # A value with thousands separators is refused; what was typed stays.
    office.fill("#id_date", "2025-10-01")
    office.fill("#id_value", "1.234,5")
    office.fill("#id_source", "Registro de la oficina")
    submit(office)
    summary = office.locator(".error-summary[role=alert]")
    summary.wait_for()
    assert summary.locator('a[href="#id_value"]').count() == 1
    assert office.locator("#id_source").input_value() == "Registro de la oficina"
    assert office.locator("#id_value").input_value() == "1.234,5"
    assert not Measurement.objects.filter(goal=dev.g3).exists()
    axe(office)

    office.fill("#id_value", "20,5")
    office.fill("#id_source_url", "https://example.org/registro")
    submit(office)
    office.wait_for_url(base + g3_url + "#mediciones")
    assert office.locator(".error-summary").count() == 0
    assert "(20,5 − 0) ÷ (80 − 0) = 26 %" in office.locator(".formula").inner_text()
    assert "26 %" in office.locator("#avance .progress__text").inner_text()
    assert office.locator('#mediciones a[href="https://example.org/registro"]').count() == 1
    assert "Lucía Medidora" in office.locator("section[aria-labelledby=history-heading]").inner_text()
    axe(office)

    # 4. A new visitor sees the new progress on the plan tree at once.
    reader = new_context().new_page()
    assert reader.goto(base + plan_url).status == 200
    g3 = goal_row(reader, dev.g3).inner_text()
    assert "26 %" in g3 and "20,5" in g3 and not NO_DATA.search(g3)
    axe(reader)


def test_demo_development_plan_pages_are_accessible(
    live_server: Any,
    transactional_db: None,
    new_context: Callable[..., Any],
    axe: Callable[[Any], None],
) -> None:
    """Every Gestión page of the demonstration plan, in both languages, passes axe: real-sized
    names, many measurements, cumulative and decreasing goals, budgets, linked commitments."""
    from django.core.management import call_command

    from abierta.development.demo import PLAN_SLUG
    from abierta.development.models import DevelopmentPlan

    call_command("demo", "--no-users", verbosity=0)
    plan = DevelopmentPlan.objects.get(slug=PLAN_SLUG)
    goals = list(Goal.objects.filter(plan=plan))
    assert goals
    office = goals[0].responsible.slug
    pillar = plan.pillars.first()
    assert pillar is not None
    paths = [
        "/plan-de-desarrollo/",
        plan.get_absolute_url(),
        f"{plan.get_absolute_url()}?pilar={pillar.code}&dependencia={office}",
        f"/en{plan.get_absolute_url()}",
    ]
    paths += [g.get_absolute_url() for g in goals]
    paths.append(f"/en{goals[0].get_absolute_url()}")
    page = new_context().new_page()
    for path in paths:
        response = page.goto(live_server.url + path)
        assert response.status == 200, path
        assert page.locator("main h1").count() == 1, path
        axe(page)
